package compute

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

// The log groups the CloudWatch agent ships to, by role.
const (
	logApp    = "app"    // the tastylog service's stdout and stderr (the agent's, or the tasks' awslogs driver)
	logSystem = "system" // /var/log/messages and the bootstrap log (ec2)
	logExec   = "exec"   // ECS Exec's session transcripts (fargate with appExec)
)

// logRoles are the log groups the mode writes to.
func (b *builder) logRoles() []string {
	switch {
	case !b.args.Fargate():
		return []string{logApp, logSystem}
	case b.args.Exec:
		return []string{logApp, logExec}
	default:
		return []string{logApp}
	}
}

// logGroupName is the exact (contract) name: /tastylog/dev/app.
func (b *builder) logGroupName(role string) string { return b.args.LogGroupPrefix + "/" + role }

// buildLogGroups creates the log groups before any server or task starts, with the configured retention.
// Compute owns them because what it runs writes to them: neither servers nor tasks may create log groups
// themselves, so a group never appears outside Pulumi with infinite retention. The exec group holds what
// people typed in production containers: it is encrypted with the stack key when there is one.
func (b *builder) buildLogGroups() error {
	b.logGroups = map[string]*cloudwatch.LogGroup{}
	for _, role := range b.logRoles() {
		name := b.name + "-" + role + "-logs"
		args := &cloudwatch.LogGroupArgs{
			Name:            pulumi.String(b.logGroupName(role)),
			RetentionInDays: pulumi.Int(b.args.LogRetentionDays),
			Tags:            layer.NameTags(b.logGroupName(role)),
		}
		if role == logExec {
			args.KmsKeyId = b.args.KeyArn
		}
		g, err := cloudwatch.NewLogGroup(b.ctx, name, args, b.opts...)
		if err != nil {
			return err
		}
		b.logGroups[role] = g
	}
	return nil
}
