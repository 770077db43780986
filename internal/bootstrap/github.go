package bootstrap

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// githubThumbprints are the certificate thumbprints GitHub publishes for its OIDC issuer. IAM no longer
// checks them for GitHub (it trusts the issuer's CA), but an older API or partition may still ask.
var githubThumbprints = []string{"6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"}

// buildOidc creates GitHub's OIDC provider, or names the account's existing one (an account holds one
// provider per issuer).
func (b *builder) buildOidc() error {
	if !b.args.CreateOidcProvider {
		b.provider = pulumi.String(fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", b.args.AccountId, githubIssuer)).ToStringOutput()
		return nil
	}
	name := b.name + "-github-oidc"
	p, err := iam.NewOpenIdConnectProvider(b.ctx, name, &iam.OpenIdConnectProviderArgs{
		Url:             pulumi.String("https://" + githubIssuer),
		ClientIdLists:   pulumi.StringArray{pulumi.String(githubAudience)},
		ThumbprintLists: pulumi.ToStringArray(githubThumbprints),
		Tags:            layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.provider = p.Arn
	return nil
}

// githubTrust lets exactly one subject of GitHub's OIDC tokens assume a role: no wildcard, so a fork, a
// branch or another repository's workflow cannot.
func githubTrust(provider, subject string) iampolicy.Document {
	return iampolicy.New(iampolicy.Allow("GitHubActions", []string{"sts:AssumeRoleWithWebIdentity"}, nil).
		To("Federated", provider).
		When("StringEquals", githubIssuer+":aud", githubAudience).
		When("StringEquals", githubIssuer+":sub", subject))
}

// PreviewSubject and DeploySubject are the OIDC subjects of a pull request's workflow and of a job that
// deploys to a GitHub environment.
func PreviewSubject(repo string) string        { return "repo:" + repo + ":pull_request" }
func MainSubject(repo string) string           { return "repo:" + repo + ":ref:refs/heads/main" }
func DeploySubject(repo, env string) string    { return "repo:" + repo + ":environment:" + env }
func PreviewRoleName(prefix string) string     { return prefix + "-github-preview" }
func MainRoleName(prefix string) string        { return prefix + "-github-main" }
func DeployRoleName(prefix, env string) string { return prefix + "-github-deploy-" + env }

// scope is what the roles' policies are written for.
type scope struct {
	Account, Region, Bucket, Key, Prefix string
}

// previewPolicy reads what a preview reads: the state (and takes its lock) and the secrets, but none of
// the data the stacks hold (objects, parameters, secrets), which ReadOnlyAccess alone would allow.
func previewPolicy(s scope) iampolicy.Document {
	bucket := iampolicy.BucketArn(s.Bucket)
	return iampolicy.New(append(stateAccess(s),
		iampolicy.Deny("NoDataReads", []string{"s3:GetObject", "s3:GetObjectVersion"}, nil).NotOn(bucket+"/*"),
		iampolicy.Deny("NoSecretReads", []string{"secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"},
			[]string{"arn:aws:secretsmanager:*:" + s.Account + ":secret:*", "arn:aws:ssm:*:" + s.Account + ":parameter/*"}),
	)...)
}

// mainPolicy is the reviewed code's read-only role (workflows on main: the deploy's preview that the
// approver reads, the drift check's refresh): the state, its lock and the secrets, and, unlike a pull
// request's preview, the stacks' parameters a refresh reads (decrypted through SSM only).
func mainPolicy(s scope) iampolicy.Document {
	return iampolicy.New(append(stateAccess(s),
		iampolicy.Allow("ReadTheStacksParameters", []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"},
			[]string{"arn:aws:ssm:*:" + s.Account + ":parameter/" + s.Prefix + "/*"}),
		iampolicy.Allow("DecryptThemThroughSsm", []string{"kms:Decrypt"}, []string{"arn:aws:kms:*:" + s.Account + ":key/*"}).
			When("StringLike", "kms:ViaService", "ssm.*.amazonaws.com"),
	)...)
}

// stateAccess is what every read-only workflow needs of the backend: read the state, take and release its
// lock (the only objects it writes), and decrypt the state and the stacks' secrets.
func stateAccess(s scope) []iampolicy.Statement {
	bucket := iampolicy.BucketArn(s.Bucket)
	return []iampolicy.Statement{
		iampolicy.Allow("ReadState", []string{"s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"}, []string{bucket, bucket + "/*"}),
		iampolicy.Allow("LockState", []string{"s3:PutObject", "s3:DeleteObject"}, []string{bucket + "/.pulumi/locks/*"}),
		iampolicy.Allow("DecryptStateAndSecrets", []string{"kms:Decrypt", "kms:GenerateDataKey"}, []string{s.Key}),
	}
}

// deployServices are the services the main project's stacks are made of: the deploy role may manage them.
var deployServices = []string{
	"acm", "apigateway", "application-autoscaling", "autoscaling", "cloudfront", "cloudtrail", "cloudwatch", "codebuild",
	"codeconnections", "codedeploy", "codepipeline", "codestar-connections", "ec2", "ecr", "ecs", "elasticloadbalancing",
	"events", "kms", "lambda", "logs", "rds", "route53", "s3", "sns", "sqs", "ssm", "wafv2",
}

// deployPolicy is what deploying a stack of the environment needs, and what it must not touch: IAM only
// for the stack's own roles (tastylog-<env>-*), no users or keys, nothing of this bootstrap.
func deployPolicy(s scope, env string) iampolicy.Document {
	var actions []string
	for _, svc := range deployServices {
		actions = append(actions, svc+":*")
	}
	bucket := iampolicy.BucketArn(s.Bucket)
	stack := s.Prefix + "-" + env + "-*"
	iamArn := func(kind string) string { return "arn:aws:iam::" + s.Account + ":" + kind + "/" + stack }
	return iampolicy.New(
		iampolicy.Allow("ManageTheStacksServices", actions, []string{"*"}),
		iampolicy.Allow("ReadIam", []string{"iam:Get*", "iam:List*", "sts:GetCallerIdentity", "tag:GetResources"}, []string{"*"}),
		iampolicy.Allow("ManageTheStacksRoles", []string{"iam:*Role*", "iam:*InstanceProfile*", "iam:TagPolicy", "iam:UntagPolicy"},
			[]string{iamArn("role"), iamArn("instance-profile")}),
		iampolicy.Allow("PassTheStacksRoles", []string{"iam:PassRole"}, []string{iamArn("role")}),
		iampolicy.Allow("ServiceLinkedRoles", []string{"iam:CreateServiceLinkedRole"}, []string{"arn:aws:iam::" + s.Account + ":role/aws-service-role/*"}),
		iampolicy.Allow("State", []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetBucketLocation"}, []string{bucket, bucket + "/*"}),
		iampolicy.Allow("Secrets", []string{"kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"}, []string{s.Key}),
		iampolicy.Deny("NoPeopleNoKeys", []string{"iam:*User*", "iam:*AccessKey*", "iam:*LoginProfile*", "iam:*Group*", "organizations:*", "account:*"}, []string{"*"}),
		iampolicy.Deny("NotTheBootstrap", []string{"s3:DeleteBucket*", "s3:PutBucket*", "s3:PutLifecycleConfiguration", "s3:PutEncryptionConfiguration"}, []string{bucket}),
		iampolicy.Deny("NotTheKey", []string{"kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:DeleteAlias", "kms:UpdateAlias"}, []string{s.Key}),
		iampolicy.Deny("NotTheGuards", []string{"ec2:DisableEbsEncryptionByDefault", "ec2:ModifyEbsDefaultKmsKeyId", "s3:PutAccountPublicAccessBlock",
			"access-analyzer:*", "budgets:*", "iam:*OpenIDConnectProvider*"}, []string{"*"}),
		iampolicy.Deny("NotTheSessionPreferences", []string{"ssm:UpdateDocument*", "ssm:DeleteDocument"},
			[]string{"arn:aws:ssm:*:" + s.Account + ":document/SSM-SessionManagerRunShell"}),
	)
}

// buildRoles creates the preview role (AWS's ReadOnlyAccess, without the data, for pull requests) and a
// deploy role per environment, each trusted by one subject only, for an hour at a time.
func (b *builder) buildRoles() error {
	repo := b.args.GithubRepository
	var err error
	if b.preview, err = b.role(PreviewRoleName(b.name), "Pull-request previews of "+repo, PreviewSubject(repo), true, previewPolicy); err != nil {
		return err
	}
	if b.main, err = b.role(MainRoleName(b.name), "Read-only workflows on the main branch of "+repo+" (deploy previews, drift checks)",
		MainSubject(repo), true, mainPolicy); err != nil {
		return err
	}
	b.deploy = pulumi.StringMap{}
	for _, env := range b.args.Environments {
		arn, err := b.role(DeployRoleName(b.name, env), "Deployments of "+repo+" to the "+env+" environment", DeploySubject(repo, env), false,
			func(s scope) iampolicy.Document { return deployPolicy(s, env) })
		if err != nil {
			return err
		}
		b.deploy[env] = arn
	}
	return nil
}

// role creates a role that one GitHub subject may assume for an hour, with its inline policy written for
// the state bucket and key once they exist, and AWS's ReadOnlyAccess when readOnly.
func (b *builder) role(name, description, subject string, readOnly bool, policy func(scope) iampolicy.Document) (pulumi.StringOutput, error) {
	r, err := iam.NewRole(b.ctx, name, &iam.RoleArgs{
		Name:               pulumi.String(name),
		Description:        pulumi.String(description),
		AssumeRolePolicy:   b.provider.ApplyT(func(p string) string { return githubTrust(p, subject).JSON() }).(pulumi.StringOutput),
		MaxSessionDuration: pulumi.Int(3600),
		Tags:               layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	doc := pulumi.All(b.bucket, b.keyArn).ApplyT(func(in []any) string {
		return policy(scope{Account: b.args.AccountId, Region: b.args.Region, Bucket: in[0].(string), Key: in[1].(string), Prefix: b.name}).JSON()
	}).(pulumi.StringOutput)
	if _, err := iam.NewRolePolicy(b.ctx, name+"-policy", &iam.RolePolicyArgs{Role: r.Name, Policy: doc}, b.opts...); err != nil {
		return pulumi.StringOutput{}, err
	}
	if readOnly {
		if _, err := iam.NewRolePolicyAttachment(b.ctx, name+"-read-only", &iam.RolePolicyAttachmentArgs{
			Role: r.Name, PolicyArn: pulumi.String("arn:aws:iam::aws:policy/ReadOnlyAccess"),
		}, b.opts...); err != nil {
			return pulumi.StringOutput{}, err
		}
	}
	return r.Arn, nil
}
