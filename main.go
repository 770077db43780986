// Command tastylog is the Pulumi program that builds the tastylog web application's AWS architecture, one
// stack per environment. It runs the stack's composition (package stack: config -> providers -> layers)
// under the engine and exports its outputs.
package main

import (
	"encoding/json"
	"os"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/stack"
)

func main() {
	pulumi.Run(run)
}

func run(ctx *pulumi.Context) error {
	outputs, err := program(ctx, engineConfigKeys())
	if err != nil {
		return err
	}
	for name, value := range outputs {
		ctx.Export(name, value)
	}
	return nil
}

// program is the stack's composition; the tests run it under mocks as the engine runs it here.
func program(ctx *pulumi.Context, configKeys []string) (pulumi.Map, error) {
	return stack.Program(ctx, configKeys)
}

// engineConfigKeys lists the config keys the engine set for this stack. The SDK reads their values from
// PULUMI_CONFIG but offers no way to list them, and a misspelt key is only caught by looking at them all.
func engineConfigKeys() []string {
	var values map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfig)), &values); err != nil {
		return nil
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
