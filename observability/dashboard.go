package observability

import (
	"encoding/json"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"
)

// The dashboard body, as data.
type (
	dashboardBody struct {
		Widgets []widget `json:"widgets"`
	}
	widget struct {
		Type       string      `json:"type"`
		X          int         `json:"x"`
		Y          int         `json:"y"`
		Width      int         `json:"width"`
		Height     int         `json:"height"`
		Properties widgetProps `json:"properties"`
	}
	widgetProps struct {
		Title   string  `json:"title"`
		Region  string  `json:"region"`
		View    string  `json:"view"`
		Stat    string  `json:"stat"`
		Period  int     `json:"period"`
		Metrics [][]any `json:"metrics"`
	}
)

// dashboardIDs are the resources the dashboard shows.
type dashboardIDs struct {
	Region, Alb, TargetGroup, Group, Db, Distribution string
}

// dashboard lays out the metrics the alarms watch, two widgets a row.
func dashboard(ids dashboardIDs) (string, error) {
	alb := []any{"LoadBalancer", ids.Alb}
	target := []any{"LoadBalancer", ids.Alb, "TargetGroup", ids.TargetGroup}
	metric := func(namespace, name string, dims []any) []any {
		return append([]any{namespace, name}, dims...)
	}
	specs := []struct {
		title, region, stat string
		metrics             [][]any
	}{
		{"Requests and 5xx", ids.Region, "Sum", [][]any{
			metric("AWS/ApplicationELB", "RequestCount", alb),
			metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", alb),
			metric("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", target),
		}},
		{"Response time p95 (s)", ids.Region, "p95", [][]any{metric("AWS/ApplicationELB", "TargetResponseTime", target)}},
		{"Healthy and unhealthy servers", ids.Region, "Minimum", [][]any{
			metric("AWS/ApplicationELB", "HealthyHostCount", target),
			metric("AWS/ApplicationELB", "UnHealthyHostCount", target),
		}},
		{"App servers CPU % and count", ids.Region, "Average", [][]any{
			metric("AWS/EC2", "CPUUtilization", []any{"AutoScalingGroupName", ids.Group}),
			metric("AWS/AutoScaling", "GroupInServiceInstances", []any{"AutoScalingGroupName", ids.Group}),
		}},
		{"App servers memory and disk %", ids.Region, "Average", [][]any{
			metric(agentNamespace, "mem_used_percent", []any{"AutoScalingGroupName", ids.Group}),
			metric(agentNamespace, "disk_used_percent", []any{"AutoScalingGroupName", ids.Group}),
		}},
		{"Database CPU % and connections", ids.Region, "Average", [][]any{
			metric("AWS/RDS", "CPUUtilization", []any{"DBInstanceIdentifier", ids.Db}),
			metric("AWS/RDS", "DatabaseConnections", []any{"DBInstanceIdentifier", ids.Db}),
		}},
		{"Database free storage and memory (bytes)", ids.Region, "Minimum", [][]any{
			metric("AWS/RDS", "FreeStorageSpace", []any{"DBInstanceIdentifier", ids.Db}),
			metric("AWS/RDS", "FreeableMemory", []any{"DBInstanceIdentifier", ids.Db}),
		}},
		// CloudFront publishes only in us-east-1, under Region=Global.
		{"CloudFront requests and 5xx rate %", "us-east-1", "Average", [][]any{
			metric("AWS/CloudFront", "5xxErrorRate", []any{"DistributionId", ids.Distribution, "Region", "Global"}),
			metric("AWS/CloudFront", "4xxErrorRate", []any{"DistributionId", ids.Distribution, "Region", "Global"}),
		}},
	}
	var body dashboardBody
	for i, s := range specs {
		body.Widgets = append(body.Widgets, widget{
			Type: "metric", X: (i % 2) * 12, Y: (i / 2) * 6, Width: 12, Height: 6,
			Properties: widgetProps{Title: s.title, Region: s.region, View: "timeSeries", Stat: s.stat, Period: 300, Metrics: s.metrics},
		})
	}
	b, err := json.Marshal(body)
	return string(b), err
}

// agentNamespace is where the compute layer's CloudWatch agent publishes memory and disk use.
const agentNamespace = "CWAgent"

func (b *builder) buildDashboard() error {
	a := b.args
	body := pulumix.Apply5Err(a.AlbArnSuffix.ToStringOutput(), a.TargetGroupArnSuffix.ToStringOutput(),
		a.AutoScalingGroupName.ToStringOutput(), a.DbIdentifier.ToStringOutput(), a.DistributionId.ToStringOutput(),
		func(alb, tg, group, db, cdn string) (string, error) {
			return dashboard(dashboardIDs{Region: a.Region, Alb: alb, TargetGroup: tg, Group: group, Db: db, Distribution: cdn})
		}).Untyped().(pulumi.StringOutput)
	var err error
	b.dashboard, err = cloudwatch.NewDashboard(b.ctx, b.name+"-dashboard", &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(b.name),
		DashboardBody: body,
	}, b.opts...)
	return err
}
