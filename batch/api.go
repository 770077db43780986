package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/apigateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/batchspec"
	"github.com/tastylog/infra/internal/dnscert"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// JobSchema is the method request's model: a job the worker knows (the kinds are the worker's KINDS),
// nothing else. JSON Schema draft 4, the one API Gateway models take.
const JobSchema = `{
  "$schema": "http://json-schema.org/draft-04/schema#",
  "title": "Job",
  "type": "object",
  "required": ["kind"],
  "additionalProperties": false,
  "properties": {
    "kind": {"type": "string", "enum": ["review-digest", "ping"]},
    "restaurantId": {"type": "string", "pattern": "^[0-9]{1,10}$"},
    "note": {"type": "string", "maxLength": 256}
  }
}`

// The integration request: the body, as it came and validated, becomes one SendMessage of the queue's
// query API; the request id travels with it.
const sendMessageTemplate = `Action=SendMessage&MessageBody=$util.urlEncode($input.body)` +
	`&MessageAttribute.1.Name=requestId&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=$util.urlEncode($context.requestId)`

// The integration responses, by the queue's status, as the method responses the caller sees.
var integrationResponses = []struct {
	status, pattern, template string
}{
	{"202", "", `#set($r = $input.path('$.SendMessageResponse.SendMessageResult'))
{"jobId": "$r.MessageId", "status": "queued"}`},
	{"400", `4\d{2}`, `{"message": "the queue refused the job"}`},
	{"500", `5\d{2}`, `{"message": "the queue is unavailable; retry later"}`},
}

// accessLogFormat is one JSON line per request in the API's access log group.
var accessLogFormat = func() string {
	fields := [][2]string{
		{"requestId", "$context.requestId"}, {"extendedRequestId", "$context.extendedRequestId"},
		{"ip", "$context.identity.sourceIp"}, {"caller", "$context.identity.caller"}, {"apiKeyId", "$context.identity.apiKeyId"},
		{"requestTime", "$context.requestTime"}, {"httpMethod", "$context.httpMethod"}, {"resourcePath", "$context.resourcePath"},
		{"status", "$context.status"}, {"responseLength", "$context.responseLength"}, {"latencyMs", "$context.responseLatency"},
		{"integrationStatus", "$context.integration.status"}, {"integrationError", "$context.integration.error"},
		{"error", "$context.error.message"},
	}
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = fmt.Sprintf("%q:%q", f[0], f[1])
	}
	return "{" + strings.Join(parts, ",") + "}"
}()

// apiLogKey names the API's access log group, /tastylog/{env}/batch-api.
const apiLogKey = "batch-api"

