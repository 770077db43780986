package main

import (
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/planrun"
	"github.com/tastylog/infra/internal/pricing"
	"github.com/tastylog/infra/internal/stackfile"
	"github.com/tastylog/infra/internal/testkit"
)

// cliFlags reads testdata/pulumi-cli-flags.txt: subcommand -> every flag its --help lists (global ones too).
func cliFlags(t *testing.T) map[string][]string {
	t.Helper()
	raw, err := os.ReadFile("testdata/pulumi-cli-flags.txt")
	require.NoError(t, err)
	out := map[string][]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, flags, ok := strings.Cut(line, ": ")
		require.True(t, ok, line)
		out[cmd] = strings.Fields(flags)
	}
	return out
}

var (
	// codeSpan is inline code or a line of a fenced block; pulumiCommand one `pulumi ...` inside it, up
	// to the end of its shell command.
	codeSpan      = regexp.MustCompile("`([^`\n]+)`")
	pulumiCommand = regexp.MustCompile(`(?:^|[\s(])(pulumi(?:\s+[^\s;&|)>]+)*)`)
)

// docCommands returns every `pulumi ...` command in README.md and docs/*.md, with where it is.
func docCommands(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	files = append([]string{"README.md"}, files...)
	out := map[string]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		var snippets []string
		fenced := false
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				fenced = !fenced
				continue
			}
			if fenced {
				snippets = append(snippets, line)
				continue
			}
			for _, m := range codeSpan.FindAllStringSubmatch(line, -1) {
				snippets = append(snippets, m[1])
			}
		}
		for _, s := range snippets {
			for _, m := range pulumiCommand.FindAllStringSubmatch(s, -1) {
				out[strings.TrimSpace(m[1])] = f
			}
		}
	}
	return out
}

// Every `pulumi` command in the docs names a subcommand the CLI has and only flags that subcommand takes
// (testdata/pulumi-cli-flags.txt, from the CLI's own --help). A misspelt or invented flag fails here.
func TestDocsUseOnlyRealPulumiCommands(t *testing.T) {
	flags := cliFlags(t)
	commands := docCommands(t)
	require.Greater(t, len(commands), 20, "the docs show their commands")
	for cmd, file := range commands {
		words := strings.Fields(cmd)[1:]
		if len(words) == 0 {
			continue // the bare word
		}
		sub := ""
		var rest []string
		for n := 2; n >= 1; n-- { // the longest subcommand the table knows
			if len(words) >= n {
				if _, ok := flags[strings.Join(words[:n], " ")]; ok {
					sub, rest = strings.Join(words[:n], " "), words[n:]
					break
				}
			}
		}
		if !assert.NotEmpty(t, sub, "%s: %q is not a pulumi subcommand the docs are checked against", file, cmd) {
			continue
		}
		// A command group (stack, config, state, policy) takes a subcommand, not an argument.
		if groups := []string{"stack", "config", "state", "policy"}; slices.Contains(groups, sub) && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			t.Errorf("%s: `%s`: pulumi %s has no subcommand %s the docs are checked against", file, cmd, sub, rest[0])
		}
		for _, w := range rest {
			if !strings.HasPrefix(w, "-") {
				continue
			}
			flag, _, _ := strings.Cut(w, "=")
			assert.True(t, slices.Contains(flags[sub], flag), "%s: `%s`: pulumi %s has no flag %s", file, cmd, sub, flag)
		}
	}
}

// Scripts and CI answer no prompts: every up and destroy in a fenced block (a script to paste) says --yes.
func TestDocScriptsSayYes(t *testing.T) {
	for cmd, file := range docCommands(t) {
		words := strings.Fields(cmd)
		if len(words) > 1 && (words[1] == "destroy" || words[1] == "up") && strings.Contains(cmd, "--stack") && !strings.Contains(cmd, "--yes") {
			// An interactive example names no stack; one that does is a runbook step, pasted as is.
			t.Errorf("%s: `%s` names a stack but not --yes: pasted in a script it would wait for a prompt", file, cmd)
		}
	}
}

