// Package bootstrap builds what one AWS account needs before any tastylog stack, once, from the
// tastylog-bootstrap project: the S3 bucket Pulumi keeps state in and the KMS key its secrets are
// encrypted with, GitHub's OIDC provider with a preview role for pull requests and a deploy role per
// GitHub environment, and the account-wide guards no environment's stack should own (EBS encryption by
// default, the account's S3 public access block, Session Manager preferences, IAM Access Analyzer, a
// monthly budget). Its tests are in internal/layertests.
package bootstrap

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/bootstrapspec"
	"github.com/tastylog/infra/internal/layer"
)

// Type is the component's type token.
const Type = "tastylog:bootstrap:Account"

// SessionLogGroup is where Session Manager writes every session of the account, encrypted with the key.
const SessionLogGroup = bootstrapspec.SessionLogGroup

// GitHub's OIDC issuer and the audience AWS's credentials action asks for.
const (
	githubIssuer   = "token.actions.githubusercontent.com"
	githubAudience = "sts.amazonaws.com"
)

// Args configures the bootstrap of one account.
type Args struct {
	bootstrapspec.Spec
	AccountId, Region string
}

// Account is what the bootstrap hands the main project and its workflows.
type Account struct {
	pulumi.ResourceState

	// BackendUrl is for `pulumi login`: s3://<state bucket>.
	BackendUrl pulumi.StringOutput
	// SecretsProvider is for `pulumi stack init --secrets-provider`: awskms://alias/...?region=...
	SecretsProvider pulumi.StringOutput
	// PreviewRoleArn is the pull requests' role; DeployRoleArns the deploy role of each environment.
	PreviewRoleArn pulumi.StringOutput
	// MainRoleArn is the role of read-only workflows on main: the deploy's preview and the drift check.
	MainRoleArn    pulumi.StringOutput
	DeployRoleArns pulumi.StringMapOutput
	BudgetName     pulumi.StringOutput
	StateBucket    pulumi.StringOutput
	KeyArn         pulumi.StringOutput
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	args      *Args
	component *Account
	opts      []pulumi.ResourceOption

	keyArn, keyAlias  pulumi.StringOutput
	bucket, bucketArn pulumi.StringOutput
	provider          pulumi.StringOutput // the OIDC provider's ARN
	preview, main     pulumi.StringOutput
	deploy            pulumi.StringMap
	budget            pulumi.StringOutput
}

// New builds the bootstrap of the account named name (the prefix of its names: tastylog).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Account, error) {
	if args == nil {
		return nil, errors.New("bootstrap: args are required")
	}
	if err := args.Validate(); err != nil {
		return nil, fmt.Errorf("bootstrap: invalid args: %w", err)
	}
	if args.AccountId == "" || args.Region == "" {
		return nil, errors.New("bootstrap: invalid args: AccountId and Region are required")
	}
	component := &Account{}
	if err := ctx.RegisterComponentResource(Type, name, component, opts...); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	b := &builder{ctx: ctx, name: name, args: args, component: component, opts: []pulumi.ResourceOption{pulumi.Parent(component)}}
	if err := layer.Build("bootstrap",
		layer.Step{What: "key", Run: b.buildKey},
		layer.Step{What: "state bucket", Run: b.buildStateBucket},
		layer.Step{What: "github oidc", Run: b.buildOidc},
		layer.Step{What: "roles", Run: b.buildRoles},
		layer.Step{What: "account guards", Run: b.buildGuards},
	); err != nil {
		return nil, err
	}
	component.BackendUrl = pulumi.Sprintf("s3://%s", b.bucket)
	component.SecretsProvider = pulumi.Sprintf("awskms://%s?region=%s", b.keyAlias, args.Region)
	component.PreviewRoleArn = b.preview
	component.MainRoleArn = b.main
	component.DeployRoleArns = b.deploy.ToStringMapOutput()
	component.BudgetName = b.budget
	component.StateBucket = b.bucket
	component.KeyArn = b.keyArn
	if err := ctx.RegisterResourceOutputs(component, component.Exports()); err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	return component, nil
}

// Exports are the project's stack outputs.
func (a *Account) Exports() pulumi.Map {
	return pulumi.Map{
		"backendUrl":      a.BackendUrl,
		"secretsProvider": a.SecretsProvider,
		"previewRoleArn":  a.PreviewRoleArn,
		"mainRoleArn":     a.MainRoleArn,
		"deployRoleArns":  a.DeployRoleArns,
		"budgetName":      a.BudgetName,
		"stateBucketName": a.StateBucket,
		"keyArn":          a.KeyArn,
	}
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}
