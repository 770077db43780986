// Command pack is the tastylog policy pack: `pulumi preview --policy-pack policy/pack` builds and runs it
// (PulumiPolicy.yaml declares the go runtime) against a stack, with the rules of package policy.
package main

import (
	"fmt"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/tastylog/infra/policy"
)

func main() {
	if err := policyx.Main(func(*pulumi.Context) (policyx.PolicyPack, error) {
		return policy.Pack()
	}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
