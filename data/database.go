package data

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/dataspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

const (
	performanceInsightsRetentionDays = 7 // the free tier
	// slowQuerySeconds is the slow-query threshold when the slow query log is exported.
	slowQuerySeconds = "1"
	// enhancedMonitoringPolicy is AWS's managed policy for the RDS monitoring agent: it can only write
	// the RDSOSMetrics log group.
	enhancedMonitoringPolicy = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
	// caCertificate is the RDS certificate authority the server certificate is signed by: RSA 2048, valid
	// to 2061 (RDS's default for new instances; named so a change of default does not rotate it unasked).
	caCertificate = "rds-ca-rsa2048-g1"
	// auditPlugin is the option that records connections and schema and privilege changes when the audit
	// log is exported. Not every statement (QUERY, QUERY_DML): that would copy the workload into the logs.
	auditPlugin      = "MARIADB_AUDIT_PLUGIN"
	auditEvents      = "CONNECT,QUERY_DDL,QUERY_DCL"
	auditExcludeUser = "rdsadmin" // RDS's own housekeeping
)

// parameters returns the parameter-group settings: the course's utf8mb4 character set, TLS required of
// every client (require_secure_transport), and the logs that must be switched on and written to files for
// RDS to publish them.
func parameters(db dataspec.Database) rds.ParameterGroupParameterArray {
	p := rds.ParameterGroupParameterArray{
		rds.ParameterGroupParameterArgs{Name: pulumi.String("character_set_database"), Value: pulumi.String("utf8mb4")},
		rds.ParameterGroupParameterArgs{Name: pulumi.String("character_set_server"), Value: pulumi.String("utf8mb4")},
		rds.ParameterGroupParameterArgs{Name: pulumi.String("require_secure_transport"), Value: pulumi.String("1")},
	}
	if db.ExportsLog("slowquery") {
		p = append(p,
			rds.ParameterGroupParameterArgs{Name: pulumi.String("slow_query_log"), Value: pulumi.String("1")},
			rds.ParameterGroupParameterArgs{Name: pulumi.String("long_query_time"), Value: pulumi.String(slowQuerySeconds)},
		)
	}
	if db.ExportsLog("general") {
		p = append(p, rds.ParameterGroupParameterArgs{Name: pulumi.String("general_log"), Value: pulumi.String("1")})
	}
	if db.ExportsLog("slowquery") || db.ExportsLog("general") {
		p = append(p, rds.ParameterGroupParameterArgs{Name: pulumi.String("log_output"), Value: pulumi.String("FILE")})
	}
	return p
}

// options returns the option-group options: the MariaDB Audit Plugin when the audit log is exported.
func options(db dataspec.Database) rds.OptionGroupOptionArray {
	if !db.ExportsLog("audit") {
		return nil
	}
	setting := func(name, value string) rds.OptionGroupOptionOptionSettingInput {
		return rds.OptionGroupOptionOptionSettingArgs{Name: pulumi.String(name), Value: pulumi.String(value)}
	}
	return rds.OptionGroupOptionArray{rds.OptionGroupOptionArgs{
		OptionName: pulumi.String(auditPlugin),
		OptionSettings: rds.OptionGroupOptionOptionSettingArray{
			setting("SERVER_AUDIT_EVENTS", auditEvents),
			setting("SERVER_AUDIT_EXCL_USERS", auditExcludeUser),
		},
	}}
}

