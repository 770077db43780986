package data

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
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
)

// parameters returns the parameter-group settings: the course's utf8mb4 character set, and the logs that
// must be switched on and written to files for RDS to publish them.
func parameters(db dataspec.Database) rds.ParameterGroupParameterArray {
	p := rds.ParameterGroupParameterArray{
		rds.ParameterGroupParameterArgs{Name: pulumi.String("character_set_database"), Value: pulumi.String("utf8mb4")},
		rds.ParameterGroupParameterArgs{Name: pulumi.String("character_set_server"), Value: pulumi.String("utf8mb4")},
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
		Tags:                   layer.NameTags(base + "-optiongroup"),
	}, b.opts...)
	if err != nil {
		return err
	}

	// Alphanumeric only: RDS forbids / @ " and spaces, and the app's settings pass through shell and
	// systemd environment files, where quoting is easy to get wrong. 32 characters give ~190 bits.
	password, err := random.NewRandomPassword(b.ctx, b.name+"-mysql-master-password", &random.RandomPasswordArgs{
		Length:  pulumi.Int(32),
		Special: pulumi.Bool(false),
	}, b.opts...)
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

	args := &rds.InstanceArgs{
		Engine:                     pulumi.String("mysql"),
		EngineVersion:              pulumi.String(db.EngineVersion),
		AutoMinorVersionUpgrade:    pulumi.Bool(true),
		AllowMajorVersionUpgrade:   pulumi.Bool(false),
		InstanceClass:              pulumi.String(db.InstanceClass),
		DbName:                     pulumi.String(db.Name),
		Username:                   pulumi.String(db.Username),
		Password:                   password.Result,
		Port:                       pulumi.Int(MySQLPort),
		StorageType:                pulumi.String("gp3"),
		AllocatedStorage:           pulumi.Int(db.AllocatedStorage),
		MaxAllocatedStorage:        pulumi.Int(db.MaxAllocatedStorage),
		StorageEncrypted:           pulumi.Bool(true),
		DbSubnetGroupName:          subnetGroup.Name,
		VpcSecurityGroupIds:        pulumi.StringArray{b.args.SecurityGroupId},
		PubliclyAccessible:         pulumi.Bool(false),
		ParameterGroupName:         paramGroup.Name,
		OptionGroupName:            optionGroup.Name,
		MultiAz:                    pulumi.Bool(db.MultiAz),
		BackupRetentionPeriod:      pulumi.Int(db.BackupRetentionDays),
		BackupWindow:               pulumi.String(db.BackupWindow),
		MaintenanceWindow:          pulumi.String(db.MaintenanceWindow),
		CopyTagsToSnapshot:         pulumi.Bool(true),
		DeletionProtection:         pulumi.Bool(db.DeletionProtection),
		SkipFinalSnapshot:          pulumi.Bool(db.SkipFinalSnapshot),
		DeleteAutomatedBackups:     pulumi.Bool(!b.args.Production),
		PerformanceInsightsEnabled: pulumi.Bool(db.PerformanceInsights),
		MonitoringInterval:         pulumi.Int(db.MonitoringInterval),
		MonitoringRoleArn:          monitoringRole,
		// An empty list, not nil, so turning exports off in config also turns them off in AWS.
		EnabledCloudwatchLogsExports: pulumi.ToStringArray(append([]string{}, db.LogExports...)),
		Tags:                         layer.NameTags(base),
	}
	if db.PerformanceInsights {
		args.PerformanceInsightsRetentionPeriod = pulumi.Int(performanceInsightsRetentionDays)
	}
	if !db.MultiAz {
		// Pin a single-AZ primary so that a replica can be placed in another AZ.
		args.AvailabilityZone = pulumi.String(b.args.AvailabilityZones[0])
	}
	if !db.SkipFinalSnapshot {
		// A fixed name, so that it can be found in a hurry. If an earlier replacement left one behind, RDS
		// refuses to delete the instance until it is renamed (README: replacing the database).
		args.FinalSnapshotIdentifier = pulumi.String(base + "-final")
	}
	b.primary, err = rds.NewInstance(b.ctx, base, args, b.with(pulumi.Protect(b.args.Production))...)
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
	db := b.args.Database
	name := b.name + "-mysql-replica"
	args := &rds.InstanceArgs{
		ReplicateSourceDb:            b.primary.Identifier,
		InstanceClass:                pulumi.String(db.InstanceClass),
		AvailabilityZone:             pulumi.String(b.args.AvailabilityZones[1]),
		VpcSecurityGroupIds:          pulumi.StringArray{b.args.SecurityGroupId},
		PubliclyAccessible:           pulumi.Bool(false),
		ParameterGroupName:           paramGroup.Name,
		StorageType:                  pulumi.String("gp3"),
		MaxAllocatedStorage:          pulumi.Int(db.MaxAllocatedStorage),
		StorageEncrypted:             pulumi.Bool(true),
		AutoMinorVersionUpgrade:      pulumi.Bool(true),
		MaintenanceWindow:            pulumi.String(db.MaintenanceWindow),
		CopyTagsToSnapshot:           pulumi.Bool(true),
		DeletionProtection:           pulumi.Bool(db.DeletionProtection),
		SkipFinalSnapshot:            pulumi.Bool(true), // a replica holds no data of its own
		PerformanceInsightsEnabled:   pulumi.Bool(db.PerformanceInsights),
		MonitoringInterval:           pulumi.Int(db.MonitoringInterval),
		MonitoringRoleArn:            monitoringRole,
		EnabledCloudwatchLogsExports: pulumi.ToStringArray(append([]string{}, db.LogExports...)),
		Tags:                         layer.NameTags(name),
	}
	if db.PerformanceInsights {
		args.PerformanceInsightsRetentionPeriod = pulumi.Int(performanceInsightsRetentionDays)
	}
	var err error
	b.replica, err = rds.NewInstance(b.ctx, name, args, b.opts...)
	return err
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
