package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Duration is how long AWS takes to create one resource of a type, in seconds, and where the figure
// comes from. None is measured here (the machines this repository is built on have no AWS account):
// each is the typical figure the source states or implies, rounded.
type Duration struct {
	Seconds int
	Source  string
}

// defaultDuration is what a resource that AWS creates in one API call takes, waits included.
var defaultDuration = Duration{5, "one API call, no wait"}

// durations are the resource types that take longer than one API call, by what the provider waits for.
var durations = map[string]Duration{
	"aws:rds/instance:Instance": {600, "Amazon RDS User Guide, Creating a DB instance: the instance is available after several minutes; " +
		"about 10 for a small single-AZ MySQL, 15 with Multi-AZ (two instances and the first backup)"},
	"aws:cloudfront/vpcOrigin:VpcOrigin":                  {600, "CloudFront Developer Guide, VPC origins: the origin deploys to every edge location before use, about 10 minutes"},
	"aws:cloudfront/distribution:Distribution":            {420, "CloudFront Developer Guide: a distribution deploys to every edge location in about 5-10 minutes (waited for only with waitForDeployment)"},
	"aws:acm/certificateValidation:CertificateValidation": {180, "ACM User Guide, DNS validation: usually issued within minutes of the record existing"},
	"aws:ec2/natGateway:NatGateway":                       {120, "Amazon VPC User Guide, NAT gateways: pending for a minute or two before available"},
	"aws:lb/loadBalancer:LoadBalancer":                    {180, "Elastic Load Balancing: a new load balancer is provisioning for about 3 minutes"},
	"aws:ec2/vpcEndpoint:VpcEndpoint":                     {120, "AWS PrivateLink: an interface endpoint is pending for about 2 minutes (a gateway endpoint is immediate)"},
	"aws:ecs/service:Service":                             {240, "Amazon ECS: waitForSteadyState waits for the tasks to pass the target group's health checks, a few minutes"},
	"aws:autoscaling/group:Group":                         {300, "EC2 Auto Scaling: waiting for capacity means the instances boot, pass the ELB health checks and are InService"},
	"aws:route53/record:Record":                           {60, "Route 53: a change is INSYNC within about a minute"},
	"aws:route53/zone:Zone":                               {45, "Route 53: a new hosted zone is INSYNC within about a minute"},
	"aws:apigateway/domainName:DomainName":                {60, "API Gateway: a regional custom domain takes about a minute"},
	"aws:lambda/eventSourceMapping:EventSourceMapping":    {60, "Lambda: an SQS event source mapping is Enabled about a minute after creation"},
	"aws:sqs/queue:Queue":                                 {30, "Amazon SQS: a new queue takes a little while to propagate, and the provider waits for it"},
	"aws:wafv2/webAcl:WebAcl":                             {20, "AWS WAF: a web ACL is usable within seconds"},
	"aws:lambda/function:Function":                        {15, "Lambda: the function is Active once its code is unpacked, seconds"},
	"aws:iam/role:Role":                                   {10, "IAM: the provider waits for the role to propagate"},
	"aws:kms/key:Key":                                     {10, "KMS: a key is Enabled in seconds"},
}

// durationOf is a resource's creation time: its type's, adjusted for what its inputs make AWS or the
// provider wait for.
func durationOf(x Resource) Duration {
	d, ok := durations[x.Type]
	if !ok {
		return defaultDuration
	}
	switch x.Type {
	case "aws:rds/instance:Instance":
		if x.Inputs["multiAz"] == true {
			d.Seconds = 900
		}
	case "aws:cloudfront/distribution:Distribution":
		if x.Inputs["waitForDeployment"] == false {
			d = Duration{20, "CloudFront: created without waiting for deployment (waitForDeployment false)"}
		}
	case "aws:ec2/vpcEndpoint:VpcEndpoint":
		if x.Inputs["vpcEndpointType"] == "Gateway" {
			d = defaultDuration
		}
	case "aws:ecs/service:Service":
		if x.Inputs["waitForSteadyState"] != true {
			d = defaultDuration
		}
	case "aws:autoscaling/group:Group":
		if x.Inputs["waitForCapacityTimeout"] == "0" {
			d = Duration{10, "EC2 Auto Scaling: waitForCapacityTimeout 0, not waited for"}
		}
	}
	return d
}

