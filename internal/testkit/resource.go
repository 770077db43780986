package testkit

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/tastylog/infra/internal/plan"
	"github.com/tastylog/infra/internal/pricing"
	"github.com/tastylog/infra/policy"
)

// Input returns an input as plain Go values (string, float64, bool, []any, map[string]any), unwrapping
// secrets; nil when unset or unknown. A dotted key (vpcOriginEndpointConfig.name) reads a nested object.
func (r *Resource) Input(key string) any {
	first, rest, nested := strings.Cut(key, ".")
	v := plain(r.Inputs[resource.PropertyKey(first)])
	for nested {
		obj, _ := v.(map[string]any)
		first, rest, nested = strings.Cut(rest, ".")
		v = obj[first]
	}
	return v
}

// Str returns a string input, or "" when unset or not a string.
func (r *Resource) Str(key string) string {
	s, _ := r.Input(key).(string)
	return s
}

// Bool returns a boolean input, or false.
func (r *Resource) Bool(key string) bool {
	b, _ := r.Input(key).(bool)
	return b
}

// Int returns a number input as an int, or 0.
func (r *Resource) Int(key string) int {
	f, _ := r.Input(key).(float64)
	return int(f)
}

// Strings returns a list-of-strings input, or nil.
func (r *Resource) Strings(key string) []string {
	list, _ := r.Input(key).([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Objects returns a list-of-objects input (inline rules, blocks), or nil.
func (r *Resource) Objects(key string) []map[string]any {
	list, _ := r.Input(key).([]any)
	var out []map[string]any
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Tag returns one tag of the resource's tags input.
func (r *Resource) Tag(key string) string {
	tags, _ := r.Input("tags").(map[string]any)
	s, _ := tags[key].(string)
	return s
}

// IsSecret reports whether an input was registered as a secret.
func (r *Resource) IsSecret(key string) bool {
	v, ok := r.Inputs[resource.PropertyKey(key)]
	return ok && v.ContainsSecrets()
}

func plain(v resource.PropertyValue) any {
	switch {
	case v.IsNull(), v.IsComputed():
		return nil
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		if !v.OutputValue().Known {
			return nil
		}
		return plain(v.OutputValue().Element)
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			out = append(out, plain(e))
		}
		return out
	case v.IsObject():
		out := map[string]any{}
		for k, e := range v.ObjectValue() {
			out[string(k)] = plain(e)
		}
		return out
	case v.IsResourceReference():
		return string(v.ResourceReferenceValue().URN)
	}
	return v.V
}

// PolicyResources is the recorded graph as the policy rules see it, the same view the policy pack gets
// from the engine: inputs as plain values, the protect option and the provider's region.
func (m *Mocks) PolicyResources() []policy.Resource {
	var out []policy.Resource
	for _, r := range m.All() {
		props, _ := plain(resource.NewObjectProperty(r.Inputs)).(map[string]any)
		production := false
		if p := m.ProviderOf(r); p != nil {
			pp, _ := plain(resource.NewObjectProperty(p.Inputs)).(map[string]any)
			production = policy.ProductionProvider(pp)
		}
		out = append(out, policy.Resource{
			Type: r.Type, Name: r.Name, URN: r.URN, Props: props, Protect: r.Protect,
			ProviderRegion: m.regionOf(r, ""), Production: production,
		})
	}
	return out
}

// PricingResources is the recorded graph as the cost estimate reads it: plain inputs, the id and the
// provider's region.
func (m *Mocks) PricingResources() []pricing.Resource {
	var out []pricing.Resource
	for _, r := range m.All() {
		props, _ := plain(resource.NewObjectProperty(r.Inputs)).(map[string]any)
		out = append(out, pricing.Resource{Type: r.Type, Name: r.Name, ID: r.ID, Region: m.regionOf(r, ""), Inputs: props})
	}
	return out
}

// PlanResources is the recorded graph as the plan reads it: the pricing view, the URNs, parents and
// dependencies.
func (m *Mocks) PlanResources() []plan.Resource {
	priced := m.PricingResources()
	var out []plan.Resource
	for i, r := range m.All() {
		out = append(out, plan.Resource{Resource: priced[i], URN: r.URN, Parent: r.Parent,
			DependsOn: append([]string(nil), r.DependsOn...), Custom: r.Custom})
	}
	return out
}
