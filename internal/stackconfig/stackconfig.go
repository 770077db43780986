// Package stackconfig turns a stack's raw config values into one validated Config. It imports no Pulumi
// package: the program hands it a lookup function, so every rule here is tested in a second and runs before
// the program registers anything.
package stackconfig

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tastylog/infra/internal/batchspec"
	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/dataspec"
	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/edgespec"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/obsspec"
)

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
	// Delivery is the pipeline from a commit to the running app.
	Delivery deliveryspec.Spec
	// Batch is the serverless batch path: the jobs API, the queue, the worker and the schedule.
	Batch batchspec.Spec
}

// LogGroupPrefix is the start of the stack's log group names: /{project}/{env}.
func (c *Config) LogGroupPrefix() string { return "/" + c.Project + "/" + c.Env }

// Region is the app region every regional resource lives in.
func (c *Config) Region() string { return c.Network.Region }

// NamePrefix is {project}-{env}, the start of every resource name.
func (c *Config) NamePrefix() string { return c.Project + "-" + c.Env }

// ParameterPath is where the app's settings live in Parameter Store: /{project}/{env}/app/.
func (c *Config) ParameterPath() string { return "/" + c.Project + "/" + c.Env + "/app/" }

// The stack-wide decisions several layers act on. Each is set by one key, read by one layer's spec, and
// named here so that main.go hands every layer the decision rather than another layer's settings.

// Production is the stack's profile (the production key): protection, deployment waits, detailed
// monitoring and retained audit records follow it.
func (c *Config) Production() bool { return c.Data.Production }

// StackKey reports whether the stack has its own KMS key (the data layer's; others encrypt with it).
func (c *Config) StackKey() bool { return c.Data.StackKey }

// LogRetentionDays is the retention of the operational log groups, whichever layer owns them.
func (c *Config) LogRetentionDays() int { return c.Compute.LogRetentionDays }

// NoInternet reports private subnets without a route out (natStrategy none): the network's decision, which
// the compute layer needs to know what it can pull.
func (c *Config) NoInternet() bool { return c.Network.NatStrategy == netspec.NatNone }

// BlueGreenTestPort is the load balancer's test listener port when CodeDeploy deploys the tasks blue/green
// (the fargate mode with a pipeline), 0 otherwise: the edge layer listens on it, the network layer opens it.
func (c *Config) BlueGreenTestPort() int {
	if c.Delivery.Pipeline && c.Compute.Fargate() {
		return c.Delivery.TestListenerPort
	}
	return 0
}

// BatchResultDays is how long the batch path's results stay, 0 without the batch path (no results bucket).
func (c *Config) BatchResultDays() int {
	if !c.Batch.Batch {
		return 0
	}
	return c.Batch.ResultDays
}

// OriginPort is the one port CloudFront uses to reach the load balancer (edge's decision, which the
// network layer's groups and ACLs open).
func (c *Config) OriginPort() int { return c.Edge.OriginPort() }

const keyRegion = "aws:region"

// The keys of the stack as a whole (the others are the spec packages', in their keys.go).
const (
	keyEnv               = "env"
	keyAllowedAccountIds = "allowedAccountIds"
)

