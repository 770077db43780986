package bootstrapspec

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func good() map[string]string {
	return map[string]string{
		"tastylog-bootstrap:githubRepository":  "example/tastylog-infra",
		"tastylog-bootstrap:environments":      `["dev","prod"]`,
		"tastylog-bootstrap:budgetEmails":      `["oncall@example.com"]`,
		"tastylog-bootstrap:allowedAccountIds": `[123456789012]`,
	}
}

func TestLoad(t *testing.T) {
	s, err := Load(good())
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	if s.AllowedAccountIds[0] != "123456789012" || len(s.Environments) != 2 || s.StateVersionDays != 90 || !s.CreateOidcProvider {
		t.Errorf("Load() = %+v", s)
	}
}

func TestLoadRejects(t *testing.T) {
	for name, tc := range map[string]struct{ key, value, want string }{
		"NoRepository":    {"githubRepository", "", `tastylog-bootstrap:githubRepository: "" is required`},
		"WildcardRepo":    {"githubRepository", "example/*", `is not a GitHub repository in owner/name form (no wildcards`},
		"NoEnvironments":  {"environments", `[]`, `tastylog-bootstrap:environments: "[]" is empty`},
		"WildcardEnv":     {"environments", `["*"]`, `tastylog-bootstrap:environments[0]: "*" is not a GitHub environment name`},
		"NoEmails":        {"budgetEmails", `[]`, `tastylog-bootstrap:budgetEmails: "[]" is empty`},
		"BadEmail":        {"budgetEmails", `["ops"]`, `tastylog-bootstrap:budgetEmails[0]: "ops" is not an email address`},
		"BadAccount":      {"allowedAccountIds", `["1234"]`, `tastylog-bootstrap:allowedAccountIds[0]: "1234" is not an AWS account id`},
		"BadIdle":         {"sessionIdleMinutes", "90", `tastylog-bootstrap:sessionIdleMinutes: "90" must be from 1 to 60 minutes`},
		"BadRetention":    {"logRetentionDays", "100", `tastylog-bootstrap:logRetentionDays: "100" is not a CloudWatch Logs retention`},
		"NotANumber":      {"budgetUsd", "lots", `tastylog-bootstrap:budgetUsd: "lots" is not a whole number`},
		"MisspeltKey":     {"budgetEmail", `["a@b.co"]`, `tastylog-bootstrap:budgetEmail: "[\"a@b.co\"]" is not a config key of project tastylog-bootstrap`},
		"VersionsForever": {"stateVersionDays", "0", `tastylog-bootstrap:stateVersionDays: "0" must be from 1 to 3650 days`},
		"OidcNotABoolean": {"createOidcProvider", "yes", `tastylog-bootstrap:createOidcProvider: "yes" is not true or false`},
	} {
		t.Run(name, func(t *testing.T) {
			v := good()
			v["tastylog-bootstrap:"+tc.key] = tc.value
			_, err := Load(v)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load() = %v\nwant %q", err, tc.want)
			}
		})
	}
}

// bootstrap/Pulumi.yaml declares exactly the keys the project reads, in order.
func TestPulumiYamlDeclaresTheKeys(t *testing.T) {
	b, err := os.ReadFile("../../bootstrap/Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, m := range regexp.MustCompile(`(?m)^  ([a-zA-Z]+):$`).FindAllStringSubmatch(string(b), -1) {
		declared = append(declared, m[1])
	}
	if strings.Join(declared, ",") != strings.Join(Keys, ",") {
		t.Errorf("bootstrap/Pulumi.yaml declares %v, the project reads %v", declared, Keys)
	}
}
