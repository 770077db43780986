package plan

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// Where a node of the diagram sits: outside the VPC, or in one of its tiers.
const (
	zoneOutside = ""
	zonePublic  = "public"
	zonePrivate = "private"
	zoneDb      = "db"
)

// node is one box of the diagram: the resources it stands for share its key.
type node struct {
	Key, Label, Zone string
	// Icon is the draw.io AWS 4 resource icon (mxgraph.aws4.<icon>).
	Icon  string
	Count int
}

var bucketRole = regexp.MustCompile(`-(static|deploy|logs|trail|artifacts|results)-bucket`)

// classify names the node a resource belongs to, or "" for plumbing the diagram leaves out (IAM,
// security groups, routes, policies), which edges pass through.
func classify(x Resource) (node, bool) {
	n := func(key, label, zone, icon string) (node, bool) { return node{key, label, zone, icon, 1}, true }
	t := x.Type
	switch {
	case t == "aws:cloudfront/distribution:Distribution" || t == "aws:cloudfront/vpcOrigin:VpcOrigin" ||
		t == "aws:cloudfront/originAccessControl:OriginAccessControl":
		return n("cdn", "CloudFront", zoneOutside, "cloudfront")
	case t == "aws:wafv2/webAcl:WebAcl":
		return n("waf", "WAF web ACL", zoneOutside, "waf")
	case t == "aws:route53/zone:Zone" || t == "aws:route53/record:Record":
		return n("dns", "Route 53", zoneOutside, "route_53")
	case strings.HasPrefix(t, "aws:s3/bucket") && t != "aws:s3/bucketObjectv2:BucketObjectv2":
		if m := bucketRole.FindStringSubmatch(x.Name); m != nil {
			return n("bucket_"+m[1], "S3 "+m[1], zoneOutside, "simple_storage_service")
		}
	case t == "aws:ec2/natGateway:NatGateway":
		return n("nat", "NAT gateway", zonePublic, "nat_gateway")
	case (t == "aws:autoscaling/group:Group" || t == "aws:ec2/networkInterface:NetworkInterface" || t == "aws:ec2/launchTemplate:LaunchTemplate") && strings.Contains(x.Name, "-nat-"):
		return n("nat", "NAT instance", zonePublic, "nat_gateway")
	case t == "aws:ec2/internetGateway:InternetGateway":
		return n("igw", "Internet gateway", zoneOutside, "internet_gateway")
	case t == "aws:lb/loadBalancer:LoadBalancer" || t == "aws:lb/listener:Listener" || t == "aws:lb/listenerRule:ListenerRule":
		return n("alb", "Internal ALB", zonePrivate, "application_load_balancer")
	case t == "aws:lb/targetGroup:TargetGroup" || t == "aws:autoscaling/group:Group" || t == "aws:ec2/launchTemplate:LaunchTemplate":
		return n("app", "App servers (Auto Scaling)", zonePrivate, "auto_scaling2")
	case t == "aws:ecs/service:Service" || t == "aws:ecs/taskDefinition:TaskDefinition" || t == "aws:ecs/cluster:Cluster":
		return n("app", "App tasks (ECS Fargate)", zonePrivate, "fargate")
	case t == "aws:ec2/vpcEndpoint:VpcEndpoint":
		if x.Inputs["vpcEndpointType"] == "Gateway" {
			return n("s3gw", "S3 gateway endpoint", zonePrivate, "endpoints")
		}
		return n("vpce", "Interface endpoints", zonePrivate, "endpoints")
	case t == "aws:rds/instance:Instance":
		if x.Inputs["replicateSourceDb"] != nil {
			return n("replica", "RDS read replica", zoneDb, "rds")
		}
		return n("db", "RDS MySQL", zoneDb, "rds")
	case t == "aws:ssm/parameter:Parameter":
		return n("settings", "Parameter Store settings", zoneOutside, "parameter_store")
	case t == "aws:ecr/repository:Repository":
		return n("ecr", "ECR repository", zoneOutside, "ecr")
	case t == "aws:sqs/queue:Queue":
		if strings.HasSuffix(x.Name, "-dlq") {
			return n("dlq", "SQS dead letters", zoneOutside, "sqs")
		}
		return n("queue", "SQS jobs", zoneOutside, "sqs")
	case t == "aws:lambda/function:Function" || t == "aws:lambda/eventSourceMapping:EventSourceMapping":
		return n("worker", "Lambda worker", zoneOutside, "lambda")
	case strings.HasPrefix(t, "aws:apigateway/") && t != "aws:apigateway/account:Account":
		return n("api", "API Gateway (REST)", zoneOutside, "api_gateway")
	case t == "aws:cloudwatch/eventRule:EventRule" && strings.Contains(x.Name, "-batch-"):
		return n("schedule", "EventBridge schedule", zoneOutside, "eventbridge")
	case t == "aws:codepipeline/pipeline:Pipeline":
		return n("pipeline", "CodePipeline", zoneOutside, "codepipeline")
	case t == "aws:codebuild/project:Project":
		return n("build", "CodeBuild", zoneOutside, "codebuild")
	case strings.HasPrefix(t, "aws:codedeploy/"):
		return n("deploy", "CodeDeploy", zoneOutside, "codedeploy")
	case t == "aws:codeconnections/connection:Connection":
		return n("github", "GitHub connection", zoneOutside, "codestar")
	case t == "aws:cloudwatch/metricAlarm:MetricAlarm" || t == "aws:cloudwatch/dashboard:Dashboard":
		return n("monitoring", "CloudWatch alarms", zoneOutside, "cloudwatch_2")
	case t == "aws:sns/topic:Topic":
		return n("alerts", "SNS alerts", zoneOutside, "sns")
	case t == "aws:cloudtrail/trail:Trail":
		return n("trail", "CloudTrail", zoneOutside, "cloudtrail")
	case t == "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
		return n("peering", "VPC peering", zoneOutside, "peering")
	}
	return node{}, false
}