// The README config table's dev and prod columns are what the stack files set: a value in a column is set
// by that file to exactly that, and every key a file sets has its value in the column.
func TestConfigTableMatchesTheStackFiles(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| `([a-z]+:[A-Za-z0-9]+)` \\|[^|]+\\|[^|]*\\|([^|]*)\\|([^|]*)\\|")
	columns := map[string]map[string]string{"dev": {}, "prod": {}}
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		columns["dev"][m[1]], columns["prod"][m[1]] = strings.TrimSpace(m[2]), strings.TrimSpace(m[3])
	}
	require.Greater(t, len(columns["dev"]), 50, "the config table parses")
	for _, stack := range []string{"dev", "prod"} {
		set, err := stackfile.StackFileValues(".", stack)
		require.NoError(t, err)
		for key, cell := range columns[stack] {
			value, inFile := set[key]
			switch {
			case cell == "" && inFile:
				t.Errorf("Pulumi.%s.yaml sets %s = %s; README's %s column is empty", stack, key, value, stack)
			case cell != "" && !inFile:
				t.Errorf("README's %s column shows %s for %s, which Pulumi.%s.yaml does not set", stack, cell, key, stack)
			case cell != "" && normalize(cell) != normalize(value):
				t.Errorf("README's %s column shows %s for %s; Pulumi.%s.yaml sets %s", stack, cell, key, stack, value)
			}
		}
	}
}

// normalize turns a table cell (`[a, b]`) and an engine value (["a","b"]) into one comparable form.
func normalize(s string) string {
	return strings.NewReplacer("`", "", `"`, "", " ", "").Replace(s)
}

// The design page's resource names are the program's: every `tastylog-dev-...` name it shows (brace
// lists expanded, <suffix> and <account> stood for) is a logical or physical name in the graph of dev
// with every option on, so a renamed resource cannot leave the page behind.
func TestDesignNamesAreInTheGraph(t *testing.T) {
	names := map[string]bool{}
	// Both compute modes: the servers (SSH and the admin networks are among the options, NAT gateways
	// per AZ) and the tasks (behind a NAT instance).
	for _, mode := range []map[string]string{otherComputeMode(t, "dev"), {"tastylog:appImage": "v1.0.0"}} {
		config, err := stackfile.StackConfig(".", "dev", objectKeys())
		require.NoError(t, err)
		maps.Copy(config, mode)
		for k, v := range everyOption {
			if mode["tastylog:computeMode"] != "" || !slices.Contains(append(computespec.EC2Keys, netspec.KeyAdminCidrs), strings.TrimPrefix(k, "tastylog:")) {
				config[k] = v
			}
		}
		config["tastylog:waf"], config["tastylog:stackKey"] = "true", "true"
		config["tastylog:dbMonitoringInterval"], config["tastylog:dbSkipFinalSnapshot"] = "60", "false"
		config["tastylog:natStrategy"], config["tastylog:vpcEndpoints"] = "perAz", `["ssm","ssmmessages","ec2messages","logs","monitoring","ec2"]`
		if mode["tastylog:computeMode"] == "" {
			config["tastylog:natStrategy"] = "instance" // the tasks' graph shows the NAT instance's names
		}
		m := testkit.New("tastylog", "dev", config["aws:region"])
		require.NoError(t, m.Run(config, func(ctx *pulumi.Context) error {
			_, err := program(ctx, keysOf(config))
			return err
		}))
		for _, r := range m.All() {
			names[r.Name] = true
			for _, tag := range r.Objects("tags") { // an Auto Scaling group's tags, as a list
				if v, ok := tag["value"].(string); ok {
					names[v] = true
				}
			}
			for _, prop := range []string{"name", "bucket", "identifier", "dashboardName", "keyName", "finalSnapshotIdentifier", "family"} {
				if s := r.Str(prop); s != "" {
					names[s] = true
				}
			}
			names[r.Tag("Name")] = true
		}
	}
	page, err := os.ReadFile("docs/design.md")
	require.NoError(t, err)
	shown := regexp.MustCompile("`(tastylog-dev-[^`*]+)`").FindAllStringSubmatch(string(page), -1)
	require.Greater(t, len(shown), 30)
	brace := regexp.MustCompile(`\{([^}]+)\}`)
	for _, s := range shown {
		name := strings.NewReplacer("-<suffix>", "", "<account>", testkit.AccountID).Replace(s[1])
		expanded := []string{name}
		if b := brace.FindStringSubmatchIndex(name); b != nil {
			expanded = nil
			for _, alt := range strings.Split(name[b[2]:b[3]], ",") {
				expanded = append(expanded, name[:b[0]]+alt+name[b[1]:])
			}
		}
		for _, n := range expanded {
			assert.True(t, names[n], "docs/design.md shows %s, which the graph does not have", n)
		}
	}
}

