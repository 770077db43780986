// Command bootstrap is the tastylog-bootstrap Pulumi project: run once per AWS account, with a local
// backend, before any tastylog stack (README, "From an empty account"). It creates the state bucket and
// secrets key the main project's stacks use, GitHub's OIDC roles for the workflows, and the account-wide
// guards (internal/bootstrap).
package main

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/tastylog/infra/internal/bootstrap"
	"github.com/tastylog/infra/internal/bootstrapspec"
)

func main() {
	pulumi.Run(run)
}

func run(ctx *pulumi.Context) error {
	values := map[string]string{}
	for _, key := range bootstrapspec.Keys {
		if v, err := config.Try(ctx, bootstrapspec.Project+":"+key); err == nil {
			values[bootstrapspec.Project+":"+key] = v
		}
	}
	spec, err := bootstrapspec.Load(values)
	if err != nil {
		return fmt.Errorf("the bootstrap config has problems; nothing was created:\n%w", err)
	}
	region := config.Get(ctx, "aws:region")
	if region == "" {
		return fmt.Errorf("aws:region is not set; nothing was created: pulumi config set aws:region ap-northeast-1")
	}
	accounts := slices.Sorted(slices.Values(spec.AllowedAccountIds))
	provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:            pulumi.String(region),
		AllowedAccountIds: pulumi.ToStringArray(accounts),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
			"Project": pulumi.String(bootstrapspec.Project), "ManagedBy": pulumi.String("pulumi"),
		}},
	})
	if err != nil {
		return err
	}
	identity, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(provider))
	if err != nil {
		return fmt.Errorf("looking up the AWS account: %w", err)
	}
	account, err := bootstrap.New(ctx, "tastylog", &bootstrap.Args{Spec: spec, AccountId: identity.AccountId, Region: region},
		pulumi.Providers(provider))
	if err != nil {
		return err
	}
	for name, value := range account.Exports() {
		ctx.Export(name, value)
	}
	return nil
}
