package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/tastylog/infra/internal/stackconfig"
)

// loadConfig reads and validates the stack config. It registers nothing: a bad config stops the program
// before any resource exists.
func loadConfig(ctx *pulumi.Context) (*stackconfig.Config, error) {
	return stackconfig.Load(ctx.Project(), ctx.Stack(), func(key string) (string, bool) {
		v, err := config.Try(ctx, key)
		return v, err == nil
	})
}

// checkZones asks AWS, through the app provider, which AZs this account can use in the region, and fails
// on any configured AZ outside that list (ap-northeast-1b, say, exists only for older accounts). An invoke
// registers no resource, so this still fails before anything is built.
func checkZones(ctx *pulumi.Context, cfg *stackconfig.Config, provider *aws.Provider) error {
	available, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{
		State: pulumi.StringRef("available"),
	}, pulumi.Provider(provider))
	if err != nil {
		return fmt.Errorf("config: looking up availability zones: %w", err)
	}
	for i, az := range cfg.Network.AvailabilityZones {
		if !slices.Contains(available.Names, az) {
			return fmt.Errorf("config: %s:availabilityZones[%d]: %q is not available to this account in %s; available: %s",
				cfg.Project, i, az, cfg.Region(), strings.Join(available.Names, ", "))
		}
	}
	return nil
}
