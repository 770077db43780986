// Package deliveryspec is the delivery pipeline's settings as plain Go values: where a commit comes from,
// whether a person approves it, and how a release rolls out, with the rules that keep them deployable, and
// the build specifications the pipeline's CodeBuild projects run. It imports no Pulumi package.
package deliveryspec

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/configerr"
)

// Sources a pipeline can start from.
const (
	// SourceGitHub is a GitHub repository through an AWS CodeConnections connection (created PENDING; a
	// person completes the handshake once in the console).
	SourceGitHub = "github"
	// SourceS3 is a zip of the app uploaded to the artifact bucket, for accounts without GitHub.
	SourceS3 = "s3"
)

// Sources lists the allowed sources. CodeCommit is not among them: AWS closed it to new customers in 2024.
var Sources = []string{SourceGitHub, SourceS3}

// Strategies are how a release replaces the running one.
const (
	StrategyAllAtOnce = "allAtOnce"
	// StrategyCanary moves Percent of the fleet (or traffic), waits IntervalMinutes, then the rest.
	StrategyCanary = "canary"
	// StrategyLinear moves Percent more every IntervalMinutes.
	StrategyLinear = "linear"
)

// Strategies lists the allowed strategies.
var Strategies = []string{StrategyAllAtOnce, StrategyCanary, StrategyLinear}

// Limits AWS sets (CodeDeploy's time-based traffic routing and blue/green termination wait; EC2 Auto
// Scaling's checkpoint delay is in seconds up to 2 days, the same bound).
const (
	MaxIntervalMinutes        = 2880
	MaxTerminationWaitMinutes = 2880
)

// Spec is the delivery pipeline of one stack.
type Spec struct {
	// Pipeline turns the pipeline on.
	Pipeline bool
	// Source is one of Sources; Repository (owner/name) and Branch name the GitHub source.
	Source     string
	Repository string
	Branch     string
	// Approval puts a manual approval, announced on the alert topic, before the deploy stage.
	Approval bool
	// Strategy is one of Strategies; Percent and IntervalMinutes shape canary and linear.
	Strategy        string
	Percent         int
	IntervalMinutes int
	// TerminationWaitMinutes is how long the replaced tasks stay after a blue/green deployment, so a
	// rollback is a switch back rather than a new start (fargate).
	TerminationWaitMinutes int
	// TestListenerPort is the load balancer port where CodeDeploy sends test traffic to the new tasks
	// before production traffic (fargate).
	TestListenerPort int
}

// Default returns a pipeline that is off; on, it takes GitHub's main branch, asks for approval, and
// replaces everything at once.
func Default() Spec {
	return Spec{
		Pipeline: false, Source: SourceGitHub, Repository: "", Branch: "main", Approval: true,
		Strategy: StrategyAllAtOnce, Percent: 10, IntervalMinutes: 5, TerminationWaitMinutes: 5, TestListenerPort: 8443,
	}
}

var (
	// GitHub: an owner of up to 39 letters, digits and single hyphens; a repository of up to 100 letters,
	// digits, '.', '_' and '-'.
	repositoryPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}/[A-Za-z0-9._-]{1,100}$`)
	branchPattern     = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,255}$`)
)