// bindings ties every key in the project namespace to its field in c. It is the one list of keys: Load
// reads through it, DeclaredDefaults reports through it, and Pulumi.yaml declares the same keys (a test
// holds the two together). Object-valued keys cannot be declared in Pulumi.yaml.
func bindings(c *Config) []binding {
	n, d, db, app, e, o, p, j := &c.Network, &c.Data, &c.Data.Database, &c.Compute, &c.Edge, &c.Observability, &c.Delivery, &c.Batch
	th := &o.Thresholds
	return []binding{
		str(keyEnv, &c.Env),
		accountIds(keyAllowedAccountIds, &c.AllowedAccountIds),

		str(netspec.KeyVpcCidr, &n.VpcCidr),
		list(netspec.KeyAvailabilityZones, &n.AvailabilityZones),
		object(netspec.KeySubnets, &n.Subnets, "public", "private", "db"),
		str(netspec.KeyNatStrategy, &n.NatStrategy),
		list(netspec.KeyVpcEndpoints, &n.VpcEndpoints),
		integer(netspec.KeyVpcEndpointAzs, &n.VpcEndpointAzs),
		list(netspec.KeyAdminCidrs, &n.AdminCidrs),
		objectList(netspec.KeyVpcPeers, &n.Peers, netspec.PeerFields...),

		boolean(dataspec.KeyProduction, &d.Production),
		str(dataspec.KeyDbEngineVersion, &db.EngineVersion),
		str(dataspec.KeyDbInstanceClass, &db.InstanceClass),
		str(dataspec.KeyDbName, &db.Name),
		str(dataspec.KeyDbUsername, &db.Username),
		integer(dataspec.KeyDbAllocatedStorage, &db.AllocatedStorage),
		integer(dataspec.KeyDbMaxAllocatedStorage, &db.MaxAllocatedStorage),
		boolean(dataspec.KeyDbMultiAz, &db.MultiAz),
		boolean(dataspec.KeyDbDeletionProtection, &db.DeletionProtection),
		boolean(dataspec.KeyDbSkipFinalSnapshot, &db.SkipFinalSnapshot),
		integer(dataspec.KeyDbBackupRetentionDays, &db.BackupRetentionDays),
		str(dataspec.KeyDbBackupWindow, &db.BackupWindow),
		str(dataspec.KeyDbMaintenanceWindow, &db.MaintenanceWindow),
		boolean(dataspec.KeyDbPerformanceInsights, &db.PerformanceInsights),
		integer(dataspec.KeyDbMonitoringInterval, &db.MonitoringInterval),
		list(dataspec.KeyDbLogExports, &db.LogExports),
		boolean(dataspec.KeyDbReadReplica, &db.ReadReplica),
		integer(dataspec.KeyLogsExpirationDays, &d.LogsExpirationDays),
		boolean(dataspec.KeyForceDestroyBuckets, &d.ForceDestroyBuckets),
		boolean(dataspec.KeyStackKey, &d.StackKey),
		integer(dataspec.KeyTrailObjectLockDays, &d.TrailObjectLockDays),

		str(computespec.KeyComputeMode, &app.Mode),
		str(computespec.KeyAppInstanceType, &app.InstanceType),
		str(computespec.KeyAppArchitecture, &app.Architecture),
		integer(computespec.KeyAppMinSize, &app.MinSize),
		integer(computespec.KeyAppDesiredCapacity, &app.DesiredCapacity),
		integer(computespec.KeyAppMaxSize, &app.MaxSize),
		integer(computespec.KeyAppHealthCheckGracePeriod, &app.HealthCheckGracePeriod),
		str(computespec.KeyAppHealthCheckPath, &app.HealthCheckPath),
		integer(computespec.KeyAppRefreshMinHealthyPercentage, &app.RefreshMinHealthyPercentage),
		integer(computespec.KeyAppRefreshMaxHealthyPercentage, &app.RefreshMaxHealthyPercentage),
		integer(computespec.KeyAppCpuTarget, &app.CpuTarget),
		integer(computespec.KeyAppRequestsPerTarget, &app.RequestsPerTarget),
		integer(computespec.KeyAppRootVolumeSize, &app.RootVolumeSize),
		str(computespec.KeyAppSshPublicKey, &app.SshPublicKey),
		integer(computespec.KeyLogRetentionDays, &app.LogRetentionDays),
		integer(computespec.KeyAppCpu, &app.Cpu),
		integer(computespec.KeyAppMemory, &app.Memory),
		str(computespec.KeyAppImage, &app.Image),
		str(computespec.KeyAppRepository, &app.Repository),
		boolean(computespec.KeyAppRepositoryCrossAccount, &app.RepositoryCrossAccount),
		boolean(computespec.KeyAppFargateSpot, &app.FargateSpot),
		boolean(computespec.KeyAppExec, &app.Exec),
		integer(computespec.KeyAppImagesKept, &app.ImagesKept),
		integer(computespec.KeyAppUntaggedImageDays, &app.UntaggedImageDays),

		str(edgespec.KeyDomain, &e.Domain),
		str(edgespec.KeyHostedZoneId, &e.HostedZoneId),
		boolean(edgespec.KeyCreateHostedZone, &e.CreateHostedZone),
		str(edgespec.KeyCloudFrontCertificateArn, &e.CloudFrontCertificateArn),
		str(edgespec.KeyAlbCertificateArn, &e.AlbCertificateArn),
		str(edgespec.KeyPriceClass, &e.PriceClass),
		str(edgespec.KeyWafWebAclArn, &e.WebAclArn),
		boolean(edgespec.KeyWaf, &e.Waf),
		integer(edgespec.KeyWafRateLimit, &e.WafRateLimit),
		boolean(edgespec.KeyAlbDeletionProtection, &e.AlbDeletionProtection),
		integer(edgespec.KeyAlbIdleTimeout, &e.AlbIdleTimeout),

		list(obsspec.KeyAlarmEmails, &o.AlarmEmails),
		list(obsspec.KeyAlarmTopicArns, &o.AlarmTopicArns),
		integer(obsspec.KeyAlarmAlb5xx, &th.Alb5xx),
		integer(obsspec.KeyAlarmTarget5xx, &th.Target5xx),
		integer(obsspec.KeyAlarmResponseTimeP95Ms, &th.ResponseTimeP95Ms),
		integer(obsspec.KeyAlarmAppCpuPercent, &th.AppCpuPercent),
		integer(obsspec.KeyAlarmAppMemoryPercent, &th.AppMemoryPercent),
		integer(obsspec.KeyAlarmDbCpuPercent, &th.DbCpuPercent),
		integer(obsspec.KeyAlarmDbFreeStorageGiB, &th.DbFreeStorageGiB),
		integer(obsspec.KeyAlarmDbFreeableMemoryMiB, &th.DbFreeableMemoryMiB),
		integer(obsspec.KeyAlarmDbConnections, &th.DbConnections),
		integer(obsspec.KeyAlarmCloudFront5xxRatePercent, &th.CloudFront5xxRatePercent),
		boolean(obsspec.KeyCloudTrail, &o.CloudTrail),
		str(obsspec.KeyFlowLogs, &o.FlowLogs),
		str(obsspec.KeyFlowLogTraffic, &o.FlowLogTraffic),
		integer(obsspec.KeyAuditLogRetentionDays, &o.AuditLogRetentionDays),

		boolean(deliveryspec.KeyPipeline, &p.Pipeline),
		str(deliveryspec.KeyPipelineSource, &p.Source),
		str(deliveryspec.KeyPipelineRepository, &p.Repository),
		str(deliveryspec.KeyPipelineBranch, &p.Branch),
		boolean(deliveryspec.KeyPipelineApproval, &p.Approval),
		str(deliveryspec.KeyDeployStrategy, &p.Strategy),
		integer(deliveryspec.KeyDeployPercent, &p.Percent),
		integer(deliveryspec.KeyDeployIntervalMinutes, &p.IntervalMinutes),
		integer(deliveryspec.KeyDeployTerminationWaitMinutes, &p.TerminationWaitMinutes),
		integer(deliveryspec.KeyDeployTestListenerPort, &p.TestListenerPort),

		boolean(batchspec.KeyBatch, &j.Batch),
		str(batchspec.KeyBatchAuth, &j.Auth),
		str(batchspec.KeyBatchSchedule, &j.Schedule),
		integer(batchspec.KeyBatchFunctionTimeout, &j.FunctionTimeout),
		integer(batchspec.KeyBatchVisibilityTimeout, &j.VisibilityTimeout),
		integer(batchspec.KeyBatchMaxReceives, &j.MaxReceives),
		integer(batchspec.KeyBatchSize, &j.Size),
		integer(batchspec.KeyBatchWindowSeconds, &j.WindowSeconds),
		integer(batchspec.KeyBatchMaxConcurrency, &j.MaxConcurrency),
		integer(batchspec.KeyBatchReservedConcurrency, &j.ReservedConcurrency),
		integer(batchspec.KeyBatchQuotaPerDay, &j.QuotaPerDay),
		integer(batchspec.KeyBatchRateLimit, &j.RateLimit),
		integer(batchspec.KeyBatchBurstLimit, &j.BurstLimit),
		integer(batchspec.KeyBatchResultDays, &j.ResultDays),
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
		Delivery:          deliveryspec.Default(),
		Batch:             batchspec.Default(),
	}
}

