// Package dataspec is the data layer's settings as plain Go values: the MySQL instance, its backups and
// monitoring, and the buckets, with the rules AWS and a careful DBA would hold them to. It imports no Pulumi
// package, so the stack config checks it before anything is registered.
package dataspec

import (
	"fmt"
	"slices"
	"strings"
)

// MySQL versions this stack can run, with the parameter-group family of each.
var engineFamilies = map[string]string{
	"8.0": "mysql8.0",
	"8.4": "mysql8.4",
}

// EngineVersions lists the supported major versions, oldest first.
var EngineVersions = []string{"8.0", "8.4"}

// LogExports lists the MySQL logs RDS can publish to CloudWatch Logs that this stack configures. "audit"
// installs the MariaDB Audit Plugin through the option group.
var LogExports = []string{"audit", "error", "general", "slowquery"}

// AuditEngineVersions are the major versions RDS offers the MariaDB Audit Plugin for (Amazon RDS User
// Guide, "MariaDB Audit Plugin support for MySQL": MySQL 8.0.28 and higher 8.0 versions; AWS upgrades the
// minor version, and every 8.0 minor it still offers is later).
var AuditEngineVersions = []string{"8.0"}

// DefaultUsername is the engine's own master user name (the seed's), the first one an attacker tries.
const DefaultUsername = "admin"

// MonitoringIntervals are the enhanced-monitoring intervals RDS accepts, in seconds; 0 turns it off.
var MonitoringIntervals = []int{0, 1, 5, 10, 15, 30, 60}

// elbAccountRegions are the regions where Elastic Load Balancing writes access logs as a regional AWS
// account, which the bucket policy must name (Elastic Load Balancing User Guide, "Enable access logs",
// Regions available before August 2022). Regions opened since write as the service principal
// logdelivery.elasticloadbalancing.amazonaws.com, and the provider's account look-up fails there with
// "Unknown region".
var elbAccountRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
	"ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-north-1",
	"me-south-1", "sa-east-1",
}

// ElbLogsFromAccount reports whether load balancers in region deliver access logs as a regional ELB
// account (looked up, and named in the logs bucket policy) rather than as the log-delivery service.
func ElbLogsFromAccount(region string) bool { return slices.Contains(elbAccountRegions, region) }

// Database is the RDS MySQL instance.
type Database struct {
	// EngineVersion is the major version only ("8.0"); AWS picks and upgrades the minor version.
	EngineVersion string
	// InstanceClass is an RDS class offered for MySQL, e.g. db.t4g.micro.
	InstanceClass string
	// Name and Username are the database created at launch and the master user (seed: tastylog, admin;
	// the engine default admin is refused).
	Name     string
	Username string
	// AllocatedStorage is the initial gp3 size in GiB; MaxAllocatedStorage the storage-autoscaling ceiling.
	AllocatedStorage    int
	MaxAllocatedStorage int
	MultiAz             bool
	DeletionProtection  bool
	SkipFinalSnapshot   bool
	// BackupRetentionDays is 0 (no automated backups) to 35.
	BackupRetentionDays int
	// BackupWindow is daily, hh24:mi-hh24:mi in UTC; MaintenanceWindow weekly, ddd:hh24:mi-ddd:hh24:mi in UTC.
	BackupWindow        string
	MaintenanceWindow   string
	PerformanceInsights bool
	// MonitoringInterval is the enhanced-monitoring interval in seconds, one of MonitoringIntervals.
	MonitoringInterval int
	// LogExports names the logs published to CloudWatch Logs, from LogExports.
	LogExports []string
	// ReadReplica adds a read replica in another AZ than the primary.
	ReadReplica bool
}

// Spec is the whole data layer of one stack.
type Spec struct {
	Database Database
	// LogsExpirationDays is how long the logs bucket keeps ALB, CloudFront and CloudTrail logs.
	LogsExpirationDays int
	// ForceDestroyBuckets lets `pulumi destroy` empty and delete the buckets; only for disposable stacks.
	ForceDestroyBuckets bool
	// Production marks a stack whose data matters: stateful resources are protected, and settings that
	// lose data (no backups, no final snapshot, force-destroyed buckets) are refused.
	Production bool
	// StackKey creates the stack's customer-managed KMS key (rotated, protected in production) for the
	// database, Performance Insights, the SecureString settings, the trail and its bucket, and the audit
	// log groups. Off, AWS-managed keys do that work (and the trail bucket uses SSE-S3).
	StackKey bool
	// TrailObjectLockDays puts the trail bucket under S3 Object Lock in governance mode with this default
	// retention; 0 leaves it off. It is set when the bucket is created: changing it replaces the bucket.
	TrailObjectLockDays int
}

// MaxObjectLockDays is the longest default retention the stack accepts for the trail bucket (100 years,
// S3's own limit is higher).
const MaxObjectLockDays = 36500

// Default returns the course's database (seed names, windows and retention) hardened for production:
// Multi-AZ, deletion protection, final snapshot, Performance Insights, enhanced monitoring, log exports.
func Default() Spec {
	return Spec{
		Database: Database{
			EngineVersion:       "8.0",
			InstanceClass:       "db.t4g.medium",
			Name:                "tastylog",
			Username:            "tastylog_admin",
			AllocatedStorage:    20,
			MaxAllocatedStorage: 100,
			MultiAz:             true,
			DeletionProtection:  true,
			SkipFinalSnapshot:   false,
			BackupRetentionDays: 7,
			BackupWindow:        "04:00-05:00",
			MaintenanceWindow:   "Mon:05:00-Mon:08:00",
			PerformanceInsights: true,
			MonitoringInterval:  60,
			LogExports:          []string{"audit", "error", "slowquery"},
			ReadReplica:         false,
		},
		LogsExpirationDays:  90,
		ForceDestroyBuckets: false,
		Production:          true,
		StackKey:            true,
	}
}

// ProtectDatabase reports whether the primary database is protected in Pulumi state: in a production
// stack, and wherever AWS's deletion protection is on (a destroy would stop at AWS anyway, halfway). The
// policy pack's stateful-resources-protected rule holds the graph to the same decision.
func (s Spec) ProtectDatabase() bool { return s.Production || s.Database.DeletionProtection }

// ProtectBuckets reports whether the buckets are protected in Pulumi state: whenever a destroy would
// not empty them (forceDestroyBuckets false), since their data would then outlive the stack unmanaged.
func (s Spec) ProtectBuckets() bool { return s.Production || !s.ForceDestroyBuckets }

// Family returns the parameter-group family of the engine version, "" if unsupported.
func (d Database) Family() string { return engineFamilies[d.EngineVersion] }

// ExportsLog reports whether the named log is published to CloudWatch Logs.
func (d Database) ExportsLog(name string) bool {
	return slices.Contains(d.LogExports, name)
}

func quoted[T any](values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return strings.Join(parts, ", ")
}
