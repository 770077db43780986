// Package bootstrapspec is the account bootstrap's settings (the tastylog-bootstrap project, one stack per
// AWS account) as plain Go values, with their validation and the reading of the stack config. It imports
// no Pulumi package.
package bootstrapspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/configerr"
)

// Project is the bootstrap's Pulumi project name, the namespace of its keys.
const Project = "tastylog-bootstrap"

// SessionLogGroup is where the account's Session Manager preferences stream every session: the main
// project's servers (and NAT instances) may write to it, so a session starts whether or not the account
// has been bootstrapped.
const SessionLogGroup = "/tastylog/session-manager"

// The stack-config keys (short names).
const (
	KeyGithubRepository   = "githubRepository"
	KeyEnvironments       = "environments"
	KeyAllowedAccountIds  = "allowedAccountIds"
	KeyStateVersionDays   = "stateVersionDays"
	KeyBudgetUsd          = "budgetUsd"
	KeyBudgetEmails       = "budgetEmails"
	KeySessionIdleMinutes = "sessionIdleMinutes"
	KeyCreateOidcProvider = "createOidcProvider"
	KeyLogRetentionDays   = "logRetentionDays"
)

// Keys lists every key, in the order Pulumi.yaml declares them.
var Keys = []string{KeyGithubRepository, KeyEnvironments, KeyAllowedAccountIds, KeyStateVersionDays, KeyBudgetUsd,
	KeyBudgetEmails, KeySessionIdleMinutes, KeyCreateOidcProvider, KeyLogRetentionDays}

// Spec is the bootstrap of one account.
type Spec struct {
	// GithubRepository is the repository (owner/name) whose workflows may assume the roles.
	GithubRepository string
	// Environments are the GitHub environments whose deployments this account takes: one deploy role
	// each, trusted only by the subject repo:<repository>:environment:<name>.
	Environments []string
	// AllowedAccountIds, when set, is the account the bootstrap may touch.
	AllowedAccountIds []string
	// StateVersionDays is how long an overwritten state file stays recoverable.
	StateVersionDays int
	// BudgetUsd is the account's monthly budget; BudgetEmails hear at 80% and 100%.
	BudgetUsd    int
	BudgetEmails []string
	// SessionIdleMinutes ends an idle Session Manager session.
	SessionIdleMinutes int
	// CreateOidcProvider creates GitHub's OIDC provider; false when the account already has one (an account
	// holds one provider per URL).
	CreateOidcProvider bool
	// LogRetentionDays keeps the Session Manager session logs.
	LogRetentionDays int
}

// Default is a spec without the repository and the addresses, which every account must give.
func Default() Spec {
	return Spec{Environments: []string{}, AllowedAccountIds: []string{}, StateVersionDays: 90, BudgetUsd: 200,
		BudgetEmails: []string{}, SessionIdleMinutes: 20, CreateOidcProvider: true, LogRetentionDays: 365}
}

var (
	repositoryPattern  = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9]|-[A-Za-z0-9]){0,38}/[A-Za-z0-9._-]{1,100}$`)
	environmentPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,255}$`)
	emailPattern       = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	accountPattern     = regexp.MustCompile(`^[0-9]{12}$`)
)