// Every relative link in README and docs/ reaches a file that exists, and its #anchor a heading there
// (GitHub's anchors: lowercase, punctuation dropped, spaces to hyphens).
func TestDocLinksResolve(t *testing.T) {
	files, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	files = append([]string{"README.md"}, files...)
	link := regexp.MustCompile(`\]\(([^)#\s]*)(?:#([^)\s]+))?\)`)
	heading := regexp.MustCompile(`(?m)^#{1,6} (.+)$`)
	anchors := func(path string) map[string]bool {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		out := map[string]bool{}
		for _, h := range heading.FindAllStringSubmatch(string(raw), -1) {
			a := strings.ToLower(h[1])
			a = regexp.MustCompile(`[^a-z0-9 _-]`).ReplaceAllString(a, "")
			out[strings.ReplaceAll(a, " ", "-")] = true
		}
		return out
	}
	checked := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range link.FindAllStringSubmatch(string(raw), -1) {
			target, anchor := m[1], m[2]
			if strings.Contains(target, "://") {
				continue
			}
			path := f
			if target != "" {
				path = filepath.Join(filepath.Dir(f), target)
			}
			if _, err := os.Stat(path); !assert.NoError(t, err, "%s links to %s", f, target) {
				continue
			}
			checked++
			if anchor != "" && strings.HasSuffix(path, ".md") {
				assert.True(t, anchors(path)[anchor], "%s links to %s#%s, which has no such heading", f, target, anchor)
			}
		}
	}
	assert.Greater(t, checked, 10)
}

// README's cost section is the estimate of the shipped stacks' graphs: a change that moves the bill moves
// README with it, and dev stays under the $90 a month it promises.
func TestReadmeBillIsTheEstimate(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	text := string(readme)
	bills := map[string]pricing.Bill{}
	for _, stack := range []string{"dev", "prod", "example"} {
		m, _, err := runStack(t, stack, nil)
		require.NoError(t, err)
		bills[stack] = pricing.Estimate("ap-northeast-1", m.PricingResources(), pricing.DefaultUsage())
		assert.Empty(t, bills[stack].Unpriced, "%s has resources the estimate cannot price: add their price or list them as free", stack)
	}
	dev := bills["dev"]
	assert.LessOrEqual(t, dev.Total(), 90.0, "dev costs at most $90 a month")
	want := "<!-- bill:dev -->\n" + dev.Markdown() + "<!-- /bill:dev -->"
	assert.Contains(t, text, want, "README's dev bill; the estimate is:\n%s", want)
	total := fmt.Sprintf("<!-- total:prod -->**$%.2f**<!-- /total:prod -->", bills["prod"].Total())
	assert.Contains(t, text, total)
}

