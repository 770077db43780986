package stack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/stackconfig"
)

// setUp reads and validates the stack config, creates the providers, and checks the config against the
// account: its availability zones, hosted zone and certificates. Every problem is reported at once, and
// nothing but the two providers is registered before that: a bad config stops the program before any
// AWS resource exists.
func setUp(ctx *pulumi.Context, keys []string) (*stackconfig.Config, *providers, error) {
	// Every key the program reads is read directly, so the config still arrives where the engine's key list
	// does not (an Automation API inline program has no PULUMI_CONFIG); the listed keys add the unknown ones.
	values := map[string]string{}
	for _, key := range append(stackconfig.Keys(ctx.Project()), keys...) {
		if v, err := config.Try(ctx, key); err == nil {
			values[key] = v
		}
	}
	cfg, report := stackconfig.Load(ctx.Project(), ctx.Stack(), values)
	ns := cfg.Project + ":"
	// The look-ups need a provider in a real region for an allowed account.
	if report.Has("aws:region") || report.Has(ns+"allowedAccountIds") {
		return nil, nil, report.Err()
	}
	providers, err := newProviders(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if !report.Has(ns + "availabilityZones") {
		problems, err := checkZones(ctx, cfg, providers.app)
		if err != nil {
			return nil, nil, err
		}
		report.Add(problems...)
	}
	problems, err := checkEdge(ctx, cfg, report, providers)
	if err != nil {
		return nil, nil, err
	}
	report.Add(problems...)
	checkRepository(cfg, report, providers.account)
	checkPeers(cfg, report, providers.account)
	if err := report.Err(); err != nil {
		return nil, nil, err
	}
	return cfg, providers, nil
}

// checkZones asks AWS, through the app provider, which AZs this account can use in the region, and reports
// any configured AZ outside that list (ap-northeast-1b, say, exists only for older accounts).
func checkZones(ctx *pulumi.Context, cfg *stackconfig.Config, provider *aws.Provider) ([]error, error) {
	available, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State: pulumi.StringRef("available"),
	}, pulumi.Provider(provider))
	if err != nil {
		return nil, fmt.Errorf("config: looking up availability zones: %w", err)
	}
	var problems []error
	for i, az := range cfg.Network.AvailabilityZones {
		if !slices.Contains(available.Names, az) {
			problems = append(problems, configerr.New(fmt.Sprintf("%s:availabilityZones[%d]", cfg.Project, i), az,
				"is not available to this account in %s; available: %s", cfg.Region(), strings.Join(available.Names, ", ")))
		}
	}
	return problems, nil
}

// checkRepository reports a shared image repository in another account that the stack does not say it
// meant (appRepositoryCrossAccount): the account is the provider's, which only AWS can tell.
func checkRepository(cfg *stackconfig.Config, report *configerr.Report, account string) {
	ns := cfg.Project + ":"
	if !cfg.Compute.Fargate() || cfg.Compute.Repository == "" || report.Has(ns+computespec.KeyAppRepository) {
		return
	}
	report.Add(cfg.Compute.CheckRepositoryAccount(ns, account))
}

// checkPeers asks which account the stack deploys to when a peer in another account wants DNS across the
// peering: AWS sets that option on active peerings only, and another account's peering waits for its
// owner to accept.
func checkPeers(cfg *stackconfig.Config, report *configerr.Report, account string) {
	ns := cfg.Project + ":"
	if report.Has(ns+netspec.KeyVpcPeers) || !slices.ContainsFunc(cfg.Network.Peers, func(p netspec.Peer) bool { return p.Dns && p.AccountId != "" }) {
		return
	}
	report.Add(cfg.Network.CheckPeerAccounts(ns, account))
}