// buildApi creates the REST API: POST /jobs with its four stages (method request with the model and the
// auth, integration request to SQS with a role that may send to this queue only, integration responses,
// method responses), the gateway responses for what never reaches the integration, the stage with access
// logs and throttling, and per auth mode the usage plan and its key. With a domain it also serves
// api-{env}.{domain} from a regional certificate, and the execute-api URL is turned off.
func (b *builder) buildApi() error {
	if err := b.buildApiRole(); err != nil {
		return err
	}
	account, err := b.buildAccountLogging()
	if err != nil {
		return err
	}
	name := b.name + "-batch-api"
	b.api, err = apigateway.NewRestApi(b.ctx, name, &apigateway.RestApiArgs{
		Name:                      pulumi.String(name),
		Description:               pulumi.String("Jobs of " + b.name + ": POST /jobs queues one for the batch worker"),
		EndpointConfiguration:     &apigateway.RestApiEndpointConfigurationArgs{Types: pulumi.String("REGIONAL")},
		DisableExecuteApiEndpoint: pulumi.Bool(b.args.Domain != ""),
		Tags:                      layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	jobs, err := apigateway.NewResource(b.ctx, name+"-jobs", &apigateway.ResourceArgs{
		RestApi: b.api.ID(), ParentId: b.api.RootResourceId, PathPart: pulumi.String("jobs"),
	}, b.opts...)
	if err != nil {
		return err
	}
	model, err := apigateway.NewModel(b.ctx, name+"-job-model", &apigateway.ModelArgs{
		RestApi: b.api.ID(), Name: pulumi.String("Job"), ContentType: pulumi.String("application/json"),
		Description: pulumi.String("A job the batch worker knows"), Schema: pulumi.String(JobSchema),
	}, b.opts...)
	if err != nil {
		return err
	}
	validator, err := apigateway.NewRequestValidator(b.ctx, name+"-validator", &apigateway.RequestValidatorArgs{
		RestApi: b.api.ID(), Name: pulumi.String("body"), ValidateRequestBody: pulumi.Bool(true),
	}, b.opts...)
	if err != nil {
		return err
	}

	// Method request.
	authorization := "NONE"
	if b.args.Auth == batchspec.AuthIam {
		authorization = "AWS_IAM"
	}
	method, err := apigateway.NewMethod(b.ctx, name+"-post-jobs", &apigateway.MethodArgs{
		RestApi: b.api.ID(), ResourceId: jobs.ID(), HttpMethod: pulumi.String("POST"),
		Authorization:      pulumi.String(authorization),
		ApiKeyRequired:     pulumi.Bool(b.args.Auth == batchspec.AuthApiKey),
		RequestModels:      pulumi.StringMap{"application/json": model.Name},
		RequestValidatorId: validator.ID(),
		OperationName:      pulumi.String("SubmitJob"),
	}, b.opts...)
	if err != nil {
		return err
	}
	// Integration request.
	uri := pulumi.Sprintf("arn:aws:apigateway:%s:sqs:path/%s/%s", b.args.Region, b.args.AccountId, b.queue.Name)
	integration, err := apigateway.NewIntegration(b.ctx, name+"-post-jobs-sqs", &apigateway.IntegrationArgs{
		RestApi: b.api.ID(), ResourceId: jobs.ID(), HttpMethod: method.HttpMethod,
		Type: pulumi.String("AWS"), IntegrationHttpMethod: pulumi.String("POST"), Uri: uri, Credentials: b.apiRole.Arn,
		RequestParameters: pulumi.StringMap{
			"integration.request.header.Content-Type": pulumi.String("'application/x-www-form-urlencoded'"),
			"integration.request.header.Accept":       pulumi.String("'application/json'"),
		},
		RequestTemplates:    pulumi.StringMap{"application/json": pulumi.String(sendMessageTemplate)},
		PassthroughBehavior: pulumi.String("NEVER"),
		TimeoutMilliseconds: pulumi.Int(5000),
	}, b.opts...)
	if err != nil {
		return err
	}
	// Method responses, then the integration responses that map to them.
	deps := []pulumi.Resource{method, integration}
	for _, r := range integrationResponses {
		models := "Empty"
		if r.status != "202" {
			models = "Error"
		}
		mr, err := apigateway.NewMethodResponse(b.ctx, name+"-post-jobs-"+r.status, &apigateway.MethodResponseArgs{
			RestApi: b.api.ID(), ResourceId: jobs.ID(), HttpMethod: method.HttpMethod, StatusCode: pulumi.String(r.status),
			ResponseModels: pulumi.StringMap{"application/json": pulumi.String(models)},
		}, b.opts...)
		if err != nil {
			return err
		}
		ir, err := apigateway.NewIntegrationResponse(b.ctx, name+"-post-jobs-sqs-"+r.status, &apigateway.IntegrationResponseArgs{
			RestApi: b.api.ID(), ResourceId: jobs.ID(), HttpMethod: method.HttpMethod, StatusCode: mr.StatusCode,
			SelectionPattern:  pulumi.String(r.pattern),
			ResponseTemplates: pulumi.StringMap{"application/json": pulumi.String(r.template)},
		}, b.with(pulumi.DependsOn([]pulumi.Resource{integration}))...)
		if err != nil {
			return err
		}
		deps = append(deps, mr, ir)
	}
	// What API Gateway answers itself: a body the model refuses, and the 4xx and 5xx defaults, as JSON.
	for _, g := range []struct{ kind, template string }{
		// The validation detail ($context.error.validationErrorString) carries quotes a template cannot
		// escape: the answer says what a job is instead, as valid JSON.
		{"BAD_REQUEST_BODY", `{"message": $context.error.messageString, "expected": "a JSON object with a kind of review-digest or ping, an optional restaurantId of digits and an optional note"}`},
		{"DEFAULT_4XX", `{"message": $context.error.messageString}`},
		{"DEFAULT_5XX", `{"message": $context.error.messageString}`},
	} {
		resp, err := apigateway.NewResponse(b.ctx, name+"-"+strings.ToLower(strings.ReplaceAll(g.kind, "_", "-")), &apigateway.ResponseArgs{
			RestApiId: b.api.ID(), ResponseType: pulumi.String(g.kind),
			ResponseTemplates: pulumi.StringMap{"application/json": pulumi.String(g.template)},
		}, b.opts...)
		if err != nil {
			return err
		}
		deps = append(deps, resp)
	}

	// A new deployment whenever what the API does changes.
	deployment, err := apigateway.NewDeployment(b.ctx, name+"-deployment", &apigateway.DeploymentArgs{
		RestApi:     b.api.ID(),
		Description: pulumi.String("POST /jobs to " + b.name + "-jobs"),
		Triggers:    pulumi.StringMap{"redeployment": pulumi.String(b.apiFingerprint())},
	}, b.with(pulumi.DependsOn(deps))...)
	if err != nil {
		return err
	}
	logs, err := b.logGroup(apiLogKey)
	if err != nil {
		return err
	}
	b.stage, err = apigateway.NewStage(b.ctx, name+"-"+StageName, &apigateway.StageArgs{
		RestApi: b.api.ID(), Deployment: deployment.ID(), StageName: pulumi.String(StageName),
		Description:       pulumi.String("The one stage of " + name),
		AccessLogSettings: &apigateway.StageAccessLogSettingsArgs{DestinationArn: logs.Arn, Format: pulumi.String(accessLogFormat)},
		Tags:              layer.NameTags(name + "-" + StageName),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{account}))...) // the account's log role first
	if err != nil {
		return err
	}
	if _, err := apigateway.NewMethodSettings(b.ctx, name+"-"+StageName+"-settings", &apigateway.MethodSettingsArgs{
		RestApi: b.api.ID(), StageName: b.stage.StageName, MethodPath: pulumi.String("*/*"),
		Settings: &apigateway.MethodSettingsSettingsArgs{
			MetricsEnabled: pulumi.Bool(true), LoggingLevel: pulumi.String("ERROR"), DataTraceEnabled: pulumi.Bool(false),
			ThrottlingRateLimit: pulumi.Float64(float64(b.args.RateLimit)), ThrottlingBurstLimit: pulumi.Int(b.args.BurstLimit),
		},
	}, b.opts...); err != nil {
		return err
	}
	if b.args.Auth == batchspec.AuthApiKey {
		if err := b.buildUsagePlan(); err != nil {
			return err
		}
	}
	b.url = pulumi.Sprintf("%s/jobs", b.stage.InvokeUrl)
	if b.args.Domain != "" {
		return b.buildDomain()
	}
	return nil
}

// apiFingerprint changes whenever the API's behaviour does: the model, the templates, the auth.
func (b *builder) apiFingerprint() string {
	parts := []string{JobSchema, sendMessageTemplate, b.args.Auth}
	for _, r := range integrationResponses {
		parts = append(parts, r.status, r.pattern, r.template)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// buildApiRole is the integration's role: it may send to this queue and nothing else.
func (b *builder) buildApiRole() error {
	name := b.name + "-batch-api-role"
	var err error
	b.apiRole, err = iam.NewRole(b.ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("API Gateway's way into " + b.name + "-jobs"),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("apigateway.amazonaws.com").JSON()),
		Tags:             layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	policy := b.queue.Arn.ApplyT(func(arn string) string {
		return iampolicy.New(iampolicy.Allow("SendJobs", []string{"sqs:SendMessage"}, []string{arn})).JSON()
	}).(pulumi.StringOutput)
	_, err = iam.NewRolePolicy(b.ctx, b.name+"-batch-api-policy", &iam.RolePolicyArgs{Role: b.apiRole.Name, Policy: policy}, b.opts...)
	return err
}

// buildAccountLogging gives API Gateway, in this account and region, the role it writes CloudWatch logs
// with: without it no stage may have access logs. It is an account-wide setting, so the role and the
// setting are retained when the stack is destroyed (another stack's API may log through them), and two
// stacks in one account and region each set their own, equal, role.
func (b *builder) buildAccountLogging() (pulumi.Resource, error) {
	name := b.name + "-apigateway-logs-role"
	role, err := iam.NewRole(b.ctx, name, &iam.RoleArgs{
		Description:      pulumi.String("API Gateway's CloudWatch Logs role in this account and region (set by " + b.name + ")"),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("apigateway.amazonaws.com").JSON()),
		Tags:             layer.NameTags(name),
	}, b.with(pulumi.RetainOnDelete(true))...)
	if err != nil {
		return nil, err
	}
	// AWS's managed policy for exactly this (create and write log groups and streams, any of them: API
	// Gateway names the execution log groups itself).
	attachment, err := iam.NewRolePolicyAttachment(b.ctx, name+"-push-to-cloudwatch", &iam.RolePolicyAttachmentArgs{
		Role: role.Name, PolicyArn: pulumi.String("arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"),
	}, b.with(pulumi.RetainOnDelete(true))...)
	if err != nil {
		return nil, err
	}
	return apigateway.NewAccount(b.ctx, b.name+"-apigateway-account", &apigateway.AccountArgs{
		CloudwatchRoleArn: role.Arn,
		ResetOnDelete:     pulumi.Bool(false),
	}, b.with(pulumi.RetainOnDelete(true), pulumi.DependsOn([]pulumi.Resource{attachment}))...)
}

// buildUsagePlan creates the usage plan of the API key mode, its quota and throttle, and the key.
func (b *builder) buildUsagePlan() error {
	name := b.name + "-batch-plan"
	plan, err := apigateway.NewUsagePlan(b.ctx, name, &apigateway.UsagePlanArgs{
		Name:        pulumi.String(name),
		Description: pulumi.String("Callers of " + b.name + "'s jobs API"),
		ApiStages:   apigateway.UsagePlanApiStageArray{&apigateway.UsagePlanApiStageArgs{ApiId: b.api.ID(), Stage: b.stage.StageName}},
		QuotaSettings: &apigateway.UsagePlanQuotaSettingsArgs{
			Limit: pulumi.Int(b.args.QuotaPerDay), Period: pulumi.String("DAY"),
		},
		ThrottleSettings: &apigateway.UsagePlanThrottleSettingsArgs{
			RateLimit: pulumi.Float64(float64(b.args.RateLimit)), BurstLimit: pulumi.Int(b.args.BurstLimit),
		},
		Tags: layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	keyName := b.name + "-batch-key"
	b.apiKey, err = apigateway.NewApiKey(b.ctx, keyName, &apigateway.ApiKeyArgs{
		Name:        pulumi.String(keyName),
		Description: pulumi.String("The key of " + b.name + "'s jobs API; its value: aws apigateway get-api-key --include-value"),
		Enabled:     pulumi.Bool(true),
		Tags:        layer.NameTags(keyName),
	}, b.opts...)
	if err != nil {
		return err
	}
	_, err = apigateway.NewUsagePlanKey(b.ctx, keyName+"-plan", &apigateway.UsagePlanKeyArgs{
		KeyId: b.apiKey.ID(), KeyType: pulumi.String("API_KEY"), UsagePlanId: plan.ID(),
	}, b.opts...)
	return err
}

// ApiDomain is the API's own name with a domain: api-{env}.{domain}.
func ApiDomain(env, domain string) string { return "api-" + env + "." + domain }

// buildDomain serves the API at api-{env}.{domain}: a regional certificate validated in the zone, the
// custom domain (TLS 1.2), the stage mapped at its root, and the alias record.
func (b *builder) buildDomain() error {
	domain := ApiDomain(b.args.Env, b.args.Domain)
	cert, err := dnscert.Issue(b.ctx, b.name+"-batch-api-cert", domain, b.args.HostedZoneId, b.opts, b.opts)
	if err != nil {
		return err
	}
	name := b.name + "-batch-api-domain"
	dn, err := apigateway.NewDomainName(b.ctx, name, &apigateway.DomainNameArgs{
		DomainName:             pulumi.String(domain),
		RegionalCertificateArn: cert,
		EndpointConfiguration:  &apigateway.DomainNameEndpointConfigurationArgs{Types: pulumi.String("REGIONAL")},
		SecurityPolicy:         pulumi.String("TLS_1_2"),
		Tags:                   layer.NameTags(domain),
	}, b.opts...)
	if err != nil {
		return err
	}
	if _, err := apigateway.NewBasePathMapping(b.ctx, name+"-mapping", &apigateway.BasePathMappingArgs{
		RestApi: b.api.ID(), StageName: b.stage.StageName, DomainName: dn.DomainName,
	}, b.opts...); err != nil {
		return err
	}
	if _, err := route53.NewRecord(b.ctx, name+"-alias", &route53.RecordArgs{
		ZoneId: b.args.HostedZoneId, Name: pulumi.String(domain), Type: pulumi.String("A"),
		Aliases: route53.RecordAliasArray{&route53.RecordAliasArgs{
			Name: dn.RegionalDomainName, ZoneId: dn.RegionalZoneId, EvaluateTargetHealth: pulumi.Bool(false),
		}},
	}, b.opts...); err != nil {
		return err
	}
	b.url = pulumi.String("https://" + domain + "/jobs").ToStringOutput()
	return nil
}
