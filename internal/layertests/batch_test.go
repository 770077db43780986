package layertests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/batch"
	"github.com/tastylog/infra/internal/batchspec"
	"github.com/tastylog/infra/internal/obsspec"
	"github.com/tastylog/infra/internal/testkit"
	"github.com/tastylog/infra/observability"
)

const (
	typeRestApi     = "aws:apigateway/restApi:RestApi"
	typeApiMethod   = "aws:apigateway/method:Method"
	typeIntegration = "aws:apigateway/integration:Integration"
	typeIntResponse = "aws:apigateway/integrationResponse:IntegrationResponse"
	typeMethodResp  = "aws:apigateway/methodResponse:MethodResponse"
	typeQueue       = "aws:sqs/queue:Queue"
	typeFunction    = "aws:lambda/function:Function"
	typeESM         = "aws:lambda/eventSourceMapping:EventSourceMapping"
	resultsBucket   = "tastylog-dev-results-" + account
)

func batchArgs(mutate ...func(*batch.Args)) *batch.Args {
	spec := batchspec.Default()
	spec.Batch = true
	a := &batch.Args{Spec: spec, Region: "ap-northeast-1", AccountId: account, Env: "dev", LogGroupPrefix: "/tastylog/dev",
		LogRetentionDays: 7, ResultsBucketName: pulumi.String(resultsBucket)}
	for _, f := range mutate {
		f(a)
	}
	return a
}

func batchRun(t *testing.T, a *batch.Args) (*testkit.Mocks, *batch.Batch) {
	t.Helper()
	m := testkit.New("tastylog", "dev", a.Region)
	return m, testkit.RunComponent(t, m, a.Region, func(ctx *pulumi.Context, p testkit.Providers) (*batch.Batch, error) {
		return batch.New(ctx, componentName, a, pulumi.Providers(p.App))
	})
}

