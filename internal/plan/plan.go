// Package plan turns a stack's resource graph, as the test kit records it from the real program, into what
// someone deciding on the stack wants first: what is built, by layer and type; what it costs a month (the
// pricing package) and what the cheapest and safest common variations cost; how long the first `up` takes
// along its longest chain of dependent resources; what waits on the database; warnings; and the
// architecture drawn from the graph (Mermaid and draw.io). It imports no Pulumi package.
package plan

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/tastylog/infra/internal/pricing"
)

// Resource is one resource of the graph: the pricing view plus what the plan needs of the graph's shape.
type Resource struct {
	pricing.Resource
	URN, Parent string
	// DependsOn are the URNs it waits for: explicit and through its inputs.
	DependsOn []string
	Custom    bool
}

// LayerCount is how many resources of each type a layer has, with their names.
type LayerCount struct {
	Layer string
	Types []TypeCount
}

// TypeCount is the resources of one type in a layer.
type TypeCount struct {
	Type  string
	Names []string
}

// Variation is the bill of the stack with a set of config changes.
type Variation struct {
	Name  string
	Set   map[string]string
	Total float64
	// Skipped are the changes the stack refuses (a production stack keeps its database Multi-AZ), by key.
	Skipped []string
}

// Report is the plan of one stack.
type Report struct {
	Stack, Region string
	Count         int
	Layers        []LayerCount
	Bill          pricing.Bill
	Usage         pricing.Usage
	Variations    []Variation
	Path          Path
	// DatabaseWaiters are the resources that cannot start before the database exists, by name.
	DatabaseWaiters []string
	Warnings        []string
}

// Build makes the report of a graph: the resources by layer, the bill under usage, the critical path and
// what waits on the database, and the warnings. Variations are the caller's (they need the program run
// again with other config).
func Build(stack, region string, rs []Resource, usage pricing.Usage) Report {
	r := Report{Stack: stack, Region: region, Usage: usage}
	for _, x := range rs {
		if x.Custom && !strings.HasPrefix(x.Type, "pulumi:providers:") {
			r.Count++
		}
	}
	r.Layers = layers(rs)
	r.Bill = Bill(region, rs, usage)
	g := newGraph(rs)
	r.Path = g.criticalPath()
	r.DatabaseWaiters = g.waitingOn("aws:rds/instance:Instance")
	r.Warnings = warnings(r, rs)
	return r
}

// Bill is the monthly estimate of a graph's resources (its components and providers cost nothing).
func Bill(region string, rs []Resource, usage pricing.Usage) pricing.Bill {
	var priced []pricing.Resource
	for _, x := range rs {
		if x.Custom && !strings.HasPrefix(x.Type, "pulumi:providers:") {
			priced = append(priced, x.Resource)
		}
	}
	return pricing.Estimate(region, priced, usage)
}

// layerOf is the layer a resource belongs to: its nearest tastylog component ancestor, "stack" for the
// providers and the stack itself.
func layerOf(byURN map[string]Resource, x Resource) string {
	for p := x.Parent; p != ""; {
		parent, ok := byURN[p]
		if !ok {
			break
		}
		if strings.HasPrefix(parent.Type, "tastylog:index:") {
			return strings.ToLower(strings.TrimPrefix(parent.Type, "tastylog:index:"))
		}
		p = parent.Parent
	}
	return "stack"
}

// layerOrder is the order layers are built and reported in.
var layerOrder = []string{"network", "data", "compute", "edge", "batch", "observability", "delivery", "stack"}

func layers(rs []Resource) []LayerCount {
	byURN := map[string]Resource{}
	for _, x := range rs {
		byURN[x.URN] = x
	}
	names := map[string]map[string][]string{}
	for _, x := range rs {
		if !x.Custom {
			continue
		}
		l := layerOf(byURN, x)
		if names[l] == nil {
			names[l] = map[string][]string{}
		}
		names[l][x.Type] = append(names[l][x.Type], x.Name)
	}
	var out []LayerCount
	for _, l := range layerOrder {
		if names[l] == nil {
			continue
		}
		lc := LayerCount{Layer: l}
		for _, t := range slices.Sorted(maps.Keys(names[l])) {
			n := names[l][t]
			sort.Strings(n)
			lc.Types = append(lc.Types, TypeCount{Type: t, Names: n})
		}
		out = append(out, lc)
	}
	return out
}

// warnings are what a reviewer should see before the stack is deployed.
func warnings(r Report, rs []Resource) []string {
	var out []string
	total := r.Bill.Total()
	for _, l := range r.Bill.Lines {
		if total > 0 && l.USD/total >= 0.35 {
			out = append(out, fmt.Sprintf("%s is %.0f%% of the bill ($%.2f of $%.2f a month)", l.Item, 100*l.USD/total, l.USD, total))
		}
	}
	for _, u := range r.Bill.Unpriced {
		out = append(out, "not priced: "+u)
	}
	if r.Path.Seconds >= 15*60 {
		out = append(out, fmt.Sprintf("the first up takes about %d minutes, most of it %s", (r.Path.Seconds+59)/60, r.Path.Longest()))
	}
	for _, x := range rs {
		switch {
		case x.Type == "aws:ecs/service:Service" && strings.Contains(fmt.Sprint(x.Inputs["capacityProviderStrategies"]), "FARGATE_SPOT"):
			out = append(out, x.Name+" runs on Fargate Spot: AWS may take a task back at two minutes' notice")
		case x.Type == "aws:autoscaling/group:Group" && strings.Contains(x.Name, "-nat-"):
			out = append(out, "the app tier's only way out is one NAT instance ("+x.Name+"): minutes without it while a failed one is replaced")
		case x.Type == "aws:rds/instance:Instance" && x.Inputs["multiAz"] == false && x.Inputs["replicateSourceDb"] == nil:
			out = append(out, x.Name+" is single-AZ: an AZ outage or a host failure stops the site until it is replaced")
		}
	}
	return out
}
