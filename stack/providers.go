package stack

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/stackconfig"
	"github.com/tastylog/infra/policy"
)

// providers are the explicit AWS providers every layer uses; the default provider is disabled in
// Pulumi.yaml, so a resource that forgets its provider fails loudly instead of landing in some other region.
type providers struct {
	// app is the application region's provider.
	app *aws.Provider
	// usEast1 serves what AWS requires in us-east-1: CloudFront's certificate, its metrics and alarms.
	usEast1 *aws.Provider
	// account is the AWS account the app provider deploys to, looked up once for the checks and the layers.
	account string
}

func profile(cfg *stackconfig.Config) string {
	if cfg.Production() {
		return policy.ProfileProduction
	}
	return policy.ProfileDisposable
}

func newProviders(ctx *pulumi.Context, cfg *stackconfig.Config) (*providers, error) {
	tags := &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
		"Project":   pulumi.String(cfg.Project),
		"Env":       pulumi.String(cfg.Env),
		"ManagedBy": pulumi.String("pulumi"),
		// The stack's profile, on every resource (cost reports) and for the policy pack's production rules.
		policy.ProfileTag: pulumi.String(profile(cfg)),
	}}
	newProvider := func(name, region string) (*aws.Provider, error) {
		args := &aws.ProviderArgs{Region: pulumi.String(region), DefaultTags: tags}
		if len(cfg.AllowedAccountIds) > 0 {
			args.AllowedAccountIds = pulumi.ToStringArray(cfg.AllowedAccountIds)
		}
		return aws.NewProvider(ctx, name, args)
	}
	app, err := newProvider("aws-app", cfg.Region())
	if err != nil {
		return nil, err
	}
	usEast1, err := newProvider("aws-us-east-1", "us-east-1")
	if err != nil {
		return nil, err
	}
	identity, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(app))
	if err != nil {
		return nil, fmt.Errorf("looking up the AWS account: %w", err)
	}
	return &providers{app: app, usEast1: usEast1, account: identity.AccountId}, nil
}