// The notebook's four stages: the method request validates and authenticates, the integration request
// sends to SQS with a role, the integration responses map the queue's answers to the method responses.
func TestBatchApiStages(t *testing.T) {
	m, b := batchRun(t, batchArgs())
	api := m.One(t, typeRestApi, "tastylog-dev-batch-api")
	assert.Equal(t, "REGIONAL", api.Input("endpointConfiguration").(map[string]any)["types"])
	assert.False(t, api.Bool("disableExecuteApiEndpoint"), "no domain: the execute-api URL is the way in")

	method := m.One(t, typeApiMethod, "tastylog-dev-batch-api-post-jobs")
	assert.Equal(t, "POST", method.Str("httpMethod"))
	assert.True(t, method.Bool("apiKeyRequired"))
	assert.Equal(t, "NONE", method.Str("authorization"))
	assert.Equal(t, map[string]any{"application/json": "Job"}, method.Input("requestModels"))
	assert.NotEmpty(t, method.Str("requestValidatorId"))
	assert.True(t, m.One(t, "aws:apigateway/requestValidator:RequestValidator", "tastylog-dev-batch-api-validator").Bool("validateRequestBody"))
	var schema map[string]any
	require.NoError(t, json.Unmarshal([]byte(m.One(t, "aws:apigateway/model:Model", "tastylog-dev-batch-api-job-model").Str("schema")), &schema))
	assert.Equal(t, false, schema["additionalProperties"], "nothing but a job")
	assert.Equal(t, []any{"kind"}, schema["required"])

	integration := m.One(t, typeIntegration, "tastylog-dev-batch-api-post-jobs-sqs")
	assert.Equal(t, "AWS", integration.Str("type"), "straight to SQS: no Lambda in the request path")
	assert.Equal(t, "arn:aws:apigateway:ap-northeast-1:sqs:path/"+account+"/tastylog-dev-jobs", integration.Str("uri"))
	assert.Equal(t, "NEVER", integration.Str("passthroughBehavior"), "only the mapped content type reaches the queue")
	assert.Contains(t, integration.Input("requestTemplates").(map[string]any)["application/json"], "Action=SendMessage&MessageBody=$util.urlEncode($input.body)")
	assert.Equal(t, "'application/x-www-form-urlencoded'", integration.Input("requestParameters").(map[string]any)["integration.request.header.Content-Type"])
	role := m.One(t, typeRole, "tastylog-dev-batch-api-role")
	assert.Equal(t, role.ID, strings.TrimPrefix(integration.Str("credentials"), "arn:aws:mock:::aws:iam/role:Role/"))
	st := statements(t, m.One(t, typeRolePolicy, "tastylog-dev-batch-api-policy").Str("policy"))
	assert.Equal(t, []string{"sqs:SendMessage"}, st["SendJobs"].Action)
	assert.Equal(t, []string{"arn:aws:sqs:ap-northeast-1:" + account + ":tastylog-dev-jobs"}, st["SendJobs"].Resource, "this queue only")

	status := map[string]string{}
	for _, r := range m.ByType(typeIntResponse) {
		status[r.Str("statusCode")] = r.Str("selectionPattern")
	}
	assert.Equal(t, map[string]string{"202": "", "400": `4\d{2}`, "500": `5\d{2}`}, status)
	accepted := m.One(t, typeIntResponse, "tastylog-dev-batch-api-post-jobs-sqs-202")
	assert.Contains(t, accepted.Input("responseTemplates").(map[string]any)["application/json"], "SendMessageResponse.SendMessageResult")
	var methodStatus []string
	for _, r := range m.ByType(typeMethodResp) {
		methodStatus = append(methodStatus, r.Str("statusCode"))
	}
	assert.ElementsMatch(t, []string{"202", "400", "500"}, methodStatus)
	var gateway []string
	for _, r := range m.ByType("aws:apigateway/response:Response") {
		gateway = append(gateway, r.Str("responseType"))
		var probe map[string]any
		tpl := strings.NewReplacer("$context.error.messageString", `"x"`).Replace(r.Input("responseTemplates").(map[string]any)["application/json"].(string))
		assert.NoError(t, json.Unmarshal([]byte(tpl), &probe), "%s answers JSON", r.Name)
	}
	assert.ElementsMatch(t, []string{"BAD_REQUEST_BODY", "DEFAULT_4XX", "DEFAULT_5XX"}, gateway)

	stage := m.One(t, "aws:apigateway/stage:Stage", "tastylog-dev-batch-api-v1")
	assert.Equal(t, "v1", stage.Str("stageName"))
	logs := stage.Input("accessLogSettings").(map[string]any)
	assert.Equal(t, "arn:aws:logs:ap-northeast-1:"+account+":log-group:/tastylog/dev/batch-api", logs["destinationArn"])
	var line map[string]any
	assert.NoError(t, json.Unmarshal([]byte(logs["format"].(string)), &line), "one JSON line a request")
	assert.Contains(t, stage.DependsOn, m.One(t, "aws:apigateway/account:Account", "tastylog-dev-apigateway-account").URN, "the account's log role first")
	settings := m.One(t, "aws:apigateway/methodSettings:MethodSettings", "tastylog-dev-batch-api-v1-settings").Input("settings").(map[string]any)
	assert.EqualValues(t, 10, settings["throttlingRateLimit"])
	assert.EqualValues(t, 20, settings["throttlingBurstLimit"])
	assert.Equal(t, "ERROR", settings["loggingLevel"])
	assert.Equal(t, false, settings["dataTraceEnabled"], "no request bodies in logs")

	plan := m.One(t, "aws:apigateway/usagePlan:UsagePlan", "tastylog-dev-batch-plan")
	assert.EqualValues(t, 10000, plan.Input("quotaSettings").(map[string]any)["limit"])
	assert.Equal(t, "DAY", plan.Input("quotaSettings").(map[string]any)["period"])
	m.One(t, "aws:apigateway/usagePlanKey:UsagePlanKey", "tastylog-dev-batch-key-plan")
	keyID, err := testkit.Await(b.ApiKeyId)
	require.NoError(t, err)
	assert.Equal(t, "tastylog-dev-batch-key-id", keyID)
	url, err := testkit.Await(b.ApiUrl)
	require.NoError(t, err)
	assert.True(t, strings.HasSuffix(url.(string), ".execute-api.ap-northeast-1.amazonaws.com/v1/jobs"), url)

	for _, r := range []string{"tastylog-dev-apigateway-logs-role", "tastylog-dev-apigateway-account"} {
		res := m.Find(typeRole, r)
		if res == nil {
			res = m.One(t, "aws:apigateway/account:Account", r)
		}
		assert.True(t, res.RetainOnDelete, "%s is account-wide: kept when the stack goes", r)
	}
}

