package compute

import (
	"encoding/base64"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/appboot"
)

// buildPlaceholderRelease publishes the placeholder archive and points `latest` at it, once, when the
// stack is created. Deployments own `latest` afterwards: Pulumi never writes it again (ignoreChanges on
// its content), so a later `pulumi up` cannot roll a published release back to the placeholder.
func (b *builder) buildPlaceholderRelease() error {
	archive, err := appboot.PlaceholderArchive(AppPort, b.args.HealthCheckPath)
	if err != nil {
		return err
	}
	release, err := s3.NewBucketObjectv2(b.ctx, b.name+"-placeholder-release", &s3.BucketObjectv2Args{
		Bucket:        b.args.DeployBucketName,
		Key:           pulumi.String(appboot.PlaceholderRelease),
		ContentBase64: pulumi.String(base64.StdEncoding.EncodeToString(archive)),
		ContentType:   pulumi.String("application/gzip"),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.latest, err = s3.NewBucketObjectv2(b.ctx, b.name+"-latest-release", &s3.BucketObjectv2Args{
		Bucket:      b.args.DeployBucketName,
		Key:         pulumi.String(appboot.LatestKey),
		Content:     pulumi.String(appboot.PlaceholderRelease + "\n"),
		ContentType: pulumi.String("text/plain"),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{release}), pulumi.IgnoreChanges([]string{"content", "contentBase64", "source", "etag"}))...)
	return err
}
