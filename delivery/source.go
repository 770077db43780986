package delivery

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/codeconnections"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/layer"
)

// SourceKey is where an S3 source's zip of the app is uploaded in the artifact bucket.
const SourceKey = "source/app.zip"

// buildSource creates the GitHub connection. AWS creates it PENDING: until a person completes the
// handshake in the console (README), the pipeline's source action fails, and nothing else does.
func (b *builder) buildSource() error {
	if b.args.Source != deliveryspec.SourceGitHub {
		return nil
	}
	name := b.name + "-github"
	var err error
	b.connection, err = codeconnections.NewConnection(b.ctx, name, &codeconnections.ConnectionArgs{
		Name:         pulumi.String(name),
		ProviderType: pulumi.String("GitHub"),
		Tags:         layer.NameTags(name),
	}, b.opts...)
	return err
}