// IAM auth: a signed request, no key, no usage plan.
func TestBatchIamAuth(t *testing.T) {
	m, b := batchRun(t, batchArgs(func(a *batch.Args) { a.Auth = batchspec.AuthIam }))
	method := m.One(t, typeApiMethod, "tastylog-dev-batch-api-post-jobs")
	assert.Equal(t, "AWS_IAM", method.Str("authorization"))
	assert.False(t, method.Bool("apiKeyRequired"))
	assert.Empty(t, m.ByType("aws:apigateway/usagePlan:UsagePlan"))
	assert.Empty(t, m.ByType("aws:apigateway/apiKey:ApiKey"))
	id, err := testkit.Await(b.ApiKeyId)
	require.NoError(t, err)
	assert.Empty(t, id)
}

// The queue redrives to the dead-letter queue, which keeps 14 days and takes redrives from it alone; both
// are encrypted; the queue policy admits the API's role and the schedule's rule.
func TestBatchQueues(t *testing.T) {
	m, _ := batchRun(t, batchArgs(func(a *batch.Args) { a.MaxReceives = 3 }))
	queue := m.One(t, typeQueue, "tastylog-dev-jobs")
	dlq := m.One(t, typeQueue, "tastylog-dev-jobs-dlq")
	for _, q := range []*testkit.Resource{queue, dlq} {
		assert.True(t, q.Bool("sqsManagedSseEnabled"), "%s is encrypted", q.Name)
	}
	assert.Equal(t, 360, queue.Int("visibilityTimeoutSeconds"), "six times the worker's 60 s")
	assert.Equal(t, 20, queue.Int("receiveWaitTimeSeconds"))
	assert.Equal(t, 14*24*3600, dlq.Int("messageRetentionSeconds"))
	var redrive map[string]any
	require.NoError(t, json.Unmarshal([]byte(queue.Str("redrivePolicy")), &redrive))
	assert.Equal(t, "arn:aws:sqs:ap-northeast-1:"+account+":tastylog-dev-jobs-dlq", redrive["deadLetterTargetArn"])
	assert.EqualValues(t, 3, redrive["maxReceiveCount"])
	var allow map[string]any
	require.NoError(t, json.Unmarshal([]byte(m.One(t, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "tastylog-dev-jobs-dlq-redrive-allow").Str("redriveAllowPolicy")), &allow))
	assert.Equal(t, map[string]any{"redrivePermission": "byQueue", "sourceQueueArns": []any{"arn:aws:sqs:ap-northeast-1:" + account + ":tastylog-dev-jobs"}}, allow)

	st := statements(t, m.One(t, "aws:sqs/queuePolicy:QueuePolicy", "tastylog-dev-jobs-policy").Str("policy"))
	assert.Equal(t, []string{"arn:aws:mock:::aws:iam/role:Role/tastylog-dev-batch-api-role-abc1234"}, st["FromTheApi"].Principal["AWS"])
	assert.Equal(t, []string{"events.amazonaws.com"}, st["FromTheSchedule"].Principal["Service"])
	assert.Equal(t, []string{"arn:aws:events:ap-northeast-1:" + account + ":rule/tastylog-dev-batch-schedule-abc1234"},
		st["FromTheSchedule"].Condition["ArnEquals"]["aws:SourceArn"], "only this stack's rule")
	assert.Equal(t, "Deny", st["DenyInsecureTransport"].Effect)
	assert.Len(t, st, 3, "nobody else is admitted")

	rule := m.One(t, "aws:cloudwatch/eventRule:EventRule", "tastylog-dev-batch-schedule")
	assert.Equal(t, "cron(0 18 * * ? *)", rule.Str("scheduleExpression"))
	target := m.One(t, "aws:cloudwatch/eventTarget:EventTarget", "tastylog-dev-batch-schedule-jobs")
	assert.Equal(t, "arn:aws:sqs:ap-northeast-1:"+account+":tastylog-dev-jobs", target.Str("arn"))
	assert.JSONEq(t, batch.ScheduledJob, target.Str("input"))
}

