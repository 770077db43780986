package pricing

import (
	"strings"
	"testing"
)

// A small graph: a NAT gateway and its address, two servers from a launch template, a Multi-AZ database,
// an internet-facing load balancer in two subnets, a Spot task, an interface endpoint in one AZ.
func graph() []Resource {
	return []Resource{
		{Type: "aws:ec2/natGateway:NatGateway", Name: "nat"},
		{Type: "aws:ec2/eip:Eip", Name: "eip"},
		{Type: "aws:ec2/launchTemplate:LaunchTemplate", Name: "lt", ID: "lt-id", Inputs: map[string]any{"instanceType": "t4g.small",
			"blockDeviceMappings": []any{map[string]any{"ebs": map[string]any{"volumeSize": 20.0}}}}},
		{Type: "aws:autoscaling/group:Group", Name: "asg", Inputs: map[string]any{"desiredCapacity": 2.0, "launchTemplate": map[string]any{"id": "lt-id"}}},
		{Type: "aws:rds/instance:Instance", Name: "db", Inputs: map[string]any{"instanceClass": "db.t4g.medium", "multiAz": true, "allocatedStorage": 50.0}},
		{Type: "aws:lb/loadBalancer:LoadBalancer", Name: "alb", Inputs: map[string]any{"internal": false, "subnets": []any{"a", "b"}}},
		{Type: "aws:ecs/taskDefinition:TaskDefinition", Name: "td", Inputs: map[string]any{"family": "app", "cpu": "512", "memory": "1024",
			"runtimePlatform": map[string]any{"cpuArchitecture": "ARM64"}}},
		{Type: "aws:ecs/service:Service", Name: "svc", Inputs: map[string]any{"desiredCount": 3.0, "taskDefinition": "arn:task-definition/app"}},
		{Type: "aws:ec2/vpcEndpoint:VpcEndpoint", Name: "ssm", Inputs: map[string]any{"vpcEndpointType": "Interface", "subnetIds": []any{"a"}}},
		{Type: "aws:ec2/vpcEndpoint:VpcEndpoint", Name: "s3", Inputs: map[string]any{"vpcEndpointType": "Gateway"}},
		{Type: "aws:ec2/vpc:Vpc", Name: "vpc"},
	}
}

func line(t *testing.T, b Bill, prefix string) Line {
	t.Helper()
	for _, l := range b.Lines {
		if strings.HasPrefix(l.Item, prefix) {
			return l
		}
	}
	t.Fatalf("no line %q in %+v", prefix, b.Lines)
	return Line{}
}

func TestEstimatePricesWhatTheGraphCreates(t *testing.T) {
	b := Estimate("ap-northeast-1", graph(), DefaultUsage())
	if len(b.Unpriced) > 0 {
		t.Fatalf("Unpriced = %v", b.Unpriced)
	}
	for prefix, want := range map[string]float64{
		"NAT gateway nat":               45.26,  // 730 x 0.062
		"Public IPv4 address eip":       3.65,   // 730 x 0.005
		"Instances of asg (t4g.small)":  31.54,  // 2 x 730 x 0.0216
		"Root volumes of asg":           3.84,   // 2 x 20 x 0.096
		"Database db (db.t4g.medium":    164.98, // 2 x 730 x 0.113
		"Database storage db":           13.8,   // 2 x 50 x 0.138
		"Load balancer alb":             17.74,  // 730 x 0.0243
		"Public IPv4 addresses of alb":  7.3,    // 2 x 730 x 0.005
		"Tasks of svc (0.5 vCPU, 1 GB":  round(3 * 730 * (0.04045*0.5 + 0.00442*1)),
		"Interface endpoint ssm (1 AZ)": 10.22, // 730 x 0.014
		"NAT gateway data processed":    0.31,  // 5 GB x 0.062
		"Load balancer capacity units":  5.84,  // 1 LCU x 730 x 0.008
		"Data out to the internet":      0.57,  // 5 GB x 0.114
	} {
		if got := line(t, b, prefix).USD; got != want {
			t.Errorf("%s = %.2f, want %.2f", prefix, got, want)
		}
	}
	if line(t, b, "NAT gateway nat").Usage || !line(t, b, "NAT gateway data processed").Usage {
		t.Error("hourly items are fixed, traffic is usage")
	}
	for _, l := range b.Lines {
		if strings.Contains(l.Item, "s3") || strings.Contains(l.Item, "vpc") {
			t.Errorf("%s is free", l.Item)
		}
	}
}

