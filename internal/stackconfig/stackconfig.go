// Package stackconfig turns a stack's raw config values into one validated Config. It imports no Pulumi
// package: the program hands it a lookup function, so every rule here is tested in a second and runs before
// the program registers anything.
package stackconfig

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/dataspec"
	"github.com/tastylog/infra/internal/edgespec"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/obsspec"
)

// Lookup returns the raw value of a fully qualified config key ("tastylog:vpcCidr") and whether it is set.
// Arrays and objects arrive as JSON, the way the Pulumi engine hands them to a program.
type Lookup func(key string) (string, bool)

// Config is everything a stack can set, validated.
type Config struct {
	// Project and Env make the name prefix {project}-{env} of every resource and the Project/Env tags.
	Project string
	Env     string
	// AllowedAccountIds, when set, makes the providers refuse any other AWS account.
	AllowedAccountIds []string
	// Network is the VPC plan, including the region.
	Network netspec.Spec
	// Data is the database and the buckets, and whether the stack is production.
	Data dataspec.Spec
	// Compute is the app servers and their Auto Scaling group.
	Compute computespec.Spec
	// Edge is the domain, certificates, load balancer and CloudFront.
	Edge edgespec.Spec
	// Observability is the alerting and audit.
	Observability obsspec.Spec
}

// LogGroupPrefix is the start of the stack's log group names: /{project}/{env}.
func (c *Config) LogGroupPrefix() string { return "/" + c.Project + "/" + c.Env }

// Region is the app region every regional resource lives in.
func (c *Config) Region() string { return c.Network.Region }

// NamePrefix is {project}-{env}, the start of every resource name.
func (c *Config) NamePrefix() string { return c.Project + "-" + c.Env }

// ParameterPath is where the app's settings live in Parameter Store: /{project}/{env}/app/.
func (c *Config) ParameterPath() string { return "/" + c.Project + "/" + c.Env + "/app/" }

const keyRegion = "aws:region"

// maxNamePrefix keeps {project}-{env}-app-alb plus Pulumi's 8-character random suffix within the 32
// characters AWS allows load balancer and target group names.
const maxNamePrefix = 16

// bindings ties every key in the project namespace to its field in c. It is the one list of keys: Load
// reads through it, DeclaredDefaults reports through it, and Pulumi.yaml declares the same keys (a test
// holds the two together). Object-valued keys cannot be declared in Pulumi.yaml.
func bindings(c *Config) []binding {
	n, d, db, app, e, o := &c.Network, &c.Data, &c.Data.Database, &c.Compute, &c.Edge, &c.Observability
	th := &o.Thresholds
	return []binding{
		str("env", &c.Env),
		list("allowedAccountIds", &c.AllowedAccountIds),

		str("vpcCidr", &n.VpcCidr),
		list("availabilityZones", &n.AvailabilityZones),
		object("subnets", &n.Subnets, "public", "private", "db"),
		str("natStrategy", &n.NatStrategy),
		list("vpcEndpoints", &n.VpcEndpoints),
		list("adminCidrs", &n.AdminCidrs),

		boolean("production", &d.Production),
		str("dbEngineVersion", &db.EngineVersion),
		str("dbInstanceClass", &db.InstanceClass),
		str("dbName", &db.Name),
		str("dbUsername", &db.Username),
		integer("dbAllocatedStorage", &db.AllocatedStorage),
		integer("dbMaxAllocatedStorage", &db.MaxAllocatedStorage),
		boolean("dbMultiAz", &db.MultiAz),
		boolean("dbDeletionProtection", &db.DeletionProtection),
		boolean("dbSkipFinalSnapshot", &db.SkipFinalSnapshot),
		integer("dbBackupRetentionDays", &db.BackupRetentionDays),
		str("dbBackupWindow", &db.BackupWindow),
		str("dbMaintenanceWindow", &db.MaintenanceWindow),
		boolean("dbPerformanceInsights", &db.PerformanceInsights),
		integer("dbMonitoringInterval", &db.MonitoringInterval),
		list("dbLogExports", &db.LogExports),
		boolean("dbReadReplica", &db.ReadReplica),
		integer("logsExpirationDays", &d.LogsExpirationDays),
		boolean("forceDestroyBuckets", &d.ForceDestroyBuckets),

		str("appInstanceType", &app.InstanceType),
		str("appArchitecture", &app.Architecture),
		integer("appMinSize", &app.MinSize),
		integer("appDesiredCapacity", &app.DesiredCapacity),
		integer("appMaxSize", &app.MaxSize),
		integer("appHealthCheckGracePeriod", &app.HealthCheckGracePeriod),
		str("appHealthCheckPath", &app.HealthCheckPath),
		integer("appRefreshMinHealthyPercentage", &app.RefreshMinHealthyPercentage),
		integer("appRefreshMaxHealthyPercentage", &app.RefreshMaxHealthyPercentage),
		integer("appCpuTarget", &app.CpuTarget),
		integer("appRootVolumeSize", &app.RootVolumeSize),
		str("appSshPublicKey", &app.SshPublicKey),
		integer("logRetentionDays", &app.LogRetentionDays),

		str("domain", &e.Domain),
		str("hostedZoneId", &e.HostedZoneId),
		boolean("createHostedZone", &e.CreateHostedZone),
		str("cloudFrontCertificateArn", &e.CloudFrontCertificateArn),
		str("albCertificateArn", &e.AlbCertificateArn),
		str("priceClass", &e.PriceClass),
		str("wafWebAclArn", &e.WebAclArn),
		boolean("albDeletionProtection", &e.AlbDeletionProtection),
		integer("albIdleTimeout", &e.AlbIdleTimeout),
		integer("appRequestsPerTarget", &e.RequestsPerTarget),

		list("alarmEmails", &o.AlarmEmails),
		integer("alarmAlb5xx", &th.Alb5xx),
		integer("alarmTarget5xx", &th.Target5xx),
		integer("alarmResponseTimeP95Ms", &th.ResponseTimeP95Ms),
		integer("alarmAppCpuPercent", &th.AppCpuPercent),
		integer("alarmDbCpuPercent", &th.DbCpuPercent),
		integer("alarmDbFreeStorageGiB", &th.DbFreeStorageGiB),
		integer("alarmDbFreeableMemoryMiB", &th.DbFreeableMemoryMiB),
		integer("alarmDbConnections", &th.DbConnections),
		integer("alarmCloudFront5xxRatePercent", &th.CloudFront5xxRatePercent),
		boolean("cloudTrail", &o.CloudTrail),
		str("flowLogs", &o.FlowLogs),
		str("flowLogTraffic", &o.FlowLogTraffic),
	}
}

