package compute

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/appboot"
	"github.com/tastylog/infra/internal/bootstrapspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// policyScope is what the servers' permissions are scoped to.
type policyScope struct {
	Region, AccountId string
	ParameterPath     string // /tastylog/dev/app/
	DeployBucket      string
	LogGroups         []string
}

// instancePolicy is everything an app server may do: Session Manager; read and decrypt its own stack's
// settings; read the deploy bucket; write its own log groups; publish agent metrics.
func instancePolicy(s policyScope) iampolicy.Document {
	path := strings.TrimSuffix(s.ParameterPath, "/")
	paramArn := fmt.Sprintf("arn:aws:ssm:%s:%s:parameter%s", s.Region, s.AccountId, path)
	bucketArn := "arn:aws:s3:::" + s.DeployBucket
	var logGroups []string
	for _, g := range s.LogGroups {
		logGroups = append(logGroups, fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", s.Region, s.AccountId, g))
	}
	return iampolicy.New(append([]iampolicy.Statement{
		iampolicy.Allow("SessionManager", iampolicy.SessionManagerActions, []string{"*"}),
		iampolicy.Allow("ReadAppSettings", []string{"ssm:GetParametersByPath", "ssm:GetParameters", "ssm:GetParameter"},
			[]string{paramArn, paramArn + "/*"}),
		// SecureStrings are encrypted with the account's aws/ssm key; decrypt only through SSM and only
		// for this stack's parameters (SSM passes the parameter ARN as encryption context).
		iampolicy.Allow("DecryptAppSettings", []string{"kms:Decrypt"},
			[]string{fmt.Sprintf("arn:aws:kms:%s:%s:key/*", s.Region, s.AccountId)}).
			When("StringEquals", "kms:ViaService", "ssm."+s.Region+".amazonaws.com").
			When("StringLike", "kms:EncryptionContext:PARAMETER_ARN", paramArn+"/*"),
		iampolicy.Allow("ReadReleases", []string{"s3:GetObject"}, []string{bucketArn + "/*"}),
		iampolicy.Allow("ListReleases", []string{"s3:ListBucket"}, []string{bucketArn}),
		iampolicy.Allow("ShipLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"}, logGroups),
		iampolicy.Allow("PublishAgentMetrics", []string{"cloudwatch:PutMetricData"}, []string{"*"}).
			When("StringEquals", "cloudwatch:namespace", appboot.AgentNamespace),
		// The agent reads the instance's tags to add the AutoScalingGroupName dimension.
		iampolicy.Allow("ReadOwnTags", []string{"ec2:DescribeTags"}, []string{"*"}),
	}, iampolicy.SessionLogs(s.Region, s.AccountId, bootstrapspec.SessionLogGroup)...)...)
}

// buildIam creates the servers' role, its one inline policy, and the instance profile.
func (b *builder) buildIam() error {
	name := b.name + "-app-role"
	var err error
	b.role, err = iam.NewRole(b.ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("tastylog app servers of " + b.name),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com").JSON()),
		Tags:             layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	policy := b.args.DeployBucketName.ToStringOutput().ApplyT(func(bucket string) string {
		return instancePolicy(policyScope{
			Region:        b.args.Region,
			AccountId:     b.args.AccountId,
			ParameterPath: b.args.ParameterPath,
			DeployBucket:  bucket,
			LogGroups:     []string{b.logGroupName(logApp), b.logGroupName(logSystem)},
		}).JSON()
	}).(pulumi.StringOutput)
	b.rolePolicy, err = iam.NewRolePolicy(b.ctx, b.name+"-app-policy", &iam.RolePolicyArgs{
		Role:   b.role.Name,
		Policy: policy,
	}, b.opts...)
	if err != nil {
		return err
	}
	b.profile, err = iam.NewInstanceProfile(b.ctx, b.name+"-app-profile", &iam.InstanceProfileArgs{
		Role: b.role.Name,
		Tags: layer.NameTags(b.name + "-app-profile"),
	}, b.opts...)
	return err
}