// Load reads, defaults and validates the stack config of project on stack from values, the config the
// engine hands the program (fully qualified keys; arrays and objects as JSON). It always returns a Config
// (a key whose value does not parse keeps its default) and a Report of every problem: values that do not
// parse, values AWS or the program would refuse, and keys in the project namespace that Pulumi.yaml does
// not declare. The caller may add the account look-ups' findings to the report before it reports it.
func Load(project, stack string, values map[string]string) (*Config, *configerr.Report) {
	cfg := defaults(project)
	ns := project + ":"
	report := configerr.NewReport(KeyOrder(project)...)
	known := map[string]bool{}
	badType := map[string]bool{}
	for _, b := range bindings(cfg) {
		known[ns+b.key] = true
		raw, ok := values[ns+b.key]
		if !ok || raw == "" {
			continue
		}
		if err := b.set(raw); err != nil {
			report.Add(prefixKey(ns, err))
			badType[ns+b.key] = true
		}
	}
	report.Add(unknownKeys(ns, values, known)...)
	report.Add(otherModesKeys(ns, values, cfg.Compute.Mode)...)
	if region, ok := values[keyRegion]; ok && region != "" {
		cfg.Network.Region = region
	}
	if cfg.Env == "" {
		cfg.Env = stack
	}
	// A key that did not parse is validated with its default, which says nothing about what was written:
	// its type error stands alone.
	for _, err := range configerr.Flatten(cfg.validate(ns)) {
		var fe *configerr.FieldError
		if !errors.As(err, &fe) || !badType[configerr.BaseKey(fe.Key)] {
			report.Add(err)
		}
	}
	return cfg, report
}

