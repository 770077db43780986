// Package layer holds what every layer's component does the same way: run its build steps in order
// with errors that name the layer and the step, hand children their options, and tag them with a Name.
package layer

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-random/sdk/v4/go/random"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Step is one part of a layer's build, named for error messages ("network: nat: ...").
type Step struct {
	What string
	Run  func() error
}

// Build runs the steps in order and stops at the first error, wrapped as "<layer>: <step>: <error>".
func Build(layer string, steps ...Step) error {
	for _, s := range steps {
		if err := s.Run(); err != nil {
			return fmt.Errorf("%s: %s: %w", layer, s.What, err)
		}
	}
	return nil
}

// With returns opts plus extra, without sharing opts' backing array between callers.
func With(opts []pulumi.ResourceOption, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(slices.Clone(opts), extra...)
}

// NameTags returns the Name tag; Project, Env and ManagedBy come from the providers' default tags.
func NameTags(name string) pulumi.StringMap {
	return pulumi.StringMap{"Name": pulumi.String(name)}
}

// Secret generates an alphanumeric secret of length characters, kept secret in state. Alphanumeric only:
// RDS forbids / @ " and spaces in passwords, and secrets pass through shell, HTTP headers and systemd
// environment files, where quoting is easy to get wrong; 32 characters already give about 190 bits.
func Secret(ctx *pulumi.Context, name string, length int, opts ...pulumi.ResourceOption) (pulumi.StringOutput, error) {
	p, err := random.NewRandomPassword(ctx, name, &random.RandomPasswordArgs{
		Length:  pulumi.Int(length),
		Special: pulumi.Bool(false),
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return p.Result, nil
}