// Diagram is the architecture drawn from a graph: its nodes and the edges between them, A -> B where a
// resource of A depends on one of B (directly, or through resources the diagram leaves out).
type Diagram struct {
	Nodes []node
	Edges [][2]string
}

// flow is the order a request meets the nodes in, which settles an edge drawn both ways.
var flow = []string{"users", "dns", "cdn", "waf", "alb", "app", "api", "schedule", "queue", "worker", "settings", "db"}

func rank(key string) int {
	if i := slices.Index(flow, key); i >= 0 {
		return i
	}
	return len(flow)
}

// quiet are nodes whose dependencies are not drawn: the alarms watch everything.
var quiet = []string{"monitoring"}

// NewDiagram draws the graph.
func NewDiagram(rs []Resource) Diagram {
	g := newGraph(rs)
	nodes := map[string]*node{}
	of := map[string]string{}
	counts := map[string]int{}
	for _, u := range g.order {
		x := g.byURN[u]
		if !x.Custom {
			continue
		}
		if n, ok := classify(x); ok {
			of[u] = n.Key
			if nodes[n.Key] == nil {
				nodes[n.Key] = &n
			}
			if x.Type == counted[n.Key] {
				counts[n.Key]++
			}
		}
	}
	for k, c := range counts {
		nodes[k].Count = c
	}
	edges := map[[2]string]bool{}
	for u, from := range of {
		// A bucket's policy and settings end a walk at their bucket, but what they depend on (the logs
		// bucket they log to, the distribution a policy admits) is not the bucket's use of it.
		if t := g.byURN[u].Type; slices.Contains(quiet, from) || strings.HasPrefix(t, "aws:s3/bucket") && t != "aws:s3/bucketV2:BucketV2" {
			continue
		}
		seen := map[string]bool{}
		var walk func(string)
		walk = func(d string) {
			if seen[d] {
				return
			}
			seen[d] = true
			if to, ok := of[d]; ok {
				if to != from {
					edges[[2]string{from, to}] = true
				}
				return
			}
			for _, dd := range g.deps(d) {
				walk(dd)
			}
		}
		for _, d := range g.deps(u) {
			walk(d)
		}
	}
	// Where two nodes depend on each other (a certificate's validation record and the alias that points
	// at its user), the edge that follows the request's way in stays.
	for e := range edges {
		back := [2]string{e[1], e[0]}
		if edges[back] && rank(e[0]) > rank(e[1]) {
			delete(edges, e)
		}
	}
	var out Diagram
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range nodes {
			if !yield(k) {
				return
			}
		}
	}) {
		out.Nodes = append(out.Nodes, *nodes[k])
	}
	for e := range edges {
		out.Edges = append(out.Edges, e)
	}
	sort.Slice(out.Edges, func(i, j int) bool {
		return out.Edges[i][0] < out.Edges[j][0] || out.Edges[i][0] == out.Edges[j][0] && out.Edges[i][1] < out.Edges[j][1]
	})
	return out
}