// buildDatabase creates the subnet, parameter and option groups, the master password, the monitoring
// role when enhanced monitoring is on, the primary instance and the optional read replica.
func (b *builder) buildDatabase() error {
	db := b.args.Database
	base := b.name + "-mysql-standalone"

	subnetGroup, err := rds.NewSubnetGroup(b.ctx, base+"-subnetgroup", &rds.SubnetGroupArgs{
		Description: pulumi.String("tastylog database: the db tier, one subnet per AZ"),
		SubnetIds:   b.args.SubnetIds,
		Tags:        layer.NameTags(base + "-subnetgroup"),
	}, b.opts...)
	if err != nil {
		return err
	}
	paramGroup, err := rds.NewParameterGroup(b.ctx, base+"-parametergroup", &rds.ParameterGroupArgs{
		Family:      pulumi.String(db.Family()),
		Description: pulumi.String("tastylog MySQL " + db.EngineVersion + ": utf8mb4"),
		Parameters:  parameters(db),
		Tags:        layer.NameTags(base + "-parametergroup"),
	}, b.opts...)
	if err != nil {
		return err
	}
	optionGroup, err := rds.NewOptionGroup(b.ctx, base+"-optiongroup", &rds.OptionGroupArgs{
		EngineName:             pulumi.String("mysql"),
		MajorEngineVersion:     pulumi.String(db.EngineVersion),
		OptionGroupDescription: pulumi.String("tastylog MySQL " + db.EngineVersion),
		Options:                options(db),
		Tags:                   layer.NameTags(base + "-optiongroup"),
	}, b.opts...)
	if err != nil {
		return err
	}

	password, err := layer.Secret(b.ctx, b.name+"-mysql-master-password", 32, b.opts...)
	if err != nil {
		return err
	}

	var monitoringRole pulumi.StringPtrInput
	if db.MonitoringInterval > 0 {
		role, err := b.monitoringRole()
		if err != nil {
			return err
		}
		monitoringRole = role.Arn
	}

	args := b.instanceArgs(base, paramGroup, monitoringRole)
	args.Engine = pulumi.String("mysql")
	args.EngineVersion = pulumi.String(db.EngineVersion)
	args.AllowMajorVersionUpgrade = pulumi.Bool(false)
	args.DbName = pulumi.String(db.Name)
	args.Username = pulumi.String(db.Username)
	args.Password = password
	args.Port = pulumi.Int(MySQLPort)
	args.AllocatedStorage = pulumi.Int(db.AllocatedStorage)
	args.DbSubnetGroupName = subnetGroup.Name
	args.OptionGroupName = optionGroup.Name
	args.MultiAz = pulumi.Bool(db.MultiAz)
	args.KmsKeyId = b.keyID() // nil: the account's aws/rds key. Changing it replaces the instance.
	args.BackupRetentionPeriod = pulumi.Int(db.BackupRetentionDays)
	args.BackupWindow = pulumi.String(db.BackupWindow)
	args.SkipFinalSnapshot = pulumi.Bool(db.SkipFinalSnapshot)
	args.DeleteAutomatedBackups = pulumi.Bool(!b.args.Production)
	if !db.MultiAz {
		// Pin a single-AZ primary so that a replica can be placed in another AZ.
		args.AvailabilityZone = pulumi.String(b.args.AvailabilityZones[0])
	}
	if !db.SkipFinalSnapshot {
		// A fixed name, so that it can be found in a hurry. If an earlier replacement left one behind, RDS
		// refuses to delete the instance until it is renamed (README: replacing the database).
		args.FinalSnapshotIdentifier = pulumi.String(base + "-final")
	}
	b.primary, err = rds.NewInstance(b.ctx, base, args, b.with(pulumi.Protect(b.args.Spec.ProtectDatabase()))...)
	if err != nil {
		return err
	}
	if db.ReadReplica {
		return b.buildReplica(paramGroup, monitoringRole)
	}
	return nil
}

// buildReplica creates a MySQL read replica of the primary in the second AZ. RDS copies the engine,
// storage, encryption and credentials from the source.
func (b *builder) buildReplica(paramGroup *rds.ParameterGroup, monitoringRole pulumi.StringPtrInput) error {
	name := b.name + "-mysql-replica"
	args := b.instanceArgs(name, paramGroup, monitoringRole)
	args.ReplicateSourceDb = b.primary.Identifier
	args.AvailabilityZone = pulumi.String(b.args.AvailabilityZones[1])
	args.SkipFinalSnapshot = pulumi.Bool(true) // a replica holds no data of its own
	var err error
	b.replica, err = rds.NewInstance(b.ctx, name, args, b.opts...)
	return err
}

// instanceArgs are the settings the primary and a replica share: class, placement behind the db group,
// encrypted gp3 storage with its autoscaling ceiling, maintenance, protection and monitoring.
func (b *builder) instanceArgs(name string, paramGroup *rds.ParameterGroup, monitoringRole pulumi.StringPtrInput) *rds.InstanceArgs {
	db := b.args.Database
	args := &rds.InstanceArgs{
		InstanceClass:              pulumi.String(db.InstanceClass),
		VpcSecurityGroupIds:        pulumi.StringArray{b.args.SecurityGroupId},
		PubliclyAccessible:         pulumi.Bool(false),
		ParameterGroupName:         paramGroup.Name,
		StorageType:                pulumi.String("gp3"),
		MaxAllocatedStorage:        pulumi.Int(db.MaxAllocatedStorage),
		StorageEncrypted:           pulumi.Bool(true),
		CaCertIdentifier:           pulumi.String(caCertificate),
		AutoMinorVersionUpgrade:    pulumi.Bool(true),
		MaintenanceWindow:          pulumi.String(db.MaintenanceWindow),
		CopyTagsToSnapshot:         pulumi.Bool(true),
		DeletionProtection:         pulumi.Bool(db.DeletionProtection),
		PerformanceInsightsEnabled: pulumi.Bool(db.PerformanceInsights),
		MonitoringInterval:         pulumi.Int(db.MonitoringInterval),
		MonitoringRoleArn:          monitoringRole,
		// An empty list, not nil, so turning exports off in config also turns them off in AWS.
		EnabledCloudwatchLogsExports: pulumi.ToStringArray(append([]string{}, db.LogExports...)),
		Tags:                         layer.NameTags(name),
	}
	if db.PerformanceInsights {
		args.PerformanceInsightsRetentionPeriod = pulumi.Int(performanceInsightsRetentionDays)
		args.PerformanceInsightsKmsKeyId = b.keyID()
	}
	return args
}

// monitoringRole lets the RDS enhanced-monitoring agent publish OS metrics.
func (b *builder) monitoringRole() (*iam.Role, error) {
	name := b.name + "-rds-monitoring-role"
	role, err := iam.NewRole(b.ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("RDS enhanced monitoring for " + b.name),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("monitoring.rds.amazonaws.com").JSON()),
		Tags:             layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return nil, err
	}
	_, err = iam.NewRolePolicyAttachment(b.ctx, name+"-policy", &iam.RolePolicyAttachmentArgs{
		Role:      role.Name,
		PolicyArn: pulumi.String(enhancedMonitoringPolicy),
	}, b.opts...)
	return role, err
}