// Keys lists every config key the project reads, fully qualified, in the order Pulumi.yaml declares them.
func Keys(project string) []string {
	keys := []string{keyRegion}
	for _, b := range bindings(defaults(project)) {
		keys = append(keys, project+":"+b.key)
	}
	return keys
}

// KeyOrder is the order problems are reported in: the project name, then the config keys.
func KeyOrder(project string) []string { return append([]string{KeyProject}, Keys(project)...) }

// KeyProject is the key of problems with the project name, which Pulumi.yaml's name: sets.
const KeyProject = "project name"

// otherModesKeys reports every key set for the compute mode the stack does not run: it would be ignored.
// A value equal to the key's default is not reported: the Pulumi CLI hands the program Pulumi.yaml's
// defaults as if the stack had set them.
func otherModesKeys(ns string, values map[string]string, mode string) []error {
	defaults := DeclaredDefaults()
	other, otherMode := computespec.FargateKeys, computespec.ModeFargate
	if mode == computespec.ModeFargate {
		other, otherMode = computespec.EC2Keys, computespec.ModeEC2
	} else if mode != computespec.ModeEC2 {
		return nil // the mode itself is reported
	}
	var errs []error
	for _, key := range other {
		if v := values[ns+key]; v != "" && v != fmt.Sprint(defaults[key]) {
			errs = append(errs, configerr.New(ns+key, configerr.Abbreviate(v, 40), "applies only to %s %q, and this stack's is %q; remove it from the stack file",
				ns+computespec.KeyComputeMode, otherMode, mode))
		}
	}
	return errs
}

// unknownKeys reports every key in the project namespace that the program does not read, with the
// closest known key: a misspelt key would otherwise be ignored and its default used in silence.
func unknownKeys(ns string, values map[string]string, known map[string]bool) []error {
	var names []string
	for key := range values {
		if strings.HasPrefix(key, ns) && !known[key] {
			names = append(names, key)
		}
	}
	sort.Strings(names)
	candidates := make([]string, 0, len(known))
	for key := range known {
		candidates = append(candidates, strings.TrimPrefix(key, ns))
	}
	sort.Strings(candidates)
	var errs []error
	for _, key := range names {
		short := strings.TrimPrefix(key, ns)
		hint := "; Pulumi.yaml declares every key this program reads"
		if guess := closest(short, candidates); guess != "" {
			hint = fmt.Sprintf("; did you mean %s%s?", ns, guess)
		}
		errs = append(errs, configerr.New(key, configerr.Abbreviate(values[key], 40), "is not a config key of project %s%s", strings.TrimSuffix(ns, ":"), hint))
	}
	return errs
}

