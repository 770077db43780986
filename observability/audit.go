package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudtrail"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/obsspec"
)

// auditLogGroup creates an audit log group under the stack's prefix: the audit retention, the stack key,
// and in production retained when the stack is destroyed (the record must outlive what it records).
func (b *builder) auditLogGroup(role string) (*cloudwatch.LogGroup, error) {
	return cloudwatch.NewLogGroup(b.ctx, b.name+"-"+role+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(b.logGroupName(role)),
		RetentionInDays: pulumi.Int(b.args.AuditLogRetentionDays),
		KmsKeyId:        b.args.KeyArn,
		Tags:            layer.NameTags(b.logGroupName(role)),
	}, b.with(pulumi.RetainOnDelete(b.args.Production))...)
}

// serviceRole creates a role the service assumes, allowed only the given actions on the log group.
func (b *builder) serviceRole(role, service, group string, actions []string) (*iam.Role, *iam.RolePolicy, error) {
	name := b.name + "-" + role + "-role"
	r, err := iam.NewRole(b.ctx, name, &iam.RoleArgs{
		AssumeRolePolicy: pulumi.String(iampolicy.New(
			iampolicy.Allow("", []string{"sts:AssumeRole"}, nil).To("Service", service).
				When("StringEquals", "aws:SourceAccount", b.args.AccountId),
		).JSON()),
		Tags: layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return nil, nil, err
	}
	groupArn := fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", b.args.Region, b.args.AccountId, group)
	p, err := iam.NewRolePolicy(b.ctx, name+"-policy", &iam.RolePolicyArgs{
		Role:   r.Name,
		Policy: pulumi.String(iampolicy.New(iampolicy.Allow("WriteLogs", actions, []string{groupArn, groupArn + ":*"})).JSON()),
	}, b.opts...)
	return r, p, err
}

// buildTrail records the account's management events in every region to the trail bucket (whose policy
// admits this trail alone, with digest files for log-file validation), encrypted with the stack key when
// there is one, and to an audit log group for searching. Off when an organization trail already records
// the account.
func (b *builder) buildTrail() error {
	b.trailArn = pulumi.String("").ToStringOutput()
	if !b.args.CloudTrail {
		return nil
	}
	group, err := b.auditLogGroup("cloudtrail")
	if err != nil {
		return err
	}
	role, policy, err := b.serviceRole("cloudtrail", "cloudtrail.amazonaws.com", b.logGroupName("cloudtrail"),
		[]string{"logs:CreateLogStream", "logs:PutLogEvents"})
	if err != nil {
		return err
	}
	trail, err := cloudtrail.NewTrail(b.ctx, b.name+"-trail", &cloudtrail.TrailArgs{
		// The exact name the logs bucket policy admits.
		Name:                       pulumi.String(b.args.TrailName),
		S3BucketName:               b.args.TrailBucketName,
		KmsKeyId:                   b.args.KeyArn,
		IsMultiRegionTrail:         pulumi.Bool(true),
		IncludeGlobalServiceEvents: pulumi.Bool(true),
		EnableLogFileValidation:    pulumi.Bool(true),
		EnableLogging:              pulumi.Bool(true),
		CloudWatchLogsGroupArn:     pulumi.Sprintf("%s:*", group.Arn),
		CloudWatchLogsRoleArn:      role.Arn,
		EventSelectors: cloudtrail.TrailEventSelectorArray{cloudtrail.TrailEventSelectorArgs{
			ReadWriteType:           pulumi.String("All"),
			IncludeManagementEvents: pulumi.Bool(true),
		}},
		Tags: layer.NameTags(b.args.TrailName),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{policy}), pulumi.Protect(b.args.Production))...)
	if err != nil {
		return err
	}
	b.trailArn = trail.Arn
	return nil
}

// buildFlowLogs records the VPC's traffic (rejected only by default) to CloudWatch Logs, through a role, or
// to the logs bucket under the prefix its policy admits.
func (b *builder) buildFlowLogs() error {
	a := b.args
	name := b.name + "-vpc-flow-logs"
	args := &ec2.FlowLogArgs{
		VpcId:                  a.VpcId,
		TrafficType:            pulumi.String(a.FlowLogTraffic),
		MaxAggregationInterval: pulumi.Int(60),
		Tags:                   layer.NameTags(name),
	}
	opts := b.opts
	switch a.FlowLogs {
	case obsspec.FlowLogsOff:
		return nil
	case obsspec.FlowLogsS3:
		args.LogDestinationType = pulumi.String("s3")
		args.LogDestination = pulumi.Sprintf("arn:aws:s3:::%s/%s", a.LogsBucketName, a.FlowLogPrefix)
	case obsspec.FlowLogsCloudWatch:
		group, err := b.auditLogGroup("vpc-flow-logs")
		if err != nil {
			return err
		}
		role, policy, err := b.serviceRole("flow-logs", "vpc-flow-logs.amazonaws.com", b.logGroupName("vpc-flow-logs"),
			[]string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"})
		if err != nil {
			return err
		}
		args.LogDestinationType = pulumi.String("cloud-watch-logs")
		args.LogDestination = group.Arn
		args.IamRoleArn = role.Arn
		opts = b.with(pulumi.DependsOn([]pulumi.Resource{policy}))
	}
	_, err := ec2.NewFlowLog(b.ctx, name, args, opts...)
	return err
}