// No schedule: no rule, and the queue policy admits the API alone.
func TestBatchWithoutSchedule(t *testing.T) {
	m, _ := batchRun(t, batchArgs(func(a *batch.Args) { a.Schedule = "" }))
	assert.Empty(t, m.ByType("aws:cloudwatch/eventRule:EventRule"))
	st := statements(t, m.One(t, "aws:sqs/queuePolicy:QueuePolicy", "tastylog-dev-jobs-policy").Str("policy"))
	assert.NotContains(t, st, "FromTheSchedule")
}

// The worker: arm64 Node.js from this repository's code, its own log group, partial batch responses, and a
// role that may do exactly its job.
func TestBatchWorker(t *testing.T) {
	m, _ := batchRun(t, batchArgs(func(a *batch.Args) {
		a.Size, a.WindowSeconds, a.VisibilityTimeout, a.MaxConcurrency, a.ReservedConcurrency = 50, 10, 370, 4, 4
		a.KeyArn = pulumi.String("arn:aws:kms:ap-northeast-1:" + account + ":key/stack")
	}))
	fn := m.One(t, typeFunction, "tastylog-dev-batch-worker")
	assert.Equal(t, "nodejs22.x", fn.Str("runtime"))
	assert.Equal(t, []string{"arm64"}, fn.Strings("architectures"))
	assert.Equal(t, "index.handler", fn.Str("handler"))
	assert.Equal(t, 60, fn.Int("timeout"))
	assert.Equal(t, 4, fn.Int("reservedConcurrentExecutions"))
	logging := fn.Input("loggingConfig").(map[string]any)
	assert.Equal(t, "/tastylog/dev/batch-worker", logging["logGroup"])
	assert.Equal(t, "JSON", logging["logFormat"])
	env := fn.Input("environment").(map[string]any)["variables"].(map[string]any)
	assert.Equal(t, resultsBucket, env["RESULTS_BUCKET"])
	assert.Equal(t, batch.ResultsPrefix, env["RESULTS_PREFIX"])
	assert.Contains(t, fn.DependsOn, m.One(t, typeLogGroup, "tastylog-dev-batch-worker-logs").URN, "its log group first")
	assert.Equal(t, 7, m.One(t, typeLogGroup, "tastylog-dev-batch-worker-logs").Int("retentionInDays"))

	esm := m.One(t, typeESM, "tastylog-dev-batch-worker-jobs")
	assert.Equal(t, "arn:aws:sqs:ap-northeast-1:"+account+":tastylog-dev-jobs", esm.Str("eventSourceArn"))
	assert.Equal(t, []string{"ReportBatchItemFailures"}, esm.Strings("functionResponseTypes"))
	assert.Equal(t, 50, esm.Int("batchSize"))
	assert.Equal(t, 10, esm.Int("maximumBatchingWindowInSeconds"))
	assert.EqualValues(t, 4, esm.Input("scalingConfig").(map[string]any)["maximumConcurrency"])
	assert.Contains(t, esm.DependsOn, m.One(t, typeRolePolicy, "tastylog-dev-batch-worker-policy").URN, "Lambda checks the role when the mapping is created")

	st := statements(t, m.One(t, typeRolePolicy, "tastylog-dev-batch-worker-policy").Str("policy"))
	assert.Equal(t, []string{"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/dev/batch-worker:*"}, st["WriteOwnLogs"].Resource)
	assert.Equal(t, []string{"arn:aws:sqs:ap-northeast-1:" + account + ":tastylog-dev-jobs"}, st["TakeJobs"].Resource)
	assert.NotContains(t, st["TakeJobs"].Action, "sqs:SendMessage")
	assert.Equal(t, []string{"arn:aws:s3:::" + resultsBucket + "/results/*"}, st["WriteResults"].Resource, "this bucket's results prefix only")
	assert.Equal(t, []string{"s3.ap-northeast-1.amazonaws.com"}, st["EncryptResults"].Condition["StringEquals"]["kms:ViaService"])
	assert.Len(t, st, 4)
}

