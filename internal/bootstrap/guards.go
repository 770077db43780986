package bootstrap

import (
	"encoding/json"
	"strconv"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/budgets"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// SessionPreferencesDocument is the document Session Manager reads its account preferences from.
const SessionPreferencesDocument = "SSM-SessionManagerRunShell"

// sessionPreferences are the account's Session Manager preferences: every session streamed to the
// encrypted log group, idle sessions ended, no S3 logging, no run-as.
func sessionPreferences(idleMinutes int) string {
	doc := map[string]any{
		"schemaVersion": "1.0",
		"description":   "Session Manager preferences of the account (tastylog-bootstrap)",
		"sessionType":   "Standard_Stream",
		"inputs": map[string]any{
			"s3BucketName": "", "s3KeyPrefix": "", "s3EncryptionEnabled": true,
			"cloudWatchLogGroupName": SessionLogGroup, "cloudWatchEncryptionEnabled": true, "cloudWatchStreamingEnabled": true,
			"idleSessionTimeout": strconv.Itoa(idleMinutes), "maxSessionDuration": "",
			"kmsKeyId": "", "runAsEnabled": false, "runAsDefaultUser": "",
			"shellProfile": map[string]any{"windows": "", "linux": ""},
		},
	}
	out, _ := json.Marshal(doc)
	return string(out)
}

// buildGuards creates the account-wide settings no environment's stack should own: EBS volumes encrypted
// by default, the account's S3 public access block, Session Manager's preferences and their log group,
// IAM Access Analyzer, and the monthly budget with e-mails at 80% and 100% (spent) and 100% (forecast).
func (b *builder) buildGuards() error {
	if _, err := ebs.NewEncryptionByDefault(b.ctx, b.name+"-ebs-encryption", &ebs.EncryptionByDefaultArgs{Enabled: pulumi.Bool(true)}, b.opts...); err != nil {
		return err
	}
	if _, err := s3.NewAccountPublicAccessBlock(b.ctx, b.name+"-account-public-access-block", &s3.AccountPublicAccessBlockArgs{
		BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true), IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, b.opts...); err != nil {
		return err
	}
	logs, err := cloudwatch.NewLogGroup(b.ctx, b.name+"-session-logs", &cloudwatch.LogGroupArgs{
		Name: pulumi.String(SessionLogGroup), RetentionInDays: pulumi.Int(b.args.LogRetentionDays), KmsKeyId: b.keyArn,
		Tags: layer.NameTags(SessionLogGroup),
	}, b.opts...)
	if err != nil {
		return err
	}
	if _, err := ssm.NewDocument(b.ctx, b.name+"-session-preferences", &ssm.DocumentArgs{
		Name: pulumi.String(SessionPreferencesDocument), DocumentType: pulumi.String("Session"), DocumentFormat: pulumi.String("JSON"),
		Content: pulumi.String(sessionPreferences(b.args.SessionIdleMinutes)),
		Tags:    layer.NameTags(SessionPreferencesDocument),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{logs}))...); err != nil {
		return err
	}
	if _, err := accessanalyzer.NewAnalyzer(b.ctx, b.name+"-access-analyzer", &accessanalyzer.AnalyzerArgs{
		AnalyzerName: pulumi.String(b.name + "-account"), Type: pulumi.String("ACCOUNT"), Tags: layer.NameTags(b.name + "-account"),
	}, b.opts...); err != nil {
		return err
	}
	emails := pulumi.ToStringArray(b.args.BudgetEmails)
	note := func(kind string, percent float64) budgets.BudgetNotificationInput {
		return budgets.BudgetNotificationArgs{ComparisonOperator: pulumi.String("GREATER_THAN"), NotificationType: pulumi.String(kind),
			Threshold: pulumi.Float64(percent), ThresholdType: pulumi.String("PERCENTAGE"), SubscriberEmailAddresses: emails}
	}
	name := b.name + "-monthly"
	budget, err := budgets.NewBudget(b.ctx, name, &budgets.BudgetArgs{
		Name: pulumi.String(name), BudgetType: pulumi.String("COST"), TimeUnit: pulumi.String("MONTHLY"),
		LimitAmount: pulumi.String(strconv.Itoa(b.args.BudgetUsd)), LimitUnit: pulumi.String("USD"),
		Notifications: budgets.BudgetNotificationArray{note("ACTUAL", 80), note("ACTUAL", 100), note("FORECASTED", 100)},
		Tags:          layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.budget = budget.Name
	return nil
}