// retentions are the values CloudWatch Logs accepts.
var retentions = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// Validate checks the spec; keys in errors carry the project namespace.
func (s Spec) Validate() error {
	ns := Project + ":"
	var errs []error
	fail := func(key, value, format string, args ...any) {
		errs = append(errs, configerr.New(ns+key, value, format, args...))
	}
	switch {
	case s.GithubRepository == "":
		fail(KeyGithubRepository, "", "is required: the GitHub repository (owner/name) whose workflows may assume the roles")
	case !repositoryPattern.MatchString(s.GithubRepository) || strings.ContainsAny(s.GithubRepository, "*?"):
		fail(KeyGithubRepository, s.GithubRepository, "is not a GitHub repository in owner/name form (no wildcards: a trust policy names one repository)")
	}
	if len(s.Environments) == 0 {
		fail(KeyEnvironments, "[]", "is empty; list the GitHub environments (such as dev) whose deployments this account takes")
	}
	for i, e := range s.Environments {
		k := fmt.Sprintf("%s[%d]", KeyEnvironments, i)
		switch {
		case !environmentPattern.MatchString(e) || strings.ContainsAny(e, "*?"):
			fail(k, e, "is not a GitHub environment name (no wildcards)")
		case slices.Index(s.Environments, e) != i:
			fail(k, e, "is listed twice")
		}
	}
	for i, id := range s.AllowedAccountIds {
		if !accountPattern.MatchString(id) {
			fail(fmt.Sprintf("%s[%d]", KeyAllowedAccountIds, i), id, "is not an AWS account id; want 12 digits")
		}
	}
	if s.StateVersionDays < 1 || s.StateVersionDays > 3650 {
		fail(KeyStateVersionDays, strconv.Itoa(s.StateVersionDays), "must be from 1 to 3650 days")
	}
	if s.BudgetUsd < 1 {
		fail(KeyBudgetUsd, strconv.Itoa(s.BudgetUsd), "must be at least 1 (US dollars a month)")
	}
	if len(s.BudgetEmails) == 0 {
		fail(KeyBudgetEmails, "[]", "is empty; someone must hear when the account nears its budget")
	}
	for i, e := range s.BudgetEmails {
		if !emailPattern.MatchString(e) {
			fail(fmt.Sprintf("%s[%d]", KeyBudgetEmails, i), e, "is not an email address")
		}
	}
	if s.SessionIdleMinutes < 1 || s.SessionIdleMinutes > 60 {
		fail(KeySessionIdleMinutes, strconv.Itoa(s.SessionIdleMinutes), "must be from 1 to 60 minutes (Session Manager's limit)")
	}
	if !slices.Contains(retentions, s.LogRetentionDays) {
		fail(KeyLogRetentionDays, strconv.Itoa(s.LogRetentionDays), "is not a CloudWatch Logs retention")
	}
	return errors.Join(errs...)
}

// Load reads the stack config (fully qualified keys; lists as JSON, as the engine hands them) over the
// defaults and validates it: every problem at once, keys named.
func Load(values map[string]string) (Spec, error) {
	s := Default()
	ns := Project + ":"
	var errs []error
	list := func(key string, p *[]string) {
		raw, ok := values[ns+key]
		if !ok {
			return
		}
		dec := json.NewDecoder(strings.NewReader(raw))
		dec.UseNumber()
		var v []any
		if err := dec.Decode(&v); err != nil {
			errs = append(errs, configerr.New(ns+key, raw, "is not a list"))
			return
		}
		out := make([]string, len(v))
		for i, x := range v {
			out[i] = fmt.Sprint(x) // an account id set with --path is a number
		}
		*p = out
	}
	integer := func(key string, p *int) {
		if raw, ok := values[ns+key]; ok {
			n, err := strconv.Atoi(strings.TrimSpace(raw))
			if err != nil {
				errs = append(errs, configerr.New(ns+key, raw, "is not a whole number"))
				return
			}
			*p = n
		}
	}
	if v, ok := values[ns+KeyGithubRepository]; ok {
		s.GithubRepository = v
	}
	list(KeyEnvironments, &s.Environments)
	list(KeyAllowedAccountIds, &s.AllowedAccountIds)
	integer(KeyStateVersionDays, &s.StateVersionDays)
	integer(KeyBudgetUsd, &s.BudgetUsd)
	list(KeyBudgetEmails, &s.BudgetEmails)
	integer(KeySessionIdleMinutes, &s.SessionIdleMinutes)
	if raw, ok := values[ns+KeyCreateOidcProvider]; ok {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			errs = append(errs, configerr.New(ns+KeyCreateOidcProvider, raw, "is not true or false"))
		}
		s.CreateOidcProvider = b
	}
	integer(KeyLogRetentionDays, &s.LogRetentionDays)
	for key := range values {
		if short, ok := strings.CutPrefix(key, ns); ok && !slices.Contains(Keys, short) {
			errs = append(errs, configerr.New(key, values[key], "is not a config key of project %s; known: %s", Project, strings.Join(Keys, ", ")))
		}
	}
	if len(errs) == 0 {
		return s, s.Validate()
	}
	return s, errors.Join(append(errs, s.Validate())...)
}
