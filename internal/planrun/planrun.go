// Package planrun runs the real program (package stack) under the test kit's mocks for a stack file, the
// way the Pulumi CLI would hand it the config, and builds its plan: cmd/plan prints it, the tests hold the
// committed plans and diagrams to it. It has no tests of its own (they would link pulumi-aws once more):
// the program's tests exercise it.
package planrun

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/plan"
	"github.com/tastylog/infra/internal/pricing"
	"github.com/tastylog/infra/internal/stackconfig"
	"github.com/tastylog/infra/internal/stackfile"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/stack"
)

// Plan runs the program for stack in dir (with overrides) and its cheapest and safest common variations,
// and returns the report and the diagram.
func Plan(dir, stackName string, overrides map[string]string) (plan.Report, plan.Diagram, error) {
	return PlanWith(dir, stackName, overrides, pricing.DefaultUsage())
}

// PlanWith is Plan under other usage assumptions.
func PlanWith(dir, stackName string, overrides map[string]string, usage pricing.Usage) (plan.Report, plan.Diagram, error) {
	project, err := stackfile.ReadProject(dir)
	if err != nil {
		return plan.Report{}, plan.Diagram{}, err
	}
	config, err := stackfile.StackConfig(dir, stackName, slices.Collect(maps.Keys(stackconfig.ObjectFields())))
	if err != nil {
		return plan.Report{}, plan.Diagram{}, err
	}
	maps.Copy(config, overrides)
	graph, err := runProgram(project.Name, stackName, config)
	if err != nil {
		return plan.Report{}, plan.Diagram{}, err
	}
	region := config["aws:region"]
	report := plan.Build(stackName, region, graph, usage)
	valid := func(c map[string]string) error {
		_, problems := stackconfig.Load(project.Name, stackName, c)
		return problems.Err()
	}
	for _, v := range []struct {
		name    string
		changes []plan.Change
	}{{"cheapest", plan.Cheaper}, {"safest", plan.Safer}} {
		set, skipped := plan.Choose(config, v.changes, valid)
		next := make(map[string]string, len(config))
		maps.Copy(next, config)
		maps.Copy(next, set)
		g, err := runProgram(project.Name, stackName, next)
		if err != nil {
			return plan.Report{}, plan.Diagram{}, fmt.Errorf("the %s variation: %w", v.name, err)
		}
		bill := plan.Bill(region, g, usage)
		report.Variations = append(report.Variations, plan.Variation{Name: v.name, Set: set, Total: bill.Total(), Skipped: skipped})
	}
	return report, plan.NewDiagram(graph), nil
}

// runProgram runs the real program under the test kit's mocks with config, as `pulumi up` would.
func runProgram(project, stackName string, config map[string]string) ([]plan.Resource, error) {
	m := testkit.New(project, stackName, config["aws:region"])
	keys := slices.Sorted(maps.Keys(config))
	if err := m.Run(config, func(ctx *pulumi.Context) error {
		_, err := stack.Program(ctx, keys)
		return err
	}); err != nil {
		return nil, err
	}
	return m.PlanResources(), nil
}
