// Package stackconfig turns a stack's raw config values into one validated Config. It imports no Pulumi
// package: the program hands it a lookup function, so every rule here is tested in a second and runs before
// the program registers anything.
package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/netspec"
)

// Lookup returns the raw value of a fully qualified config key ("tastylog:vpcCidr") and whether it is set.
// Arrays and objects arrive as JSON, the way the Pulumi engine hands them to a program.
type Lookup func(key string) (string, bool)

// Config is everything a stack can set, validated.
type Config struct {
	// Project and Env make the name prefix {project}-{env} of every resource and the Project/Env tags.
	Project string
	Env     string
	// AllowedAccountIds, when set, makes the providers refuse any other AWS account.
	AllowedAccountIds []string
	// Network is the VPC plan, including the region.
	Network netspec.Spec
}

// Region is the app region every regional resource lives in.
func (c *Config) Region() string { return c.Network.Region }

// NamePrefix is {project}-{env}, the start of every resource name.
func (c *Config) NamePrefix() string { return c.Project + "-" + c.Env }

// Key names, without the project namespace. Scalars and arrays are declared in Pulumi.yaml; objects cannot
// be, so their fields are listed in objectFields and checked here.
const (
	keyEnv               = "env"
	keyAllowedAccountIds = "allowedAccountIds"
	keyVpcCidr           = "vpcCidr"
	keyAvailabilityZones = "availabilityZones"
	keySubnets           = "subnets"
	keyNatStrategy       = "natStrategy"
	keyVpcEndpoints      = "vpcEndpoints"
	keyAdminCidrs        = "adminCidrs"
	keyRegion            = "aws:region"
)

// Load reads, defaults and validates the stack config of project on stack. The error names every bad key,
// its value and what is allowed.
func Load(project, stack string, get Lookup) (*Config, error) {
	r := reader{ns: project + ":", get: get}
	cfg := &Config{
		Project:           project,
		Env:               r.str(keyEnv, stack),
		AllowedAccountIds: r.strings(keyAllowedAccountIds, []string{}),
		Network:           netspec.Default(),
	}
	if region, ok := get(keyRegion); ok && region != "" {
		cfg.Network.Region = region
	}
	n := &cfg.Network
	n.VpcCidr = r.str(keyVpcCidr, n.VpcCidr)
	n.AvailabilityZones = r.strings(keyAvailabilityZones, n.AvailabilityZones)
	r.object(keySubnets, &n.Subnets)
	n.NatStrategy = netspec.NatStrategy(r.str(keyNatStrategy, string(n.NatStrategy)))
	n.VpcEndpoints = r.strings(keyVpcEndpoints, n.VpcEndpoints)
	n.AdminCidrs = r.strings(keyAdminCidrs, n.AdminCidrs)

	if len(r.errs) > 0 {
		return nil, errors.Join(r.errs...)
	}
	if err := cfg.validate(r.ns); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (c *Config) validate(ns string) error {
	errs := []error{c.Network.Validate(ns)}
	if !namePattern(c.Env) {
		errs = append(errs, &configerr.FieldError{Key: ns + keyEnv, Value: c.Env,
			Problem: "is not a valid environment name; use 1-16 lowercase letters, digits or hyphens, starting with a letter (it goes into every resource name)"})
	}
	if !namePattern(c.Project) {
		errs = append(errs, &configerr.FieldError{Key: "name (Pulumi.yaml)", Value: c.Project,
			Problem: "is not a valid project name here; use 1-16 lowercase letters, digits or hyphens, starting with a letter"})
	}
	for i, id := range c.AllowedAccountIds {
		if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
			errs = append(errs, &configerr.FieldError{Key: fmt.Sprintf("%s%s[%d]", ns, keyAllowedAccountIds, i), Value: id,
				Problem: "is not an AWS account id; want 12 digits"})
		}
	}
	return errors.Join(errs...)
}

// namePattern keeps {project}-{env} short and lowercase: it prefixes names with tight limits (ALB and
// target-group names 32 characters, RDS identifiers lowercase).
func namePattern(s string) bool {
	if len(s) == 0 || len(s) > 16 || s[0] < 'a' || s[0] > 'z' || strings.HasSuffix(s, "-") {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// DeclaredDefaults returns the scalar and array keys (short names) with the defaults Load applies; Pulumi.yaml
// declares exactly these, with these defaults (a test holds the two together). Env's "" means the stack name.
func DeclaredDefaults() map[string]any {
	def := netspec.Default()
	return map[string]any{
		keyEnv:               "",
		keyAllowedAccountIds: []string{},
		keyVpcCidr:           def.VpcCidr,
		keyAvailabilityZones: def.AvailabilityZones,
		keyNatStrategy:       string(def.NatStrategy),
		keyVpcEndpoints:      def.VpcEndpoints,
		keyAdminCidrs:        def.AdminCidrs,
	}
}

// ObjectFields lists the keys allowed inside each object-valued config key.
var ObjectFields = map[string][]string{
	keySubnets: jsonFields(netspec.Subnets{}),
}

type reader struct {
	ns   string
	get  Lookup
	errs []error
}

func (r *reader) raw(key string) (string, bool) {
	v, ok := r.get(r.ns + key)
	return v, ok && v != ""
}

func (r *reader) str(key, def string) string {
	if v, ok := r.raw(key); ok {
		return v
	}
	return def
}

func (r *reader) strings(key string, def []string) []string {
	v, ok := r.raw(key)
	if !ok {
		return def
	}
	var out []string
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		r.errs = append(r.errs, &configerr.FieldError{Key: r.ns + key, Value: v, Problem: "is not a list of strings"})
		return def
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// object decodes an object-valued key over the defaults already in dst. Unknown fields are an error naming
// the allowed ones: a misspelt key would otherwise be dropped and the default used in silence.
func (r *reader) object(key string, dst any) {
	v, ok := r.raw(key)
	if !ok {
		return
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &fields); err != nil {
		r.errs = append(r.errs, &configerr.FieldError{Key: r.ns + key, Value: v, Problem: "is not an object"})
		return
	}
	allowed := ObjectFields[key]
	var unknown []string
	for name := range fields {
		if !slices.Contains(allowed, name) {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		r.errs = append(r.errs, &configerr.FieldError{Key: r.ns + key + "." + name, Value: string(fields[name]),
			Problem: fmt.Sprintf("is under an unknown key %q; allowed keys: %s", name, strings.Join(allowed, ", "))})
	}
	if len(unknown) > 0 {
		return
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(v)))
	if err := dec.Decode(dst); err != nil {
		r.errs = append(r.errs, &configerr.FieldError{Key: r.ns + key, Value: v, Problem: fmt.Sprintf("does not fit the expected shape: %v", err)})
	}
}

// jsonFields lists the json names of a struct's fields.
func jsonFields(v any) []string {
	b, _ := json.Marshal(v)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(b, &m)
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
