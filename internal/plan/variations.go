package plan

import (
	"maps"
	"sort"
	"strings"
)

// Change is one common change of a stack's config: a key, its new value (as the CLI hands it to the
// program: arrays as JSON), and what it means.
type Change struct {
	Key, Value, What string
	// When, if set, says whether the change applies to the key's current value ("" when unset).
	When func(current string) bool
}

// unset is true of a list that holds nothing: the safer endpoints are for a stack that has none.
func unset(current string) bool { return current == "" || current == "[]" }

// hasInternet is true of every NAT strategy but none (a stack without NAT chose endpoints instead).
func hasInternet(current string) bool { return current != "none" }

// Cheaper are the common ways to pay less, in the order they are tried: where two change one key, the
// second is tried only if the stack refuses the first (a production stack refuses a NAT instance, so it
// gets one NAT gateway).
var Cheaper = []Change{
	{"tastylog:natStrategy", "instance", "a NAT instance", nil},
	{"tastylog:natStrategy", "single", "one NAT gateway", nil},
	{"tastylog:vpcEndpoints", "[]", "no interface endpoints", nil},
	{"tastylog:dbMultiAz", "false", "a single-AZ database", nil},
	{"tastylog:dbInstanceClass", "db.t4g.micro", "the smallest database", nil},
	{"tastylog:dbReadReplica", "false", "no read replica", nil},
	{"tastylog:waf", "false", "no web ACL", nil},
	{"tastylog:stackKey", "false", "AWS-managed keys", nil},
	{"tastylog:appDesiredCapacity", "1", "one server or task", nil},
	{"tastylog:appMinSize", "1", "one server or task", nil},
}

// Safer are the common ways to survive more, in the same manner.
var Safer = []Change{
	{"tastylog:natStrategy", "perAz", "a NAT gateway per AZ", hasInternet},
	{"tastylog:vpcEndpoints", `["ssm","ssmmessages","ec2messages","logs"]`, "the endpoints an incident without NAT needs", unset},
	{"tastylog:dbMultiAz", "true", "a Multi-AZ database", nil},
	{"tastylog:waf", "true", "a web ACL", nil},
	{"tastylog:stackKey", "true", "the stack's own key", nil},
	{"tastylog:appMaxSize", "6", "room to scale to six", nil},
	{"tastylog:appDesiredCapacity", "2", "two servers or tasks", nil},
	{"tastylog:appMinSize", "2", "two servers or tasks", nil},
	{"tastylog:appFargateSpot", "false", "on-demand tasks", nil},
}

// Choose applies, key by key, the first change the stack accepts (valid reports why a config cannot be
// deployed), in order: a key whose current value is among its changes keeps it when the change before it is
// refused or is the same, so a NAT instance is never "cheapened" to a gateway. It returns what it set and the
// keys it had to leave.
func Choose(config map[string]string, changes []Change, valid func(map[string]string) error) (set map[string]string, skipped []string) {
	set = map[string]string{}
	next := make(map[string]string, len(config))
	maps.Copy(next, config)
	done := map[string]bool{}
	refused := map[string]bool{}
	for _, c := range changes {
		if done[c.Key] {
			continue
		}
		current, known := next[c.Key]
		if c.When != nil && !c.When(current) {
			continue
		}
		if known && current == c.Value {
			done[c.Key] = true // already this good
			continue
		}
		next[c.Key] = c.Value
		if err := valid(next); err != nil {
			if known {
				next[c.Key] = current
			} else {
				delete(next, c.Key)
			}
			refused[c.Key] = true
			continue
		}
		set[c.Key], done[c.Key] = c.Value, true
	}
	for k := range refused {
		if _, ok := set[k]; !ok {
			skipped = append(skipped, strings.TrimPrefix(k, "tastylog:"))
		}
	}
	sort.Strings(skipped)
	return set, skipped
}
