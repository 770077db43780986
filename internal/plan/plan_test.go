package plan

import (
	"encoding/xml"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/tastylog/infra/internal/pricing"
)

// res is a custom resource of a hand-made graph, in layer parent, waiting for deps.
func res(typ, name, parent string, inputs map[string]any, deps ...string) Resource {
	return Resource{Resource: pricing.Resource{Type: typ, Name: name, ID: name + "-id", Inputs: inputs},
		URN: "urn:" + name, Parent: parent, DependsOn: deps, Custom: true}
}

func component(typ, name string) Resource {
	return Resource{Resource: pricing.Resource{Type: typ, Name: name}, URN: "urn:" + name}
}

// A small stack: a VPC, a subnet, a Multi-AZ database, its settings, a service that waits for them, a NAT
// gateway beside it all; the data layer's component is a dependency of the service.
func small() []Resource {
	return []Resource{
		component("tastylog:index:Network", "net"),
		component("tastylog:index:Data", "data"),
		res("aws:ec2/vpc:Vpc", "vpc", "urn:net", nil),
		res("aws:ec2/subnet:Subnet", "subnet", "urn:net", nil, "urn:vpc"),
		res("aws:ec2/eip:Eip", "eip", "urn:net", nil),
		res("aws:ec2/natGateway:NatGateway", "nat", "urn:net", nil, "urn:subnet", "urn:eip"),
		res("aws:rds/instance:Instance", "db", "urn:data", map[string]any{"instanceClass": "db.t4g.micro", "multiAz": true, "allocatedStorage": 20.0}, "urn:subnet"),
		res("aws:ssm/parameter:Parameter", "host", "urn:data", nil, "urn:db"),
		res("aws:ecs/service:Service", "svc", "", map[string]any{"waitForSteadyState": true}, "urn:data"),
		{Resource: pricing.Resource{Type: "pulumi:providers:aws", Name: "aws-app"}, URN: "urn:aws-app", Custom: true},
	}
}

func TestCriticalPath(t *testing.T) {
	r := Build("dev", "ap-northeast-1", small(), pricing.DefaultUsage())
	var names []string
	for _, s := range r.Path.Steps {
		names = append(names, s.Name)
	}
	// vpc 5 + subnet 5 + db 900 (Multi-AZ) + host 5 (the data component, so the service waits for it)
	// + service 240; the NAT gateway (5 + 5 + 120) is off the path.
	if got := strings.Join(names, " > "); got != "vpc > subnet > db > host > svc" {
		t.Errorf("path = %s", got)
	}
	if r.Path.Seconds != 5+5+900+5+240 {
		t.Errorf("path = %d s, want %d", r.Path.Seconds, 5+5+900+5+240)
	}
	if strings.Join(r.DatabaseWaiters, ",") != "host,svc" {
		t.Errorf("waiting on the database: %v", r.DatabaseWaiters)
	}
	if r.Count != 7 {
		t.Errorf("Count = %d, want 7 (no components, no providers)", r.Count)
	}
	if len(r.Layers) != 3 || r.Layers[0].Layer != "network" || r.Layers[1].Layer != "data" || r.Layers[2].Layer != "stack" {
		t.Errorf("layers = %+v", r.Layers)
	}
}

// The bill of the hand-made graph, exactly: the NAT gateway and its address, the Multi-AZ micro database.
func TestBillOfASmallGraph(t *testing.T) {
	r := Build("dev", "ap-northeast-1", small(), pricing.DefaultUsage())
	// NAT 730 x 0.062 = 45.26; IPv4 730 x 0.005 = 3.65; db 2 x 730 x 0.028 = 40.88; storage 2 x 20 x 0.138 = 5.52
	if got := r.Bill.Fixed(); math.Round(got*100) != math.Round((45.26+3.65+40.88+5.52)*100) {
		t.Errorf("fixed = %.2f, want %.2f", got, 45.26+3.65+40.88+5.52)
	}
	if len(r.Bill.Unpriced) != 1 || !strings.Contains(r.Bill.Unpriced[0], "task definition of svc") {
		t.Errorf("Unpriced = %v: a service without a task definition cannot be priced", r.Bill.Unpriced)
	}
	var dominant bool
	for _, w := range r.Warnings {
		dominant = dominant || strings.HasPrefix(w, "NAT gateway nat is ")
	}
	if !dominant {
		t.Errorf("the NAT gateway is 47%% of the bill: warnings %v", r.Warnings)
	}
}

