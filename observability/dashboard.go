package observability

import (
	"encoding/json"
	"slices"

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
	Region, Alb, TargetGroup, Db, Distribution string
	// Group is the Auto Scaling group (ec2 mode); Cluster and Service the ECS service (fargate mode).
	Group, Cluster, Service string
	// Api, Stage, Queue, DeadLetters and Function are the batch path's, "" without one.
	Api, Stage, Queue, DeadLetters, Function string
}

// appWidgets are the widgets of what runs the app, as (title, statistic, metrics).
func appWidgets(ids dashboardIDs, metric func(namespace, name string, dims []any) []any) []struct {
	title, stat string
	metrics     [][]any
} {
	type spec = struct {
		title, stat string
		metrics     [][]any
	}
	if ids.Service != "" {
		service := []any{"ClusterName", ids.Cluster, "ServiceName", ids.Service}
		return []spec{
			{"App tasks CPU and memory %", "Average", [][]any{
				metric("AWS/ECS", "CPUUtilization", service),
				metric("AWS/ECS", "MemoryUtilization", service),
			}},
			{"App tasks running and desired", "Minimum", [][]any{
				metric("ECS/ContainerInsights", "RunningTaskCount", service),
				metric("ECS/ContainerInsights", "DesiredTaskCount", service),
			}},
		}
	}
	group := []any{"AutoScalingGroupName", ids.Group}
	return []spec{
		{"App servers CPU % and count", "Average", [][]any{
			metric("AWS/EC2", "CPUUtilization", group),
			metric("AWS/AutoScaling", "GroupInServiceInstances", group),
		}},
		{"App servers memory and disk %", "Average", [][]any{
			metric(agentNamespace, "mem_used_percent", group),
			metric(agentNamespace, "disk_used_percent", group),
		}},
	}
}

// panel is one widget's title, region, statistic and metrics.
type panel struct {
	title, region, stat string
	metrics             [][]any
}

// dashboard lays out the metrics the alarms watch, two widgets a row.
func dashboard(ids dashboardIDs) (string, error) {
	alb := []any{"LoadBalancer", ids.Alb}
	target := []any{"LoadBalancer", ids.Alb, "TargetGroup", ids.TargetGroup}
	metric := func(namespace, name string, dims []any) []any {
		return append([]any{namespace, name}, dims...)
	}
	specs := []panel{
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
	// The app's widgets come after the load balancer's three, in the second row.
	var app []panel
	for _, w := range appWidgets(ids, metric) {
		app = append(app, panel{w.title, ids.Region, w.stat, w.metrics})
	}
	specs = slices.Insert(specs, 3, app...)
	if ids.Function != "" {
		api := []any{"ApiName", ids.Api, "Stage", ids.Stage}
		fn := []any{"FunctionName", ids.Function}
		specs = append(specs,
			panel{"Jobs API requests, 4xx and 5xx", ids.Region, "Sum", [][]any{
				metric("AWS/ApiGateway", "Count", api), metric("AWS/ApiGateway", "4XXError", api), metric("AWS/ApiGateway", "5XXError", api),
			}},
			panel{"Jobs waiting, oldest (s), dead letters", ids.Region, "Maximum", [][]any{
				metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", []any{"QueueName", ids.Queue}),
				metric("AWS/SQS", "ApproximateAgeOfOldestMessage", []any{"QueueName", ids.Queue}),
				metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", []any{"QueueName", ids.DeadLetters}),
			}},
			panel{"Worker invocations, errors, throttles", ids.Region, "Sum", [][]any{
				metric("AWS/Lambda", "Invocations", fn), metric("AWS/Lambda", "Errors", fn), metric("AWS/Lambda", "Throttles", fn),
			}},
			panel{"Worker duration p95 (ms)", ids.Region, "p95", [][]any{metric("AWS/Lambda", "Duration", fn)}},
		)
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
	// The app's ids: the group's name, or the cluster's and the service's.
	app := pulumi.StringArray{a.AutoScalingGroupName}
	if a.fargate() {
		app = pulumi.StringArray{a.ClusterName, a.ServiceName}
	}
	appIDs := len(app)
	if w := a.Batch; w != nil {
		app = append(app, w.ApiName, w.Stage, w.QueueName, w.DeadLetterQueueName, w.FunctionName)
	}
	body := pulumix.Apply5Err(a.AlbArnSuffix.ToStringOutput(), a.TargetGroupArnSuffix.ToStringOutput(),
		app.ToStringArrayOutput(), a.DbIdentifier.ToStringOutput(), a.DistributionId.ToStringOutput(),
		func(alb, tg string, app []string, db, cdn string) (string, error) {
			ids := dashboardIDs{Region: a.Region, Alb: alb, TargetGroup: tg, Db: db, Distribution: cdn}
			if a.fargate() {
				ids.Cluster, ids.Service = app[0], app[1]
			} else {
				ids.Group = app[0]
			}
			if rest := app[appIDs:]; len(rest) == 5 {
				ids.Api, ids.Stage, ids.Queue, ids.DeadLetters, ids.Function = rest[0], rest[1], rest[2], rest[3], rest[4]
			}
			return dashboard(ids)
		}).Untyped().(pulumi.StringOutput)
	var err error
	b.dashboard, err = cloudwatch.NewDashboard(b.ctx, b.name+"-dashboard", &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(b.name),
		DashboardBody: body,
	}, b.opts...)
	return err
}