// Validate checks the spec; keys in errors are stack-config keys with keyPrefix in front.
func (s Spec) Validate(keyPrefix string) error {
	var errs []error
	fail := func(key, value, format string, args ...any) {
		errs = append(errs, configerr.New(keyPrefix+key, value, format, args...))
	}
	if !slices.Contains(Sources, s.Source) {
		fail(KeyPipelineSource, s.Source, "is not a pipeline source; allowed: %q (a GitHub repository through CodeConnections), %q (a zip uploaded to the artifact bucket); CodeCommit is closed to new customers",
			SourceGitHub, SourceS3)
	}
	if s.Pipeline && s.Source == SourceGitHub && s.Repository == "" {
		fail(KeyPipelineRepository, "", "is required with %s %q: the repository as owner/name", keyPrefix+KeyPipelineSource, SourceGitHub)
	}
	if s.Repository != "" && (!repositoryPattern.MatchString(s.Repository) || strings.HasSuffix(s.Repository, ".git")) {
		fail(KeyPipelineRepository, configerr.Abbreviate(s.Repository, 60), "is not a GitHub repository in owner/name form, such as tastylog/app")
	}
	if !branchPattern.MatchString(s.Branch) || strings.HasPrefix(s.Branch, "-") || strings.HasPrefix(s.Branch, "/") ||
		strings.HasSuffix(s.Branch, "/") || strings.Contains(s.Branch, "..") || strings.HasSuffix(s.Branch, ".lock") {
		fail(KeyPipelineBranch, s.Branch, "is not a git branch name")
	}
	if !slices.Contains(Strategies, s.Strategy) {
		fail(KeyDeployStrategy, s.Strategy, "is not a deployment strategy; allowed: %q, %q (Percent first, then the rest after the interval), %q (Percent more every interval)",
			StrategyAllAtOnce, StrategyCanary, StrategyLinear)
	}
	if s.Strategy == StrategyCanary || s.Strategy == StrategyLinear {
		if s.Percent < 1 || s.Percent > 99 {
			fail(KeyDeployPercent, strconv.Itoa(s.Percent), "must be from 1 to 99 percent for %s %q", keyPrefix+KeyDeployStrategy, s.Strategy)
		}
		if s.IntervalMinutes < 1 || s.IntervalMinutes > MaxIntervalMinutes {
			fail(KeyDeployIntervalMinutes, strconv.Itoa(s.IntervalMinutes), "must be from 1 to %d minutes (AWS's limit)", MaxIntervalMinutes)
		}
	}
	if s.TerminationWaitMinutes < 0 || s.TerminationWaitMinutes > MaxTerminationWaitMinutes {
		fail(KeyDeployTerminationWaitMinutes, strconv.Itoa(s.TerminationWaitMinutes), "must be from 0 to %d minutes (AWS's limit)", MaxTerminationWaitMinutes)
	}
	if s.TestListenerPort < 1024 || s.TestListenerPort > 65535 {
		fail(KeyDeployTestListenerPort, strconv.Itoa(s.TestListenerPort), "must be a port from 1024 to 65535")
	}
	return errors.Join(errs...)
}

// Checkpoints are the shares of the fleet (percent) a rollout pauses at, and the pause in seconds: none for
// all at once; Percent then 100 for canary; Percent, 2xPercent, ... 100 for linear.
func (s Spec) Checkpoints() ([]int, int) {
	switch s.Strategy {
	case StrategyCanary:
		return []int{s.Percent, 100}, s.IntervalMinutes * 60
	case StrategyLinear:
		var out []int
		for p := s.Percent; p < 100; p += s.Percent {
			out = append(out, p)
		}
		return append(out, 100), s.IntervalMinutes * 60
	default:
		return nil, 0
	}
}

// DeploymentConfigName is the CodeDeploy configuration of a strategy: AWS's predefined one when it matches,
// else "" (the stack creates its own, named by CustomConfigName).
func (s Spec) DeploymentConfigName() string {
	switch {
	case s.Strategy == StrategyAllAtOnce:
		return "CodeDeployDefault.ECSAllAtOnce"
	case s.Strategy == StrategyCanary && s.Percent == 10 && (s.IntervalMinutes == 5 || s.IntervalMinutes == 15):
		return fmt.Sprintf("CodeDeployDefault.ECSCanary10Percent%dMinutes", s.IntervalMinutes)
	case s.Strategy == StrategyLinear && s.Percent == 10 && (s.IntervalMinutes == 1 || s.IntervalMinutes == 3):
		return fmt.Sprintf("CodeDeployDefault.ECSLinear10PercentEvery%dMinutes", s.IntervalMinutes)
	default:
		return ""
	}
}