// The committed plans and diagrams are the program's: each shipped stack's plan (docs/plans) and
// diagrams (docs/diagrams) are what cmd/plan makes of it now, README's summaries are theirs, and README's
// picture is dev's diagram. `make docs` writes them again.
func TestPlansAndDiagramsAreTheProgram(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	var summaries []string
	for _, stack := range []string{"dev", "prod", "example"} {
		report, diagram, err := planrun.Plan(".", stack, nil)
		require.NoError(t, err)
		assert.Empty(t, report.Bill.Unpriced, stack)
		for file, want := range map[string]string{
			"docs/plans/" + stack + ".md":        report.Markdown(),
			"docs/diagrams/" + stack + ".mmd":    diagram.Mermaid(),
			"docs/diagrams/" + stack + ".drawio": diagram.DrawIO(stack),
		} {
			got, err := os.ReadFile(file)
			require.NoError(t, err, "run make docs")
			assert.Equal(t, want, string(got), "%s is behind the program: run make docs", file)
		}
		if stack != "example" {
			summaries = append(summaries, "- "+report.Summary()+".")
		}
		if stack == "dev" {
			assert.Contains(t, string(readme), "<!-- diagram:dev -->\n```mermaid\n"+diagram.Mermaid()+"```\n<!-- /diagram:dev -->",
				"README's picture is dev's diagram: run make docs and paste docs/diagrams/dev.mmd")
			assert.Less(t, report.Bill.Total(), 90.0)
		}
	}
	want := "<!-- plan:summaries -->\n" + strings.Join(summaries, "\n") + "\n<!-- /plan:summaries -->"
	assert.Contains(t, string(readme), want, "README's plan summaries")
}

// A bad config stops the plan with the errors `pulumi up` prints, before anything is planned.
func TestPlanReportsBadConfigLikeUp(t *testing.T) {
	_, _, err := planrun.Plan(".", "dev", map[string]string{"tastylog:natStrategy": "bogus"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `the stack config has 1 problem; nothing was created:`)
	assert.Contains(t, err.Error(), `tastylog:natStrategy: "bogus" is not a NAT strategy`)
	report, _, err := planrun.Plan(".", "dev", map[string]string{"tastylog:natStrategy": "single"})
	require.NoError(t, err)
	assert.Greater(t, report.Bill.Total(), 100.0, "a NAT gateway instead of the instance: the plan follows --set")
}

// The workflows a careful team would accept: every action pinned by commit SHA (with its version said), no
// permission granted at the top and each job's own minimal, deployments serialised per stack and only
// from main, pull requests without credentials skipped rather than failed, a daily drift check, and the
// Pulumi CLI of .pulumi-version.
func TestWorkflows(t *testing.T) {
	type step struct {
		Uses string            `yaml:"uses"`
		Run  string            `yaml:"run"`
		With map[string]string `yaml:"with"`
	}
	type job struct {
		If          string         `yaml:"if"`
		Environment string         `yaml:"environment"`
		Permissions map[string]any `yaml:"permissions"`
		Steps       []step         `yaml:"steps"`
	}
	type workflow struct {
		On          map[string]any `yaml:"on"`
		Permissions map[string]any `yaml:"permissions"`
		Concurrency map[string]any `yaml:"concurrency"`
		Jobs        map[string]job `yaml:"jobs"`
	}
	pinned := regexp.MustCompile(`^[\w.-]+/[\w.-]+@[0-9a-f]{40}$`)
	read := func(name string) (workflow, string) {
		raw, err := os.ReadFile(".github/workflows/" + name)
		require.NoError(t, err)
		var w workflow
		require.NoError(t, yaml.Unmarshal(raw, &w), name)
		return w, string(raw)
	}
	for _, name := range []string{"pull-request.yml", "deploy.yml", "drift.yml"} {
		w, raw := read(name)
		assert.NotNil(t, w.Permissions, "%s: top-level permissions are set", name)
		assert.Empty(t, w.Permissions, "%s: nothing is granted to the whole workflow", name)
		for jobName, j := range w.Jobs {
			assert.NotNil(t, j.Permissions, "%s %s: the job says what it needs", name, jobName)
			for perm, level := range j.Permissions {
				assert.Contains(t, []string{"contents", "id-token", "pull-requests", "issues"}, perm, "%s %s", name, jobName)
				assert.NotEqual(t, "write", level == "write" && perm == "contents", "%s %s: contents stay read-only", name, jobName)
			}
			for _, s := range j.Steps {
				if s.Uses != "" {
					assert.Regexp(t, pinned, s.Uses, "%s %s: %s is pinned by commit SHA", name, jobName, s.Uses)
					assert.Regexp(t, regexp.MustCompile(regexp.QuoteMeta(s.Uses)+` # v\d+\.\d+\.\d+`), raw, "%s: %s says its version", name, s.Uses)
					if strings.HasPrefix(s.Uses, "actions/checkout@") {
						assert.Equal(t, "false", s.With["persist-credentials"], "%s %s: the checkout keeps no token", name, jobName)
					}
				}
				if strings.Contains(s.Run, "pulumi ") && !strings.Contains(s.Run, "install-pulumi") {
					assert.Contains(t, s.Run, "--non-interactive", "%s %s", name, jobName)
				}
			}
			if j.Permissions["id-token"] == "write" {
				assert.Condition(t, func() bool {
					for _, s := range j.Steps {
						if strings.Contains(s.Run, "install-pulumi.sh") {
							return true
						}
					}
					return false
				}, "%s %s: the CLI of .pulumi-version", name, jobName)
			}
		}
	}
	pr, _ := read("pull-request.yml")
	assert.Contains(t, pr.Jobs["preview"].If, "github.event.pull_request.head.repo.full_name == github.repository")
	assert.Contains(t, pr.Jobs["preview"].If, "dependabot[bot]")
	assert.Contains(t, pr.Jobs["preview-skipped"].If, "!= github.repository", "a fork's pull request is told why")
	assert.Equal(t, "write", pr.Jobs["preview"].Permissions["pull-requests"], "failed previews are commented too")

	deploy, _ := read("deploy.yml")
	assert.Equal(t, false, deploy.Concurrency["cancel-in-progress"], "never cancel an update half-way")
	assert.Contains(t, deploy.Concurrency["group"], "inputs.stack", "one deployment per stack")
	for _, jobName := range []string{"preview", "up"} {
		assert.Equal(t, "github.ref == 'refs/heads/main'", deploy.Jobs[jobName].If, "deployments only from main")
	}
	assert.NotEmpty(t, deploy.Jobs["up"].Environment, "the up runs in the stack's environment (prod needs reviewers)")
	assert.Empty(t, deploy.Jobs["preview"].Environment)
	push := deploy.On["push"].(map[string]any)
	assert.Contains(t, push["paths-ignore"], "docs/**", "a docs-only change does not deploy")

	drift, _ := read("drift.yml")
	assert.Contains(t, drift.On, "schedule")

	version, err := os.ReadFile(".pulumi-version")
	require.NoError(t, err)
	assert.Regexp(t, `^3\.\d+\.\d+\n$`, string(version))
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "Pulumi CLI "+strings.TrimSpace(string(version)), "README names the pinned CLI")
}

