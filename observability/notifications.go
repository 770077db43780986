package observability

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
)

// Services that publish to the alert topics.
const (
	cloudWatchService  = "cloudwatch.amazonaws.com"
	eventBridgeService = "events.amazonaws.com"
	rdsEventsService   = "events.rds.amazonaws.com"
)

// keyPolicy lets the account administer the key and lets the publishing services use it to encrypt
// messages for the topic. The AWS-managed aws/sns key cannot be used: its policy admits no service, so
// CloudWatch alarms could not publish.
func keyPolicy(account string, publishers ...string) iampolicy.Document {
	return iampolicy.New(
		iampolicy.Allow("AccountAdministers", []string{"kms:*"}, []string{"*"}).To("AWS", "arn:aws:iam::"+account+":root"),
		iampolicy.Allow("PublishersEncrypt", []string{"kms:Decrypt", "kms:GenerateDataKey*"}, []string{"*"}).
			To("Service", publishers...),
	)
}

// buildTopics creates one KMS key and alert topic in the app region and one in us-east-1, each with the
// configured email subscriptions. Each topic has its own key rather than the data layer's stack key: the
// us-east-1 topic cannot use a key of another region, and these policies admit the publishing services,
// which the stack key's need not. The keys are protected in production, like the stack key.
func (b *builder) buildTopics() error {
	var err error
	b.topic, err = b.topicIn("alerts", b.opts, cloudWatchService, eventBridgeService, rdsEventsService)
	if err != nil {
		return err
	}
	b.globalTopic, err = b.topicIn("global-alerts", b.inUsEast1(), cloudWatchService)
	return err
}

func (b *builder) topicIn(role string, opts []pulumi.ResourceOption, publishers ...string) (*sns.Topic, error) {
	name := b.name + "-" + role
	key, err := kms.NewKey(b.ctx, name+"-key", &kms.KeyArgs{
		Description:          pulumi.String("tastylog " + b.args.Env + " " + role + " topic"),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(30),
		Policy:               pulumi.String(keyPolicy(b.args.AccountId, publishers...).JSON()),
		Tags:                 layer.NameTags(name + "-key"),
	}, layer.With(opts, pulumi.Protect(b.args.Production))...)
	if err != nil {
		return nil, err
	}
	if _, err := kms.NewAlias(b.ctx, name+"-key-alias", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + name),
		TargetKeyId: key.KeyId,
	}, opts...); err != nil {
		return nil, err
	}
	topic, err := sns.NewTopic(b.ctx, name, &sns.TopicArgs{
		DisplayName:    pulumi.String("tastylog " + b.args.Env),
		KmsMasterKeyId: key.Arn,
		Tags:           layer.NameTags(name),
	}, opts...)
	if err != nil {
		return nil, err
	}
	for i, email := range b.args.AlarmEmails {
		if _, err := sns.NewTopicSubscription(b.ctx, fmt.Sprintf("%s-email-%d", name, i), &sns.TopicSubscriptionArgs{
			Topic:    topic.Arn,
			Protocol: pulumi.String("email"),
			Endpoint: pulumi.String(email),
		}, opts...); err != nil {
			return nil, err
		}
	}
	return topic, nil
}

// listeners are who hears what is sent in region: the stack's topic there and the existing topics of
// alarmTopicArns in the same region.
func (b *builder) listeners(topic *sns.Topic, region string) []pulumi.StringInput {
	out := []pulumi.StringInput{topic.Arn}
	for _, arn := range b.args.TopicsIn(region) {
		out = append(out, pulumi.String(arn))
	}
	return out
}

// topicPolicy admits exactly the stack's publishers: the account itself, its CloudWatch alarms, the given
// EventBridge rules, and RDS events about its databases (ruleArns and rds only in the app region).
func topicPolicy(topicArn, account, region, alarmPrefix string, ruleArns []string, dbArnPattern string) iampolicy.Document {
	statements := []iampolicy.Statement{
		iampolicy.Allow("AccountManages", []string{
			"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
			"SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish",
		}, []string{topicArn}).To("AWS", "arn:aws:iam::"+account+":root"),
		iampolicy.Allow("CloudWatchAlarms", []string{"SNS:Publish"}, []string{topicArn}).
			To("Service", cloudWatchService).
			When("ArnLike", "aws:SourceArn", fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s-*", region, account, alarmPrefix)).
			When("StringEquals", "aws:SourceAccount", account),
	}
	if len(ruleArns) > 0 {
		statements = append(statements, iampolicy.Allow("EventBridgeRules", []string{"SNS:Publish"}, []string{topicArn}).
			To("Service", eventBridgeService).
			When("ArnEquals", "aws:SourceArn", ruleArns...))
	}
	if dbArnPattern != "" {
		statements = append(statements, iampolicy.Allow("RdsEvents", []string{"SNS:Publish"}, []string{topicArn}).
			To("Service", rdsEventsService).
			When("ArnLike", "aws:SourceArn", dbArnPattern).
			When("StringEquals", "aws:SourceAccount", account))
	}
	return iampolicy.New(statements...)
}

// buildTopicPolicies writes both topics' policies once the rules exist.
func (b *builder) buildTopicPolicies() error {
	var ruleArns pulumi.StringArray
	for _, r := range b.rules {
		ruleArns = append(ruleArns, r.Arn)
	}
	a := b.args
	dbPattern := fmt.Sprintf("arn:aws:rds:%s:%s:db:%s-mysql-*", a.Region, a.AccountId, b.name)
	policy := pulumix.Apply2(b.topic.Arn, ruleArns.ToStringArrayOutput(), func(topic string, rules []string) string {
		return topicPolicy(topic, a.AccountId, a.Region, b.name, rules, dbPattern).JSON()
	}).Untyped().(pulumi.StringOutput)
	if _, err := sns.NewTopicPolicy(b.ctx, b.name+"-alerts-policy", &sns.TopicPolicyArgs{
		Arn:    b.topic.Arn,
		Policy: policy,
	}, b.opts...); err != nil {
		return err
	}
	global := b.globalTopic.Arn.ApplyT(func(topic string) string {
		return topicPolicy(topic, a.AccountId, "us-east-1", b.name, nil, "").JSON()
	}).(pulumi.StringOutput)
	_, err := sns.NewTopicPolicy(b.ctx, b.name+"-global-alerts-policy", &sns.TopicPolicyArgs{
		Arn:    b.globalTopic.Arn,
		Policy: global,
	}, b.inUsEast1()...)
	return err
}
