package compute

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"text/template"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PlaceholderRelease is the archive a new stack's `latest` names until the first real release.
const PlaceholderRelease = "tastylog-app-0.0.0-placeholder.tar.gz"

// latestKey is the deploy bucket's pointer to the release the servers install (userdata.sh.tmpl).
const latestKey = "latest"

//go:embed placeholder/app.js.tmpl
var placeholderSource string

var placeholderTemplate = template.Must(template.New("app.js").Parse(placeholderSource))

// placeholderArchive renders the placeholder app for the port and health-check path and packs it as the
// release layout the servers unpack (app.js at the top). The archive is byte-for-byte the same on every
// run (no timestamps, fixed owner), so a second `pulumi up` sees no change.
func placeholderArchive(port int, healthPath string) ([]byte, error) {
	source, err := placeholderApp(port, healthPath)
	if err != nil {
		return nil, err
	}
	app := bytes.NewBuffer(source)
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "app.js", Mode: 0o644, Size: int64(app.Len()), Format: tar.FormatPAX}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(app.Bytes()); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// placeholderApp renders the placeholder app (app.js) for the port and health-check path.
func placeholderApp(port int, healthPath string) ([]byte, error) {
	path, err := json.Marshal(healthPath)
	if err != nil {
		return nil, err
	}
	var app bytes.Buffer
	if err := placeholderTemplate.Execute(&app, map[string]any{"Port": port, "HealthPath": string(path)}); err != nil {
		return nil, err
	}
	return app.Bytes(), nil
}

// buildPlaceholderRelease publishes the placeholder archive and points `latest` at it, once, when the
// stack is created. Deployments own `latest` afterwards: Pulumi never writes it again (ignoreChanges on
// its content), so a later `pulumi up` cannot roll a published release back to the placeholder.
func (b *builder) buildPlaceholderRelease() error {
	archive, err := placeholderArchive(AppPort, b.args.HealthCheckPath)
	if err != nil {
		return err
	}
	release, err := s3.NewBucketObjectv2(b.ctx, b.name+"-placeholder-release", &s3.BucketObjectv2Args{
		Bucket:        b.args.DeployBucketName,
		Key:           pulumi.String(PlaceholderRelease),
		ContentBase64: pulumi.String(base64.StdEncoding.EncodeToString(archive)),
		ContentType:   pulumi.String("application/gzip"),
	}, b.opts...)
	if err != nil {
		return err
	}
	b.latest, err = s3.NewBucketObjectv2(b.ctx, b.name+"-latest-release", &s3.BucketObjectv2Args{
		Bucket:      b.args.DeployBucketName,
		Key:         pulumi.String(latestKey),
		Content:     pulumi.String(PlaceholderRelease + "\n"),
		ContentType: pulumi.String("text/plain"),
	}, b.with(pulumi.DependsOn([]pulumi.Resource{release}), pulumi.IgnoreChanges([]string{"content", "contentBase64", "source", "etag"}))...)
	return err
}
