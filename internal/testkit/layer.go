package testkit

import (
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Providers are the explicit providers main.go creates: the app region's and us-east-1's.
type Providers struct {
	App     *aws.Provider
	UsEast1 *aws.Provider
}

// RunLayer runs build under these mocks with the two providers main.go creates (aws-app in region,
// aws-us-east-1), so a layer is tested on its own the way the program composes it.
func (m *Mocks) RunLayer(region string, build func(ctx *pulumi.Context, p Providers) error) error {
	return m.Run(nil, func(ctx *pulumi.Context) error {
		app, err := aws.NewProvider(ctx, "aws-app", &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		usEast1, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		return build(ctx, Providers{App: app, UsEast1: usEast1})
	})
}

// RunComponent runs build (a layer's New) under m with main.go's two providers, fails the test if it
// errs, and returns what it built.
func RunComponent[T any](t testing.TB, m *Mocks, region string, build func(ctx *pulumi.Context, p Providers) (T, error)) T {
	t.Helper()
	var built T
	err := m.RunLayer(region, func(ctx *pulumi.Context, p Providers) error {
		var err error
		built, err = build(ctx, p)
		return err
	})
	if err != nil {
		t.Fatalf("building the component: %v", err)
	}
	return built
}