func TestSpotShareAndArchitecture(t *testing.T) {
	g := graph()
	g[7].Inputs["capacityProviderStrategies"] = []any{map[string]any{"capacityProvider": "FARGATE_SPOT"}}
	g[6].Inputs["runtimePlatform"] = map[string]any{"cpuArchitecture": "X86_64"}
	u := DefaultUsage()
	u.SpotShare = 0.5
	l := line(t, Estimate("ap-northeast-1", g, u), "Tasks of svc")
	if want := round(3 * 730 * (0.05056*0.5 + 0.00553*1) * 0.5); l.USD != want || !strings.Contains(l.Item, "Spot") {
		t.Errorf("Spot x86 tasks = %+v, want $%.2f", l, want)
	}
}

// A type the estimate knows neither a price for nor a reason to be free is reported, never silently $0.
func TestUnknownTypesAreReported(t *testing.T) {
	g := append(graph(), Resource{Type: "aws:elasticache/cluster:Cluster", Name: "cache"},
		Resource{Type: "aws:rds/instance:Instance", Name: "big", Inputs: map[string]any{"instanceClass": "db.r9g.huge"}})
	b := Estimate("ap-northeast-1", g, DefaultUsage())
	want := []string{"aws:elasticache/cluster:Cluster", "database class db.r9g.huge in ap-northeast-1"}
	if strings.Join(b.Unpriced, "|") != strings.Join(want, "|") {
		t.Errorf("Unpriced = %v, want %v", b.Unpriced, want)
	}
}

func TestMarkdownTotals(t *testing.T) {
	b := Bill{Lines: []Line{{Item: "a", How: "x", USD: 1.5}, {Item: "b", How: "y", USD: 2.25, Usage: true}, {Item: "c", How: "z", USD: 3}}}
	md := b.Markdown()
	for _, want := range []string{"| c | z | $3.00 |\n| a | x | $1.50 |\n| **by the hour and the month** | | **$4.50** |\n| b | y | $2.25 |", "| **total** | | **$6.75** |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown() =\n%s\nwant it to contain\n%s", md, want)
		}
	}
}

// Every price names its source, and every region's table has what a stack there needs.
func TestPricesHaveSources(t *testing.T) {
	for region, table := range prices {
		for key, p := range table {
			if p.USD <= 0 || !strings.HasPrefix(p.Source, "https://aws.amazon.com/") || p.Unit == "" {
				t.Errorf("%s %s = %+v", region, key, p)
			}
		}
	}
	for _, key := range []string{NatGatewayHour, ALBHour, RDSgp3GBMonth, FargateVCPUHourArm, EndpointAZHour, LogsIngestGB} {
		if _, ok := Lookup("ap-northeast-1", key); !ok {
			t.Errorf("ap-northeast-1 lacks %s", key)
		}
	}
}

func TestSetUsage(t *testing.T) {
	u := DefaultUsage()
	if err := u.SetUsage("cloudfrontgb", "100"); err != nil || u.CloudFrontGB != 100 {
		t.Errorf("SetUsage = %v, CloudFrontGB %v", err, u.CloudFrontGB)
	}
	if err := u.SetUsage("Jobs", "250000"); err != nil || u.Jobs != 250000 {
		t.Errorf("SetUsage = %v, Jobs %v", err, u.Jobs)
	}
	if err := u.SetUsage("visitors", "1"); err == nil || !strings.Contains(err.Error(), "known: ALBLCUs") {
		t.Errorf("SetUsage(visitors) = %v", err)
	}
	if err := u.SetUsage("S3GB", "-1"); err == nil {
		t.Error("a negative assumption is refused")
	}
}