func defaults(project string) *Config {
	return &Config{
		Project:           project,
		Env:               "", // the stack name
		AllowedAccountIds: []string{},
		Network:           netspec.Default(),
		Data:              dataspec.Default(),
		Compute:           computespec.Default(),
		Edge:              edgespec.Default(),
		Observability:     obsspec.Default(),
	}
}

// Load reads, defaults and validates the stack config of project on stack. The error names every bad key,
// its value and what is allowed.
func Load(project, stack string, get Lookup) (*Config, error) {
	cfg := defaults(project)
	ns := project + ":"
	var errs []error
	for _, b := range bindings(cfg) {
		raw, ok := get(ns + b.key)
		if !ok || raw == "" {
			continue
		}
		if err := b.set(raw); err != nil {
			errs = append(errs, prefixKey(ns, err))
		}
	}
	if region, ok := get(keyRegion); ok && region != "" {
		cfg.Network.Region = region
	}
	if cfg.Env == "" {
		cfg.Env = stack
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := cfg.validate(ns); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (c *Config) validate(ns string) error {
	errs := []error{
		c.Network.Validate(ns),
		c.Data.Validate(ns),
		c.Compute.Validate(ns, c.Network.AdminCidrs),
		c.Edge.Validate(ns, c.Region(), c.Env),
		c.Observability.Validate(ns),
		c.Observability.CheckStorage(ns, c.Data.Database.MaxAllocatedStorage),
	}
	if c.Data.Production && c.Compute.MinSize < 2 {
		errs = append(errs, configerr.New(ns+"appMinSize", fmt.Sprint(c.Compute.MinSize),
			"keeps fewer than 2 app servers in a production stack (%sproduction is true); losing one server or AZ would take the site down", ns))
	}
	if len(c.NamePrefix()) > maxNamePrefix {
		errs = append(errs, configerr.New(ns+"env", c.Env,
			"makes the name prefix %q longer than %d characters; load balancer and target group names (%q + a random suffix) must fit in 32",
			c.NamePrefix(), maxNamePrefix, c.NamePrefix()+"-app-alb"))
	}
	if !namePattern(c.Env) {
		errs = append(errs, configerr.New(ns+"env", c.Env,
			"is not a valid environment name; use 1-16 lowercase letters, digits or hyphens, starting with a letter (it goes into every resource name)"))
	}
	if !namePattern(c.Project) {
		errs = append(errs, configerr.New("name (Pulumi.yaml)", c.Project,
			"is not a valid project name here; use 1-16 lowercase letters, digits or hyphens, starting with a letter"))
	}
	for i, id := range c.AllowedAccountIds {
		if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
			errs = append(errs, configerr.New(fmt.Sprintf("%sallowedAccountIds[%d]", ns, i), id, "is not an AWS account id; want 12 digits"))
		}
	}
	return errors.Join(errs...)
}

// namePattern keeps {project}-{env} short and lowercase: it prefixes names with tight limits (ALB and
// target-group names 32 characters, S3 bucket names 63, RDS identifiers lowercase).
func namePattern(s string) bool {
	if len(s) == 0 || len(s) > 16 || s[0] < 'a' || s[0] > 'z' || strings.HasSuffix(s, "-") {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == ""
}

// DeclaredDefaults returns every scalar and array key (short name) with the default Load applies; these
// are the keys Pulumi.yaml declares. Env's "" means the stack name.
func DeclaredDefaults() map[string]any {
	out := map[string]any{}
	for _, b := range bindings(defaults("")) {
		if !b.isObject {
			out[b.key] = b.get()
		}
	}
	return out
}

// ObjectFields lists the object-valued keys and the fields each allows.
func ObjectFields() map[string][]string {
	out := map[string][]string{}
	for _, b := range bindings(defaults("")) {
		if b.isObject {
			out[b.key] = b.fields
		}
	}
	return out
}