func (c *Config) validate(ns string) error {
	errs := []error{
		c.Network.Validate(ns),
		c.Data.Validate(ns),
		c.Compute.Validate(ns, c.Network.AdminCidrs),
		c.Edge.Validate(ns, c.Region(), c.Env),
		c.Observability.Validate(ns, c.Region()),
		c.Observability.CheckSomeoneListens(ns, c.Region(), c.Data.Production),
		c.Observability.CheckStorage(ns, c.Data.Database.MaxAllocatedStorage),
		c.Delivery.Validate(ns),
		c.Batch.Validate(ns),
	}
	if days := c.Observability.AuditLogRetentionDays; !slices.Contains(computespec.LogRetentionDays, days) {
		errs = append(errs, configerr.New(ns+obsspec.KeyAuditLogRetentionDays, fmt.Sprint(days), "is not a CloudWatch Logs retention; allowed: %s", strings.Trim(fmt.Sprint(computespec.LogRetentionDays), "[]")))
	} else if c.Data.Production && days < obsspec.ProductionAuditDays {
		errs = append(errs, configerr.New(ns+obsspec.KeyAuditLogRetentionDays, fmt.Sprint(days),
			"keeps a production stack's trail and flow logs under %d days (%s is true); audits ask for a year", obsspec.ProductionAuditDays, ns+dataspec.KeyProduction))
	}
	if c.Data.Production && !c.Edge.WebAcl() {
		errs = append(errs, configerr.New(ns+edgespec.KeyWaf, "false",
			"leaves a production stack's distribution without a web ACL (%s is true); set %s to true, or %s to your organisation's", ns+dataspec.KeyProduction, ns+edgespec.KeyWaf, ns+edgespec.KeyWafWebAclArn))
	}
	if c.Data.Production && len(c.Network.VpcEndpoints) > 0 && len(c.Network.EndpointAZs()) < 2 {
		errs = append(errs, configerr.New(ns+netspec.KeyVpcEndpointAzs, fmt.Sprint(c.Network.VpcEndpointAzs),
			"puts a production stack's interface endpoints in one AZ (%s is true): their private DNS names every AZ's calls to it, so its outage cuts them all off; use 0 (every AZ) or at least 2", ns+dataspec.KeyProduction))
	}
	if c.Data.Production && c.Network.NatStrategy == netspec.NatInstance {
		errs = append(errs, configerr.New(ns+netspec.KeyNatStrategy, string(netspec.NatInstance),
			"puts a production stack's outbound traffic through one instance in one AZ (%s is true); replacing it takes minutes: use \"perAz\"", ns+dataspec.KeyProduction))
	}
	if c.Data.Production && c.Compute.MinSize < 2 {
		errs = append(errs, configerr.New(ns+computespec.KeyAppMinSize, fmt.Sprint(c.Compute.MinSize),
			"keeps fewer than 2 app servers in a production stack (%s is true); losing one server or AZ would take the site down", ns+dataspec.KeyProduction))
	}
	errs = append(errs, c.validateComputeMode(ns)...)
	errs = append(errs, c.validateDelivery(ns)...)
	errs = append(errs, c.validateNames(ns)...)
	for i, id := range c.AllowedAccountIds {
		if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
			errs = append(errs, configerr.New(fmt.Sprintf("%s%s[%d]", ns, keyAllowedAccountIds, i), id, "is not an AWS account id; want 12 digits"))
		}
	}
	return errors.Join(errs...)
}

// validateComputeMode checks what the compute mode asks of the rest of the stack: the endpoints it needs
// without NAT, where its image may come from, and spare capacity only where losing a task is fine.
func (c *Config) validateComputeMode(ns string) []error {
	app := c.Compute
	who := "the app servers"
	if app.Fargate() {
		who = "the tasks"
	}
	errs := []error{c.Network.CheckWithoutNat(ns, app.EndpointsWithoutNat(), who)}
	if !app.Fargate() {
		return errs
	}
	if c.Data.Production && app.FargateSpot {
		errs = append(errs, configerr.New(ns+computespec.KeyAppFargateSpot, "true",
			"runs a production stack's tasks on spare capacity that AWS takes back at two minutes' notice (%s is true); FARGATE_SPOT is for disposable stacks", ns+dataspec.KeyProduction))
	}
	if repo, ok := computespec.ParseRepository(app.Repository); ok && repo.Region != c.Region() && c.Network.NatStrategy == netspec.NatNone {
		errs = append(errs, configerr.New(ns+computespec.KeyAppRepository, app.Repository,
			"is in %s, which the ECR endpoints of a stack without NAT (%s %q) do not reach; use a repository in %s, or a NAT",
			repo.Region, ns+netspec.KeyNatStrategy, netspec.NatNone, c.Region()))
	}
	return errs
}

// validateDelivery checks what the pipeline asks of the rest of the stack: a person approves production
// releases.
func (c *Config) validateDelivery(ns string) []error {
	p := c.Delivery
	if !p.Pipeline {
		return nil
	}
	var errs []error
	if c.Data.Production && !p.Approval {
		errs = append(errs, configerr.New(ns+deliveryspec.KeyPipelineApproval, "false",
			"lets every commit reach a production stack without a person approving it (%s is true)", ns+dataspec.KeyProduction))
	}
	return errs
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