// counted are the nodes that show how many they stand for (two NAT gateways, six endpoints), by the type
// they count.
var counted = map[string]string{"nat": "aws:ec2/natGateway:NatGateway", "vpce": "aws:ec2/vpcEndpoint:VpcEndpoint",
	"monitoring": "aws:cloudwatch/metricAlarm:MetricAlarm", "db": "aws:rds/instance:Instance"}

func (n node) title() string {
	if n.Count > 1 {
		return fmt.Sprintf("%s x%d", n.Label, n.Count)
	}
	return n.Label
}

var zones = []struct{ key, label string }{
	{zonePublic, "public subnets"}, {zonePrivate, "private subnets"}, {zoneDb, "db subnets, no route out"},
}

// Mermaid renders the diagram as a Mermaid flowchart, the VPC's tiers as subgraphs.
func (d Diagram) Mermaid() string {
	var sb strings.Builder
	sb.WriteString("flowchart LR\n  users((Viewers))\n")
	byZone := map[string][]node{}
	for _, n := range d.Nodes {
		byZone[n.Zone] = append(byZone[n.Zone], n)
	}
	for _, n := range byZone[zoneOutside] {
		fmt.Fprintf(&sb, "  %s[%q]\n", n.Key, n.title())
	}
	sb.WriteString("  subgraph vpc[\"VPC\"]\n")
	for _, z := range zones {
		if len(byZone[z.key]) == 0 {
			continue
		}
		fmt.Fprintf(&sb, "    subgraph %s_tier[%q]\n", z.key, z.label)
		for _, n := range byZone[z.key] {
			fmt.Fprintf(&sb, "      %s[%q]\n", n.Key, n.title())
		}
		sb.WriteString("    end\n")
	}
	sb.WriteString("  end\n")
	if slices.ContainsFunc(d.Nodes, func(n node) bool { return n.Key == "cdn" }) {
		sb.WriteString("  users --> cdn\n")
	}
	for _, e := range d.Edges {
		fmt.Fprintf(&sb, "  %s --> %s\n", e[0], e[1])
	}
	return sb.String()
}

