package deliveryspec

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func on() Spec {
	s := Default()
	s.Pipeline, s.Repository = true, "tastylog/app"
	return s
}

func TestDefaultsAreValid(t *testing.T) {
	for _, s := range []Spec{Default(), on()} {
		if err := s.Validate("tastylog:"); err != nil {
			t.Errorf("Validate() = %v", err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"CodeCommit", func(s *Spec) { s.Source = "codecommit" }, `tastylog:pipelineSource: "codecommit" is not a pipeline source; allowed: "github"`},
		{"NoRepository", func(s *Spec) { s.Repository = "" }, `tastylog:pipelineRepository: "" is required with tastylog:pipelineSource "github"`},
		{"RepositoryUrl", func(s *Spec) { s.Repository = "https://github.com/tastylog/app" }, `tastylog:pipelineRepository: "https://github.com/tastylog/app" is not a GitHub repository in owner/name form`},
		{"RepositoryDotGit", func(s *Spec) { s.Repository = "tastylog/app.git" }, `is not a GitHub repository in owner/name form`},
		{"RepositoryOwnerHyphens", func(s *Spec) { s.Repository = "tasty--log/app" }, `is not a GitHub repository in owner/name form`},
		{"Branch", func(s *Spec) { s.Branch = "feature..x" }, `tastylog:pipelineBranch: "feature..x" is not a git branch name`},
		{"Strategy", func(s *Spec) { s.Strategy = "blueGreen" }, `tastylog:deployStrategy: "blueGreen" is not a deployment strategy`},
		{"CanaryPercent", func(s *Spec) { s.Strategy, s.Percent = StrategyCanary, 100 }, `tastylog:deployPercent: "100" must be from 1 to 99 percent for tastylog:deployStrategy "canary"`},
		{"LinearPercent", func(s *Spec) { s.Strategy, s.Percent = StrategyLinear, 0 }, `tastylog:deployPercent: "0" must be from 1 to 99 percent`},
		{"Interval", func(s *Spec) { s.Strategy, s.IntervalMinutes = StrategyCanary, 2881 }, `tastylog:deployIntervalMinutes: "2881" must be from 1 to 2880 minutes`},
		{"TerminationWait", func(s *Spec) { s.TerminationWaitMinutes = -1 }, `tastylog:deployTerminationWaitMinutes: "-1" must be from 0 to 2880 minutes`},
		{"TestPort", func(s *Spec) { s.TestListenerPort = 80 }, `tastylog:deployTestListenerPort: "80" must be a port from 1024 to 65535`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := on()
			tc.mutate(&s)
			if err := s.Validate("tastylog:"); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
	s := on()
	s.Source, s.Repository = SourceS3, ""
	if err := s.Validate("tastylog:"); err != nil {
		t.Errorf("an S3 source needs no repository: %v", err)
	}
}

func TestCheckpointsAndConfigs(t *testing.T) {
	cases := []struct {
		strategy          string
		percent, interval int
		checkpoints       string
		delay             int
		config            string
	}{
		{StrategyAllAtOnce, 10, 5, "[]", 0, "CodeDeployDefault.ECSAllAtOnce"},
		{StrategyCanary, 10, 5, "[10 100]", 300, "CodeDeployDefault.ECSCanary10Percent5Minutes"},
		{StrategyCanary, 10, 15, "[10 100]", 900, "CodeDeployDefault.ECSCanary10Percent15Minutes"},
		{StrategyCanary, 20, 10, "[20 100]", 600, ""},
		{StrategyLinear, 10, 1, "[10 20 30 40 50 60 70 80 90 100]", 60, "CodeDeployDefault.ECSLinear10PercentEvery1Minutes"},
		{StrategyLinear, 30, 2, "[30 60 90 100]", 120, ""},
	}
	for _, c := range cases {
		s := on()
		s.Strategy, s.Percent, s.IntervalMinutes = c.strategy, c.percent, c.interval
		got, delay := s.Checkpoints()
		if fmt.Sprint(got) != c.checkpoints || delay != c.delay {
			t.Errorf("%s %d/%d: Checkpoints() = %v, %d; want %s, %d", c.strategy, c.percent, c.interval, got, delay, c.checkpoints, c.delay)
		}
		if got := s.DeploymentConfigName(); got != c.config {
			t.Errorf("%s %d/%d: DeploymentConfigName() = %q, want %q", c.strategy, c.percent, c.interval, got, c.config)
		}
	}
}

// The rendered buildspecs are YAML CodeBuild can read, and their shell is bash that parses.
func TestBuildspecsRender(t *testing.T) {
	release, err := ReleaseBuildspec(ReleaseBuild{DeployBucket: "tastylog-prod-deploy-123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	s := on()
	s.Strategy, s.Percent, s.IntervalMinutes = StrategyCanary, 20, 10
	rollout, err := RolloutBuildspec(Rollout{DeployBucket: "tastylog-prod-deploy-123456789012", AutoScalingGroup: "tastylog-prod-app-asg-0a1b2c3",
		Alarms: []string{"tastylog-prod-target-5xx-0a1b2c3", "tastylog-prod-unhealthy-hosts-0a1b2c3"}, WarmupSeconds: 300, Strategy: s})
	if err != nil {
		t.Fatal(err)
	}
	image, err := ImageBuildspec(ImageBuild{Repository: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/tastylog-dev-app",
		Family: "tastylog-dev-app", Container: "app", Platform: "linux/arm64", Port: 3000})
	if err != nil {
		t.Fatal(err)
	}
	for name, spec := range map[string]string{"release": release, "rollout": rollout, "image": image} {
		var doc struct {
			Version string `yaml:"version"`
			Env     struct {
				Variables map[string]string `yaml:"variables"`
			} `yaml:"env"`
			Phases map[string]struct {
				Commands []string `yaml:"commands"`
			} `yaml:"phases"`
			Artifacts struct {
				Files []string `yaml:"files"`
			} `yaml:"artifacts"`
		}
		if err := yaml.Unmarshal([]byte(spec), &doc); err != nil {
			t.Fatalf("%s: not YAML: %v\n%s", name, err, spec)
		}
		if doc.Version != "0.2" || len(doc.Phases) == 0 {
			t.Errorf("%s: version %q, %d phases", name, doc.Version, len(doc.Phases))
		}
		var script strings.Builder
		for _, v := range []string{"DEPLOY_BUCKET", "GROUP", "PREFERENCES", "REPOSITORY", "FAMILY", "CONTAINER", "PORT", "PLATFORM"} {
			if val, ok := doc.Env.Variables[v]; ok {
				script.WriteString(v + "='" + val + "'\n")
			}
		}
		for _, phase := range []string{"install", "pre_build", "build"} {
			for _, c := range doc.Phases[phase].Commands {
				script.WriteString(c + "\n")
			}
		}
		path := filepath.Join(t.TempDir(), name+".sh")
		if err := os.WriteFile(path, []byte(script.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
			t.Errorf("%s: bash -n: %v\n%s", name, err, out)
		}
		if name == "rollout" {
			prefs := doc.Env.Variables["PREFERENCES"]
			for _, want := range []string{`"CheckpointPercentages":[20,100]`, `"CheckpointDelay":600`, `"Alarms":["tastylog-prod-target-5xx-0a1b2c3"`, `"MinHealthyPercentage":100`} {
				if !strings.Contains(prefs, want) {
					t.Errorf("rollout preferences %s lack %s", prefs, want)
				}
			}
		}
	}
	if _, err := ReleaseBuildspec(ReleaseBuild{DeployBucket: "b'; rm -rf /"}); err == nil {
		t.Error("an unquotable bucket name was rendered")
	}
}