// README's NAT and endpoint tables are priced from the same list prices as the estimate: a changed price
// changes them.
func TestReadmeNatAndEndpointPrices(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	price := func(key string) float64 {
		p, ok := pricing.Lookup("ap-northeast-1", key)
		require.True(t, ok, key)
		return p.USD * pricing.HoursPerMonth
	}
	endpoint := price(pricing.EndpointAZHour)
	for _, n := range []float64{4 * 2, 6 * 2, 6, 4, 5 * 2, 5} {
		assert.Contains(t, string(readme), fmt.Sprintf("$%.2f", n*endpoint), "an endpoint choice of %v endpoint-AZs", n)
	}
	assert.Contains(t, string(readme), fmt.Sprintf("about $%.2f each per AZ", math.Round(endpoint*10)/10), "the price of one endpoint in one AZ")
	gateway := price(pricing.NatGatewayHour) + price(pricing.PublicIPv4Hour)
	assert.Contains(t, string(readme), fmt.Sprintf("about $%.0f (gateway and address)", gateway))
	assert.Contains(t, string(readme), fmt.Sprintf("about $%.0f in two AZs", 2*gateway))
	m, _, err := runStack(t, "dev", nil)
	require.NoError(t, err)
	instance := 0.0 // the dev bill's NAT instance, its disk and its address
	for _, l := range pricing.Estimate("ap-northeast-1", m.PricingResources(), pricing.DefaultUsage()).Lines {
		if strings.Contains(l.Item, "-nat-") {
			instance += l.USD
		}
	}
	assert.Contains(t, string(readme), fmt.Sprintf("about $%.0f (t4g.nano, disk, address)", instance))
}
