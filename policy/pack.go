package policy

import (
	"context"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// PackName and PackVersion identify the policy pack.
const PackName = "tastylog"

var PackVersion = semver.MustParse("1.0.0")

// Pack wraps the rules as a policyx policy pack, every policy mandatory: a resource rule becomes a
// resource validation policy named after the rule, a stack rule a stack validation policy named
// <rule>-stack.
func Pack() (policyx.PolicyPack, error) {
	var policies []policyx.Policy
	for _, rule := range Rules {
		rule := rule
		if rule.Resource != nil {
			policies = append(policies, policyx.NewResourceValidationPolicy(rule.Name, policyx.ResourceValidationPolicyArgs{
				Description:      rule.Description,
				EnforcementLevel: policyx.EnforcementLevelMandatory,
				ValidateResource: func(_ context.Context, args policyx.ResourceValidationArgs) error {
					for _, msg := range rule.Resource(FromAnalyzer(args.Resource)) {
						args.Manager.ReportViolation(msg, "")
					}
					return nil
				},
			}))
		}
		if rule.Stack != nil {
			policies = append(policies, policyx.NewStackValidationPolicy(rule.Name+"-stack", policyx.StackValidationPolicyArgs{
				Description:      rule.Description,
				EnforcementLevel: policyx.EnforcementLevelMandatory,
				ValidateStack: func(_ context.Context, args policyx.StackValidationArgs) error {
					rs := make([]Resource, len(args.Resources))
					for i, r := range args.Resources {
						rs[i] = FromAnalyzer(r)
					}
					for _, v := range rule.Stack(rs) {
						args.Manager.ReportViolation(v.Message, v.URN)
					}
					return nil
				},
			}))
		}
	}
	return policyx.NewPolicyPack(PackName, PackVersion, policyx.EnforcementLevelMandatory, policies)
}

// FromAnalyzer is the engine's view of a resource as the rules see it.
func FromAnalyzer(r policyx.AnalyzerResource) Resource {
	region := ""
	if v, ok := r.Provider.Properties.GetOk("region"); ok && v.IsString() {
		region = v.AsString()
	}
	unknown := map[string]bool{}
	for k, v := range r.Properties.AllStable {
		if _, known := plain(v); !known {
			unknown[k] = true
		}
	}
	return Resource{
		Type:           r.Type,
		Name:           r.Name,
		URN:            r.URN,
		Props:          plainMap(r.Properties),
		Unknown:        unknown,
		Protect:        r.Options.Protect,
		ProviderRegion: region,
		Production:     ProductionProvider(plainMap(r.Provider.Properties)),
	}
}

func plainMap(m property.Map) map[string]any {
	out := map[string]any{}
	for k, v := range m.AllStable {
		if p, known := plain(v); known {
			out[k] = p
		}
	}
	return out
}

// plain converts a property value to plain Go values; unknown values (during a preview) report false.
func plain(v property.Value) (any, bool) {
	switch {
	case v.IsComputed():
		return nil, false
	case v.IsNull():
		return nil, true
	case v.IsBool():
		return v.AsBool(), true
	case v.IsNumber():
		return v.AsNumber(), true
	case v.IsString():
		return v.AsString(), true
	case v.IsArray():
		// A list with an unknown element is unknown as a whole: dropping the element would make a rule
		// see fewer items (an alarm with no actions) than the update will have.
		var out []any
		for _, e := range v.AsArray().AsSlice() {
			p, known := plain(e)
			if !known {
				return nil, false
			}
			out = append(out, p)
		}
		return out, true
	case v.IsMap():
		return plainMap(v.AsMap()), true
	}
	return nil, false
}