func TestChoose(t *testing.T) {
	config := map[string]string{"tastylog:natStrategy": "perAz", "tastylog:production": "true", "tastylog:dbMultiAz": "true", "tastylog:vpcEndpoints": "[]"}
	valid := func(c map[string]string) error {
		if c["tastylog:production"] == "true" && c["tastylog:natStrategy"] == "instance" {
			return errors.New("production refuses a NAT instance")
		}
		return nil
	}
	set, skipped := Choose(config, Cheaper, valid)
	if set["tastylog:natStrategy"] != "single" || set["tastylog:dbMultiAz"] != "false" || len(skipped) != 0 {
		t.Errorf("cheaper = %v, skipped %v: the refused instance gives way to one gateway", set, skipped)
	}
	if _, ok := set["tastylog:vpcEndpoints"]; ok {
		t.Error("no endpoints is no change")
	}
	dev := map[string]string{"tastylog:natStrategy": "instance"}
	if set, _ := Choose(dev, Cheaper, valid); set["tastylog:natStrategy"] != "" {
		t.Errorf("a NAT instance is already the cheapest: %v", set)
	}
	set, _ = Choose(map[string]string{"tastylog:vpcEndpoints": `["ssm","logs","ec2"]`, "tastylog:natStrategy": "none"}, Safer, valid)
	if set["tastylog:vpcEndpoints"] != "" || set["tastylog:natStrategy"] != "" {
		t.Errorf("endpoints already chosen and a stack without NAT are left as they are: %v", set)
	}
	_, skipped = Choose(map[string]string{"tastylog:waf": "true"}, Cheaper, func(c map[string]string) error {
		if c["tastylog:waf"] == "false" {
			return errors.New("production needs a web ACL")
		}
		return nil
	})
	if strings.Join(skipped, ",") != "waf" {
		t.Errorf("skipped = %v", skipped)
	}
}

func TestDiagram(t *testing.T) {
	rs := append(small(),
		res("aws:lb/loadBalancer:LoadBalancer", "alb", "", nil, "urn:subnet"),
		res("aws:lb/targetGroup:TargetGroup", "tg", "", nil, "urn:vpc"),
		res("aws:lb/listener:Listener", "listener", "", nil, "urn:alb", "urn:tg"),
		res("aws:iam/role:Role", "role", "", nil),
		res("aws:ecs/taskDefinition:TaskDefinition", "td", "", nil, "urn:role", "urn:host"),
		res("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm", "", nil, "urn:db", "urn:alb"),
	)
	rs[8].DependsOn = append(rs[8].DependsOn, "urn:td", "urn:tg")
	d := NewDiagram(rs)
	mmd := d.Mermaid()
	for _, want := range []string{
		`subgraph public_tier["public subnets"]`, `nat["NAT gateway"]`, `alb["Internal ALB"]`, `app["App tasks (ECS Fargate)"]`,
		`db["RDS MySQL"]`, "alb --> app", "app --> settings", "settings --> db",
	} {
		if !strings.Contains(mmd, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, mmd)
		}
	}
	for _, not := range []string{"monitoring -->", "app --> alb", "role"} {
		if strings.Contains(mmd, not) {
			t.Errorf("Mermaid has %q (alarms draw no edges; plumbing is left out):\n%s", not, mmd)
		}
	}
	x := d.DrawIO("dev")
	var doc struct {
		Cells []struct {
			ID string `xml:"id,attr"`
		} `xml:"diagram>mxGraphModel>root>mxCell"`
	}
	if err := xml.Unmarshal([]byte(x), &doc); err != nil || len(doc.Cells) < 8 {
		t.Errorf("draw.io file does not parse: %v (%d cells)", err, len(doc.Cells))
	}
	for _, want := range []string{`resIcon=mxgraph.aws4.rds;`, `source="n_alb" target="n_app"`, `grIcon=mxgraph.aws4.group_vpc2`, `<diagram name="dev"`} {
		if !strings.Contains(x, want) {
			t.Errorf("draw.io lacks %q", want)
		}
	}
}
