package deliveryspec

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
)

//go:embed buildspecs/*.yml.tmpl
var buildspecFiles embed.FS

var buildspecs = template.Must(template.New("").Option("missingkey=error").ParseFS(buildspecFiles, "buildspecs/*.yml.tmpl"))

// NodeMajor is the Node.js the release build runs, the servers' (Amazon Linux 2023's nodejs22).
const NodeMajor = "22"

// ReleaseBuild is what the ec2 mode's build publishes to: the deploy bucket the servers read.
type ReleaseBuild struct {
	DeployBucket string
}

// Rollout is what the ec2 mode's deploy stage refreshes: the group, the alarms that stop it, the warm-up
// of a new server (its health-check grace), and the strategy's checkpoints.
type Rollout struct {
	DeployBucket, AutoScalingGroup string
	Alarms                         []string
	WarmupSeconds                  int
	Strategy                       Spec
}

// ImageBuild is what the fargate mode's build pushes to and describes: the repository, the task
// definition family and its app container, and the platform (linux/arm64 or linux/amd64).
type ImageBuild struct {
	Repository, Family, Container, Platform string
	Port                                    int
}

// ReleaseBuildspec renders the ec2 mode's build.
func ReleaseBuildspec(b ReleaseBuild) (string, error) {
	return render("release.yml.tmpl", map[string]any{"DeployBucket": b.DeployBucket, "NodeMajor": NodeMajor}, b.DeployBucket)
}

// RolloutPreferences are the instance refresh's preferences: each new server launched and healthy before an
// old one goes (100/200), the warm-up, the checkpoints of the strategy, and the alarms that fail it.
func RolloutPreferences(r Rollout) (string, error) {
	prefs := map[string]any{
		"MinHealthyPercentage": 100, "MaxHealthyPercentage": 200, "SkipMatching": false,
		"InstanceWarmup": r.WarmupSeconds, "AlarmSpecification": map[string]any{"Alarms": r.Alarms},
	}
	if checkpoints, delay := r.Strategy.Checkpoints(); checkpoints != nil {
		prefs["CheckpointPercentages"], prefs["CheckpointDelay"] = checkpoints, delay
	}
	out, err := json.Marshal(prefs)
	return string(out), err
}

// RolloutBuildspec renders the ec2 mode's deploy stage.
func RolloutBuildspec(r Rollout) (string, error) {
	prefs, err := RolloutPreferences(r)
	if err != nil {
		return "", err
	}
	return render("rollout.yml.tmpl", map[string]any{"DeployBucket": r.DeployBucket, "AutoScalingGroup": r.AutoScalingGroup, "Preferences": prefs},
		r.DeployBucket, r.AutoScalingGroup)
}

// ImageBuildspec renders the fargate mode's build.
func ImageBuildspec(b ImageBuild) (string, error) {
	return render("image.yml.tmpl", map[string]any{"Repository": b.Repository, "Family": b.Family, "Container": b.Container,
		"Port": b.Port, "Platform": b.Platform}, b.Repository, b.Family, b.Container, b.Platform)
}

// render executes a template after checking that every value is safe inside the YAML quotes it goes in.
func render(name string, data map[string]any, values ...string) (string, error) {
	for _, v := range values {
		if v == "" || strings.ContainsAny(v, "\"'\n\\$`") {
			return "", fmt.Errorf("buildspec %s: %q is empty or not safe to quote", name, v)
		}
	}
	var sb strings.Builder
	err := buildspecs.ExecuteTemplate(&sb, name, data)
	return sb.String(), err
}