// With a domain the API answers at api-{env}.{domain} alone.
func TestBatchDomain(t *testing.T) {
	m, b := batchRun(t, batchArgs(func(a *batch.Args) { a.Domain, a.HostedZoneId = "example.com", pulumi.String("Z0MOCKEXAMPLECOM") }))
	assert.True(t, m.One(t, typeRestApi, "tastylog-dev-batch-api").Bool("disableExecuteApiEndpoint"))
	dn := m.One(t, "aws:apigateway/domainName:DomainName", "tastylog-dev-batch-api-domain")
	assert.Equal(t, "api-dev.example.com", dn.Str("domainName"))
	assert.Equal(t, "TLS_1_2", dn.Str("securityPolicy"))
	assert.Equal(t, "api-dev.example.com", m.One(t, "aws:acm/certificate:Certificate", "tastylog-dev-batch-api-cert").Str("domainName"))
	alias := m.One(t, "aws:route53/record:Record", "tastylog-dev-batch-api-domain-alias")
	assert.Equal(t, "Z0MOCKEXAMPLECOM", alias.Str("zoneId"))
	url, err := testkit.Await(b.ApiUrl)
	require.NoError(t, err)
	assert.Equal(t, "https://api-dev.example.com/jobs", url)
}

func TestBatchNewRejectsInvalidArgs(t *testing.T) {
	m := testkit.New("tastylog", "dev", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := batch.New(ctx, componentName, batchArgs(func(a *batch.Args) { a.VisibilityTimeout = 100 }))
		return err
	})
	assert.ErrorContains(t, err, `batchVisibilityTimeout: "100" is shorter than 6 x batchFunctionTimeout + batchWindowSeconds = 360 s`)
	assert.Empty(t, m.All())
}

// Every child of the layer is parented and on the stack's provider.
func TestBatchEveryChildIsParentedAndOnTheProvider(t *testing.T) {
	m, _ := batchRun(t, batchArgs())
	component := m.One(t, batch.Type, componentName)
	for _, r := range m.All() {
		if r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			assert.Equal(t, component.URN, r.Parent, "%s is the layer's child", r.Name)
			assert.NotEmpty(t, r.Provider, "%s uses the explicit provider", r.Name)
		}
	}
}

// With the batch path, six alarms watch it, on this stack's queue, worker and API.
func TestBatchAlarms(t *testing.T) {
	a := obsArgs(obsspec.Default())
	a.Batch = &observability.BatchWatch{ApiName: pulumi.String("tastylog-dev-batch-api"), Stage: pulumi.String("v1"),
		QueueName: pulumi.String("tastylog-dev-jobs"), DeadLetterQueueName: pulumi.String("tastylog-dev-jobs-dlq"),
		FunctionName: pulumi.String("tastylog-dev-batch-worker")}
	m, _ := obsRun(t, a)
	want := map[string]struct {
		metric string
		dims   map[string]any
	}{
		"batch-dead-letters":     {"ApproximateNumberOfMessagesVisible", map[string]any{"QueueName": "tastylog-dev-jobs-dlq"}},
		"batch-oldest-job":       {"ApproximateAgeOfOldestMessage", map[string]any{"QueueName": "tastylog-dev-jobs"}},
		"batch-worker-errors":    {"Errors", map[string]any{"FunctionName": "tastylog-dev-batch-worker"}},
		"batch-worker-throttles": {"Throttles", map[string]any{"FunctionName": "tastylog-dev-batch-worker"}},
		"batch-api-5xx":          {"5XXError", map[string]any{"ApiName": "tastylog-dev-batch-api", "Stage": "v1"}},
		"batch-api-latency-p95":  {"Latency", map[string]any{"ApiName": "tastylog-dev-batch-api", "Stage": "v1"}},
	}
	for key, w := range want {
		alarm := m.One(t, typeAlarm, componentName+"-"+key)
		assert.Equal(t, w.metric, alarm.Str("metricName"), key)
		assert.Equal(t, w.dims, alarm.Input("dimensions"), key)
		assert.Equal(t, []string{"arn:aws:sns:ap-northeast-1:" + account + ":tastylog-dev-alerts"}, alarm.Strings("alarmActions"), key)
	}
	body := m.One(t, "aws:cloudwatch/dashboard:Dashboard", componentName+"-dashboard").Str("dashboardBody")
	for _, widget := range []string{"Jobs API requests", "Jobs waiting", "Worker invocations", "Worker duration"} {
		assert.Contains(t, body, widget)
	}
	m, _ = obsRun(t, obsArgs(obsspec.Default()))
	assert.Nil(t, m.Find(typeAlarm, componentName+"-batch-dead-letters"))
}
