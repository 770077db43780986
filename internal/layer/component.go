// Package layer holds what every layer's component does the same way: run its build steps in order
// with errors that name the layer and the step, hand children their options, and tag them with a Name.
package layer

import (
	"fmt"
	"slices"

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