// DrawIO renders the diagram as a draw.io file with the AWS 4 icons: the outside services in a column
// each side, the VPC's tiers as groups in the middle.
func (d Diagram) DrawIO(title string) string {
	var cells []string
	id := func(k string) string { return "n_" + k }
	cell := func(format string, args ...any) { cells = append(cells, fmt.Sprintf(format, args...)) }
	const w, h, gap = 78, 78, 60
	icon := func(n node, x, y int, parent string) {
		cell(`<mxCell id="%s" value="%s" style="sketch=0;outlineConnect=0;fontColor=#232F3E;fillColor=#ED7100;strokeColor=#ffffff;dashed=0;verticalLabelPosition=bottom;verticalAlign=top;align=center;html=1;fontSize=12;aspect=fixed;shape=mxgraph.aws4.resourceIcon;resIcon=mxgraph.aws4.%s;" vertex="1" parent="%s"><mxGeometry x="%d" y="%d" width="%d" height="%d" as="geometry"/></mxCell>`,
			id(n.Key), html.EscapeString(n.title()), n.Icon, parent, x, y, w, h)
	}
	var outside []node
	byZone := map[string][]node{}
	for _, n := range d.Nodes {
		if n.Zone == zoneOutside {
			outside = append(outside, n)
		} else {
			byZone[n.Zone] = append(byZone[n.Zone], n)
		}
	}
	cell(`<mxCell id="n_users" value="Viewers" style="sketch=0;outlineConnect=0;fontColor=#232F3E;dashed=0;verticalLabelPosition=bottom;verticalAlign=top;align=center;html=1;fontSize=12;aspect=fixed;shape=mxgraph.aws4.users;" vertex="1" parent="1"><mxGeometry x="20" y="20" width="%d" height="%d" as="geometry"/></mxCell>`, w, h)
	half := (len(outside) + 1) / 2
	for i, n := range outside {
		col, row := 0, i
		if i >= half {
			col, row = 1, i-half
		}
		icon(n, 20+col*(w+gap)*7, 140+row*(h+gap), "1")
	}
	// The VPC group, its tiers one row each.
	vx, vy, tierW := 20+2*(w+gap), 140, 5*(w+gap)
	rows := 0
	for _, z := range zones {
		if len(byZone[z.key]) > 0 {
			rows++
		}
	}
	cell(`<mxCell id="vpc" value="VPC" style="points=[];outlineConnect=0;gradientColor=none;html=1;whiteSpace=wrap;fontSize=12;fontStyle=0;container=1;pointerEvents=0;collapsible=0;recursiveResize=0;shape=mxgraph.aws4.group;grIcon=mxgraph.aws4.group_vpc2;strokeColor=#8C4FFF;fillColor=none;verticalAlign=top;align=left;spacingLeft=30;fontColor=#AAB7B8;dashed=0;" vertex="1" parent="1"><mxGeometry x="%d" y="%d" width="%d" height="%d" as="geometry"/></mxCell>`,
		vx, vy, tierW+40, rows*(h+gap+40)+40)
	r := 0
	for _, z := range zones {
		ns := byZone[z.key]
		if len(ns) == 0 {
			continue
		}
		tid := "tier_" + z.key
		cell(`<mxCell id="%s" value="%s" style="points=[];outlineConnect=0;gradientColor=none;html=1;whiteSpace=wrap;fontSize=12;fontStyle=0;container=1;pointerEvents=0;collapsible=0;recursiveResize=0;shape=mxgraph.aws4.group;grIcon=mxgraph.aws4.group_security_group;grStroke=0;strokeColor=#7AA116;fillColor=#F2F6E8;verticalAlign=top;align=left;spacingLeft=30;fontColor=#248814;dashed=0;" vertex="1" parent="vpc"><mxGeometry x="20" y="%d" width="%d" height="%d" as="geometry"/></mxCell>`,
			tid, html.EscapeString(z.label), 30+r*(h+gap+40), tierW, h+gap+10)
		for i, n := range ns {
			icon(n, 30+i*(w+gap), 30, tid)
		}
		r++
	}
	edges := d.Edges
	if slices.ContainsFunc(d.Nodes, func(n node) bool { return n.Key == "cdn" }) {
		edges = append([][2]string{{"users", "cdn"}}, edges...)
	}
	for i, e := range edges {
		cell(`<mxCell id="e%d" style="edgeStyle=orthogonalEdgeStyle;html=1;endArrow=block;endFill=1;strokeColor=#545B64;" edge="1" parent="1" source="%s" target="%s"><mxGeometry relative="1" as="geometry"/></mxCell>`,
			i, id(e[0]), id(e[1]))
	}
	return fmt.Sprintf(`<mxfile host="tastylog-plan"><diagram name=%q id="tastylog"><mxGraphModel grid="1" gridSize="10" page="1" pageWidth="1600" pageHeight="1200"><root><mxCell id="0"/><mxCell id="1" parent="0"/>%s</root></mxGraphModel></diagram></mxfile>
`, html.EscapeString(title), "\n"+strings.Join(cells, "\n")+"\n")
}
