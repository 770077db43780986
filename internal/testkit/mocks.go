// Package testkit runs Pulumi programs and components under mocks and records the resource graph they
// register: every resource's type, name, inputs, parent, provider and options, and every invoke. Tests
// assert on the recording after pulumi.RunErr returns.
package testkit

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Resource is one registered resource as the engine would see it.
type Resource struct {
	URN    string
	Type   string
	Name   string
	ID     string
	Custom bool
	Inputs resource.PropertyMap
	// Parent is the parent's URN; Provider the provider reference ("urn::id"), empty for a default provider.
	Parent   string
	Provider string
	// Providers maps package to provider reference, as set on components with pulumi.Providers.
	Providers map[string]string
	// Options as registered.
	Protect             bool
	RetainOnDelete      bool
	DeleteBeforeReplace bool
	DependsOn           []string
	IgnoreChanges       []string
	ReplaceOnChanges    []string
	DeletedWith         string
	AliasURNs           []string
	// AliasParents are the parent URNs of the aliases given as specs (pulumi.Alias{Parent: ...}).
	AliasParents      []string
	AdditionalSecrets []string
}

// Invoke is one function call the program made.
type Invoke struct {
	Token    string
	Args     resource.PropertyMap
	Provider string
}

// InvokeFunc answers one invoke token.
type InvokeFunc func(args resource.PropertyMap) (resource.PropertyMap, error)

// OutputFunc adds provider-computed outputs (ARNs, endpoints) to a resource's state; it may set r.ID.
type OutputFunc func(r *Resource, state resource.PropertyMap)

// Mocks implements pulumi.MockResourceMonitor and records what it sees. It is safe for concurrent use:
// the SDK registers resources from many goroutines.
type Mocks struct {
	mu        sync.Mutex
	resources []*Resource
	invokes   []Invoke
	answers   map[string]InvokeFunc
	// answersWithProvider take the region of the invoke's provider.
	answersWithProvider map[string]func(args resource.PropertyMap, region string) (resource.PropertyMap, error)
	outputs             map[string]OutputFunc
	project             string
	stack               string
}

// New returns mocks that answer the AWS invokes this program makes with plausible values for region.
func New(project, stack, region string) *Mocks {
	m := &Mocks{project: project, stack: stack, answers: map[string]InvokeFunc{},
		answersWithProvider: map[string]func(resource.PropertyMap, string) (resource.PropertyMap, error){}, outputs: map[string]OutputFunc{}}
	registerAWS(m, region)
	registerLookups(m)
	return m
}

// Answer sets (or replaces) the answer to an invoke token, e.g. "aws:index/getAvailabilityZones:getAvailabilityZones".
func (m *Mocks) Answer(token string, fn InvokeFunc) { m.answers[token] = fn }

// AnswerWithProvider sets the answer to an invoke token that depends on the region of the invoke's provider.
func (m *Mocks) AnswerWithProvider(token string, fn func(args resource.PropertyMap, region string) (resource.PropertyMap, error)) {
	m.answersWithProvider[token] = fn
}

// Outputs sets the computed outputs a resource type gets, e.g. a VPC endpoint's prefixListId.
func (m *Mocks) Outputs(typ string, fn OutputFunc) { m.outputs[typ] = fn }

// NewResource records the registration and answers with the inputs as state, plus an id, an ARN and
// whatever Outputs adds for the type.
func (m *Mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	r := &Resource{
		Type:     args.TypeToken,
		Name:     args.Name,
		Custom:   args.Custom,
		Inputs:   args.Inputs,
		Provider: args.Provider,
	}
	if rpc != nil {
		r.Parent = rpc.GetParent()
		r.Providers = rpc.GetProviders()
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.DependsOn = rpc.GetDependencies()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.ReplaceOnChanges = rpc.GetReplaceOnChanges()
		r.DeletedWith = rpc.GetDeletedWith()
		r.AliasURNs = rpc.GetAliasURNs()
		for _, a := range rpc.GetAliases() {
			if spec := a.GetSpec(); spec != nil && spec.GetParentUrn() != "" {
				r.AliasParents = append(r.AliasParents, spec.GetParentUrn())
			} else if a.GetUrn() != "" {
				r.AliasURNs = append(r.AliasURNs, a.GetUrn())
			}
		}
		r.AdditionalSecrets = rpc.GetAdditionalSecretOutputs()
	}
	r.URN = m.urn(r.Parent, r.Type, r.Name)
	r.ID = args.Name + "-id"
	if args.ID != "" {
		r.ID = args.ID
	}

	state := args.Inputs.Copy()
	if fn, ok := m.outputs[r.Type]; ok {
		fn(r, state) // may also set r.ID, as providers whose id is a name do
	}
	if strings.HasPrefix(r.Type, "aws:") {
		if _, ok := state["arn"]; !ok {
			state["arn"] = resource.NewStringProperty(fmt.Sprintf("arn:aws:mock:::%s/%s", r.Type, r.ID))
		}
	}

	m.mu.Lock()
	m.resources = append(m.resources, r)
	m.mu.Unlock()
	return r.ID, state, nil
}

