package stackconfig

import (
	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/naming"
)

// The tightest names the program builds from {project}-{env} are the load balancer's and the target
// group's, {project}-{env}-app-alb and -app-tg with Pulumi's random suffix, within the 32 characters AWS
// allows them. The whole-program tests build every name with a prefix this long and check it against
// naming.Rules.
const (
	tightestSuffix = "-app-alb"
	maxNamePrefix  = 32 - naming.AutoSuffixLen - len(tightestSuffix)
)

// validateNames checks the parts every resource name is made of: the project and env, and the prefix
// they make together.
func (c *Config) validateNames(ns string) []error {
	var errs []error
	if err := naming.NamePart(c.Env); err != nil {
		errs = append(errs, configerr.New(ns+keyEnv, c.Env,
			"%v; an environment name is lowercase letters, digits and single hyphens, starting with a letter (it goes into every resource name)", err))
	}
	if err := naming.NamePart(c.Project); err != nil {
		errs = append(errs, configerr.New(KeyProject, c.Project,
			"%v; the project name (name: in Pulumi.yaml) is lowercase letters, digits and single hyphens, starting with a letter", err))
	}
	if n := len(c.NamePrefix()); n > maxNamePrefix {
		errs = append(errs, configerr.New(ns+keyEnv, c.Env,
			"makes the name prefix %q %d characters, longer than %d; load balancer and target group names (%q + a random suffix) must fit in 32",
			c.NamePrefix(), n, maxNamePrefix, c.NamePrefix()+tightestSuffix))
	}
	return errs
}

// MaxNamePrefix is the longest {project}-{env} the config allows.
func MaxNamePrefix() int { return maxNamePrefix }
