package compute

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// The log groups the CloudWatch agent ships to, by role.
const (
	logApp    = "app"    // the tastylog service's stdout and stderr
	logSystem = "system" // /var/log/messages and the bootstrap log
)

// logGroupName is the exact (contract) name: /tastylog/dev/app.
func (b *builder) logGroupName(role string) string { return b.args.LogGroupPrefix + "/" + role }

// buildLogGroups creates the log groups before any server starts, with the configured retention. Compute
// owns them because its agent writes to them: the servers may not create log groups themselves, so a
// group never appears outside Pulumi with infinite retention.
func (b *builder) buildLogGroups() error {
	b.logGroups = map[string]*cloudwatch.LogGroup{}
	for _, role := range []string{logApp, logSystem} {
		name := b.name + "-" + role + "-logs"
		g, err := cloudwatch.NewLogGroup(b.ctx, name, &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(b.logGroupName(role)),
			RetentionInDays: pulumi.Int(b.args.LogRetentionDays),
			Tags:            layer.NameTags(b.logGroupName(role)),
		}, b.opts...)
		if err != nil {
			return err
		}
		b.logGroups[role] = g
	}
	return nil
}