// Call records the invoke and answers it; an invoke with no answer is an error, so a new invoke in the
// program shows up as a failing test rather than as a silently empty result.
func (m *Mocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	m.mu.Lock()
	m.invokes = append(m.invokes, Invoke{Token: args.Token, Args: args.Args, Provider: args.Provider})
	fn, ok := m.answers[args.Token]
	withProvider, ok2 := m.answersWithProvider[args.Token]
	m.mu.Unlock()
	if ok2 {
		region := ""
		if i := strings.LastIndex(args.Provider, "::"); i >= 0 {
			if p := m.ByURN(args.Provider[:i]); p != nil {
				region = p.Str("region")
			}
		}
		return withProvider(args.Args, region)
	}
	if !ok {
		return nil, fmt.Errorf("testkit: no mock answer for invoke %s", args.Token)
	}
	return fn(args.Args)
}

// urn builds the URN the mock monitor gives a resource, so parents and children can be matched.
func (m *Mocks) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(m.stack), tokens.PackageName(m.project), parentType, tokens.Type(typ), name))
}

// Run runs program under these mocks with the given config (fully qualified keys, JSON for arrays and
// objects) and returns its error.
func (m *Mocks) Run(config map[string]string, program pulumi.RunFunc) error {
	return pulumi.RunErr(program, pulumi.WithMocks(m.project, m.stack, m), func(info *pulumi.RunInfo) {
		info.Config = config
	})
}

// All returns every recorded resource, in a stable order (type, then name).
func (m *Mocks) All() []*Resource {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := append([]*Resource(nil), m.resources...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// ByType returns the resources of one type token, sorted by name.
func (m *Mocks) ByType(typ string) []*Resource {
	var out []*Resource
	for _, r := range m.All() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the resource of typ named name, or nil.
func (m *Mocks) Find(typ, name string) *Resource {
	for _, r := range m.All() {
		if r.Type == typ && r.Name == name {
			return r
		}
	}
	return nil
}

// One returns the resource of typ named name and fails the test when there is none.
func (m *Mocks) One(t testing.TB, typ, name string) *Resource {
	t.Helper()
	r := m.Find(typ, name)
	if r == nil {
		t.Fatalf("no %s named %q; have %s", typ, name, strings.Join(m.names(typ), ", "))
	}
	return r
}

// ByURN returns the resource with the URN, or nil.
func (m *Mocks) ByURN(urn string) *Resource {
	for _, r := range m.All() {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

// ProviderOf resolves a resource's provider reference ("urn::id") to the provider resource, or nil.
func (m *Mocks) ProviderOf(r *Resource) *Resource {
	i := strings.LastIndex(r.Provider, "::")
	if i < 0 {
		return nil
	}
	return m.ByURN(r.Provider[:i])
}

// regionOf returns the region of the provider a resource is registered with, or def.
func (m *Mocks) regionOf(r *Resource, def string) string {
	if p := m.ProviderOf(r); p != nil && p.Str("region") != "" {
		return p.Str("region")
	}
	return def
}

// Invokes returns the recorded invokes of one token.
func (m *Mocks) Invokes(token string) []Invoke {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Invoke
	for _, i := range m.invokes {
		if i.Token == token {
			out = append(out, i)
		}
	}
	return out
}

func (m *Mocks) names(typ string) []string {
	var names []string
	for _, r := range m.All() {
		if r.Type == typ {
			names = append(names, r.Name)
		}
	}
	return names
}

// Await resolves an output that a program run under these mocks produced. Call it after Run returns.
func Await(o pulumi.Output) (any, error) {
	res, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		return nil, err
	}
	if !res.Known {
		return nil, fmt.Errorf("testkit: output is unknown")
	}
	return res.Value, nil
}

// AwaitStrings resolves a string-array output.
func AwaitStrings(o pulumi.StringArrayOutput) ([]string, error) {
	v, err := Await(o)
	if err != nil {
		return nil, err
	}
	out, ok := v.([]string)
	if !ok {
		return nil, fmt.Errorf("testkit: output is %T, want []string", v)
	}
	return out, nil
}
