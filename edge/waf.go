package edge

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// managedRuleGroups are the AWS managed rule groups of the stack's web ACL, in evaluation order: the IP
// reputation list first (cheapest, drops known-bad sources), then the baseline (OWASP-style) rules, then
// inputs known to exploit common software (Log4j and the like).
var managedRuleGroups = []string{
	"AWSManagedRulesAmazonIpReputationList",
	"AWSManagedRulesCommonRuleSet",
	"AWSManagedRulesKnownBadInputsRuleSet",
}

// wafLogGroupPrefix is the prefix AWS WAF requires of a log group it delivers to.
const wafLogGroupPrefix = "aws-waf-logs-"

// buildWebAcl creates the stack's CLOUDFRONT-scope web ACL in us-east-1 when waf is on: the managed rule
// groups above, then a rate-based rule that blocks an IP address sending more than wafRateLimit
// requests in 5 minutes; everything else is allowed. Requests are logged to aws-waf-logs-{prefix} in
// us-east-1, where AWS WAF delivers a global web ACL's logs. The distribution uses this ACL, or the
// existing one from wafWebAclArn, or none.
func (b *builder) buildWebAcl() error {
	if b.args.WebAclArn != "" {
		b.webAclArn = pulumi.String(b.args.WebAclArn)
	}
	if !b.args.Waf {
		return nil
	}
	name := b.name + "-web-acl"
	visibility := func(metric string) wafv2.WebAclRuleVisibilityConfigArgs {
		return wafv2.WebAclRuleVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			MetricName:               pulumi.String(metric),
			SampledRequestsEnabled:   pulumi.Bool(true),
		}
	}
	var rules wafv2.WebAclRuleArray
	for i, group := range managedRuleGroups {
		rules = append(rules, wafv2.WebAclRuleArgs{
			Name:           pulumi.String(group),
			Priority:       pulumi.Int(i),
			OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
			Statement: wafv2.WebAclRuleStatementArgs{
				ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
					VendorName: pulumi.String("AWS"),
					Name:       pulumi.String(group),
				},
			},
			VisibilityConfig: visibility(group),
		})
	}
	rules = append(rules, wafv2.WebAclRuleArgs{
		Name:     pulumi.String("RateLimitPerIp"),
		Priority: pulumi.Int(len(managedRuleGroups)),
		Action:   &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement: wafv2.WebAclRuleStatementArgs{
			RateBasedStatement: &wafv2.WebAclRuleStatementRateBasedStatementArgs{
				Limit:            pulumi.Int(b.args.WafRateLimit),
				AggregateKeyType: pulumi.String("IP"),
			},
		},
		VisibilityConfig: visibility("RateLimitPerIp"),
	})
	acl, err := wafv2.NewWebAcl(b.ctx, name, &wafv2.WebAclArgs{
		Name:          pulumi.String(name),
		Description:   pulumi.String("tastylog " + b.args.Env + " CloudFront distribution"),
		Scope:         pulumi.String("CLOUDFRONT"),
		DefaultAction: wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		VisibilityConfig: wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true),
			MetricName:               pulumi.String(name),
			SampledRequestsEnabled:   pulumi.Bool(true),
		},
		Tags: layer.NameTags(name),
	}, b.inUsEast1()...)
	if err != nil {
		return err
	}
	logs, err := cloudwatch.NewLogGroup(b.ctx, name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(wafLogGroupPrefix + b.name),
		RetentionInDays: pulumi.Int(b.args.LogRetentionDays),
		Tags:            layer.NameTags(wafLogGroupPrefix + b.name),
	}, b.inUsEast1()...)
	if err != nil {
		return err
	}
	if _, err := wafv2.NewWebAclLoggingConfiguration(b.ctx, name+"-logging", &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{logs.Arn},
	}, b.inUsEast1()...); err != nil {
		return err
	}
	b.webAclArn = acl.Arn
	return nil
}