// Step is one resource on the critical path.
type Step struct {
	Name, Type string
	Seconds    int
	Source     string
}

// Path is the longest chain of dependent resources of a first `up`, first to last, and its length.
type Path struct {
	Steps   []Step
	Seconds int
}

// Longest names the path's slowest step.
func (p Path) Longest() string {
	best := Step{}
	for _, s := range p.Steps {
		if s.Seconds > best.Seconds {
			best = s
		}
	}
	return fmt.Sprintf("%s (%s, %d min)", best.Name, best.Type, (best.Seconds+59)/60)
}

// graph is the resources by URN with their dependencies, components expanded to their custom children.
type graph struct {
	byURN    map[string]Resource
	children map[string][]string
	order    []string
}

func newGraph(rs []Resource) *graph {
	g := &graph{byURN: map[string]Resource{}, children: map[string][]string{}}
	for _, x := range rs {
		g.byURN[x.URN] = x
		g.order = append(g.order, x.URN)
		if x.Parent != "" {
			g.children[x.Parent] = append(g.children[x.Parent], x.URN)
		}
	}
	sort.Strings(g.order)
	return g
}

// deps are the custom resources a resource waits for: a dependency on a component waits for all of its
// custom descendants; providers are not waited on.
func (g *graph) deps(urn string) []string {
	var out []string
	var add func(string)
	add = func(u string) {
		x, ok := g.byURN[u]
		if !ok || strings.HasPrefix(x.Type, "pulumi:providers:") {
			return
		}
		if x.Custom {
			out = append(out, u)
			return
		}
		for _, c := range g.children[u] {
			add(c)
		}
	}
	for _, d := range g.byURN[urn].DependsOn {
		add(d)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// criticalPath is the longest chain by creation time: each resource starts when the last of its
// dependencies is done (the engine creates everything else in parallel).
func (g *graph) criticalPath() Path {
	finish := map[string]int{}
	prev := map[string]string{}
	var visit func(string) int
	visiting := map[string]bool{}
	visit = func(u string) int {
		if f, ok := finish[u]; ok {
			return f
		}
		if visiting[u] {
			return 0 // a cycle cannot be deployed; the engine would have refused the program
		}
		visiting[u] = true
		start := 0
		for _, d := range g.deps(u) {
			if f := visit(d); f > start || f == start && prev[u] == "" {
				start, prev[u] = f, d
			}
		}
		finish[u] = start + durationOf(g.byURN[u]).Seconds
		return finish[u]
	}
	end, best := "", -1
	for _, u := range g.order {
		x := g.byURN[u]
		if !x.Custom || strings.HasPrefix(x.Type, "pulumi:providers:") {
			continue
		}
		if f := visit(u); f > best {
			end, best = u, f
		}
	}
	var p Path
	for u := end; u != ""; u = prev[u] {
		x := g.byURN[u]
		d := durationOf(x)
		p.Steps = append([]Step{{Name: x.Name, Type: x.Type, Seconds: d.Seconds, Source: d.Source}}, p.Steps...)
	}
	p.Seconds = max(best, 0)
	return p
}

// waitingOn lists the resources that depend, directly or not, on a resource of typ, by name.
func (g *graph) waitingOn(typ string) []string {
	memo := map[string]bool{}
	var waits func(string, map[string]bool) bool
	waits = func(u string, seen map[string]bool) bool {
		if v, ok := memo[u]; ok {
			return v
		}
		if seen[u] {
			return false
		}
		seen[u] = true
		for _, d := range g.deps(u) {
			if g.byURN[d].Type == typ || waits(d, seen) {
				memo[u] = true
				return true
			}
		}
		memo[u] = false
		return false
	}
	var out []string
	for _, u := range g.order {
		x := g.byURN[u]
		if x.Custom && x.Type != typ && waits(u, map[string]bool{}) {
			out = append(out, x.Name)
		}
	}
	sort.Strings(out)
	return out
}
