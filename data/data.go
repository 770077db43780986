// Package data builds the stateful layer of one stack: the stack key, RDS MySQL (and an optional read
// replica), the app's settings in Parameter Store, and the static, deploy, logs and trail buckets.
package data

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"

	"github.com/tastylog/infra/internal/dataspec"
)

// Type is the component's type token. Changing it renames every child's URN: ship pulumi.Aliases with it.
const Type = "tastylog:index:Data"

// Log prefixes in the logs bucket: the bucket policy grants exactly these, and the edge and observability
// layers write there under these names. S3AccessLogPrefix holds the other buckets' server access logs.
const (
	AlbLogPrefix        = "alb"
	CloudFrontLogPrefix = "cloudfront"
	FlowLogPrefix       = "flowlogs"
	S3AccessLogPrefix   = "s3"
)

// MySQLPort is the database port; the network layer's db security group opens the same one.
const MySQLPort = 3306

// Args configures the data layer.
type Args struct {
	dataspec.Spec

	// ParameterPath is the Parameter Store path the app reads, with a trailing slash: /tastylog/dev/app/.
	ParameterPath string
	// AccountId and Region make bucket names unique and policies exact.
	AccountId string
	Region    string
	// AvailabilityZones of the db subnets: a single-AZ primary goes in the first, a replica in the second.
	AvailabilityZones []string

	// FlowLogsToBucket admits VPC flow logs to the logs bucket (observability's flowLogs: s3).
	FlowLogsToBucket bool
	// CloudTrail creates the trail bucket for observability's trail (named TrailName).
	CloudTrail bool
	// Artifacts creates the delivery pipeline's artifact bucket.
	Artifacts bool
	// ResultDays creates the batch path's results bucket, whose results expire after that many days; 0
	// creates none.
	ResultDays int
	// LogGroupPrefix is the stack's log-group prefix (/tastylog/dev), which the stack key's policy admits.
	LogGroupPrefix string

	// SubnetIds are the db-tier subnets; SecurityGroupId the db group (3306 from the app servers only).
	SubnetIds       pulumi.StringArrayInput
	SecurityGroupId pulumi.StringInput
}

// Bucket is what other layers need of a bucket.
type Bucket struct {
	Name               pulumi.StringOutput
	Arn                pulumi.StringOutput
	RegionalDomainName pulumi.StringOutput
}

// Data is the database, the app's parameters and the buckets.
type Data struct {
	pulumi.ResourceState

	DbAddress    pulumi.StringOutput
	DbPort       pulumi.IntOutput
	DbIdentifier pulumi.StringOutput
	DbArn        pulumi.StringOutput
	// ReplicaAddress is the read replica's endpoint address, "" without a replica.
	ReplicaAddress pulumi.StringOutput

	// ParameterPath is the path the app reads (/tastylog/dev/app/); ParameterArns the parameters in it.
	ParameterPath pulumi.StringOutput
	ParameterArns pulumi.StringArrayOutput

	StaticBucket Bucket
	DeployBucket Bucket
	LogsBucket   Bucket
	// TrailBucket is the trail's own bucket (empty name without cloudTrail); TrailName the one trail its
	// policy admits (created by observability).
	TrailBucket Bucket
	TrailName   string
	// ArtifactsBucket is the delivery pipeline's (empty name without Artifacts).
	ArtifactsBucket Bucket
	// ResultsBucket is the batch path's (empty name without ResultDays).
	ResultsBucket Bucket
	// KeyArn is the stack key's ARN, "" without stackKey.
	KeyArn pulumi.StringOutput
}

type builder struct {
	ctx       *pulumi.Context
	name      string
	args      *Args
	component *Data
	opts      []pulumi.ResourceOption

	primary *rds.Instance
	replica *rds.Instance
	buckets map[string]*bucket
	params  pulumi.StringArray
	key     *kms.Key
}

var parameterPathPattern = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+)+/$`)

func (a *Args) validate() error {
	var errs []error
	if err := a.Spec.Validate(""); err != nil {
		errs = append(errs, err)
	}
	if !parameterPathPattern.MatchString(a.ParameterPath) {
		errs = append(errs, fmt.Errorf("ParameterPath %q must be a path such as /tastylog/dev/app/", a.ParameterPath))
	}
	if len(a.AccountId) != 12 {
		errs = append(errs, fmt.Errorf("AccountId %q must be a 12-digit account id", a.AccountId))
	}
	if a.Region == "" || a.LogGroupPrefix == "" {
		errs = append(errs, errors.New("Region and LogGroupPrefix are required"))
	}
	if len(a.AvailabilityZones) < 2 || slices.Contains(a.AvailabilityZones, "") {
		errs = append(errs, fmt.Errorf("AvailabilityZones %v must list at least 2 zones", a.AvailabilityZones))
	}
	if a.SubnetIds == nil || a.SecurityGroupId == nil {
		errs = append(errs, errors.New("SubnetIds and SecurityGroupId are required"))
	}
	return errors.Join(errs...)
}

// New builds the data layer named name (the {project}-{env} prefix of every child's name).
func New(ctx *pulumi.Context, name string, args *Args, opts ...pulumi.ResourceOption) (*Data, error) {
	if args == nil {
		return nil, errors.New("data: args are required")
	}
	if err := args.validate(); err != nil {
		return nil, fmt.Errorf("data: invalid args: %w", err)
	}
	component := &Data{}
	if err := ctx.RegisterComponentResource(Type, name, component, opts...); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	b := &builder{ctx: ctx, name: name, args: args, component: component,
		opts: []pulumi.ResourceOption{pulumi.Parent(component)}}

	if err := layer.Build("data",
		layer.Step{What: "stack key", Run: b.buildKey},
		layer.Step{What: "buckets", Run: b.buildBuckets},
		layer.Step{What: "bucket access logs", Run: b.buildAccessLogging},
		layer.Step{What: "database", Run: b.buildDatabase},
		layer.Step{What: "parameters", Run: b.buildParameters},
	); err != nil {
		return nil, err
	}

	b.export(component)
	if err := ctx.RegisterResourceOutputs(component, pulumi.Map{
		"dbAddress":      component.DbAddress,
		"dbPort":         component.DbPort,
		"dbIdentifier":   component.DbIdentifier,
		"dbArn":          component.DbArn,
		"replicaAddress": component.ReplicaAddress,
		"parameterPath":  component.ParameterPath,
		"parameterArns":  component.ParameterArns,
		"staticBucket":   component.StaticBucket.Name,
		"deployBucket":   component.DeployBucket.Name,
		"logsBucket":     component.LogsBucket.Name,
		"trailBucket":    component.TrailBucket.Name,
		"keyArn":         component.KeyArn,
	}); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return component, nil
}

func (b *builder) export(d *Data) {
	d.DbAddress = b.primary.Address
	d.DbPort = b.primary.Port
	d.DbIdentifier = b.primary.Identifier
	d.DbArn = b.primary.Arn
	d.ReplicaAddress = pulumi.String("").ToStringOutput()
	if b.replica != nil {
		d.ReplicaAddress = b.replica.Address
	}
	d.ParameterPath = pulumi.String(b.args.ParameterPath).ToStringOutput()
	d.ParameterArns = b.params.ToStringArrayOutput()
	d.StaticBucket = b.buckets[bucketStatic].outputs()
	d.DeployBucket = b.buckets[bucketDeploy].outputs()
	d.LogsBucket = b.buckets[bucketLogs].outputs()
	empty := pulumi.String("").ToStringOutput()
	d.TrailBucket = Bucket{Name: empty, Arn: empty, RegionalDomainName: empty}
	if trail, ok := b.buckets[bucketTrail]; ok {
		d.TrailBucket = trail.outputs()
	}
	d.TrailName = b.trailName()
	d.ArtifactsBucket = Bucket{Name: empty, Arn: empty, RegionalDomainName: empty}
	if artifacts, ok := b.buckets[bucketArtifacts]; ok {
		d.ArtifactsBucket = artifacts.outputs()
	}
	d.ResultsBucket = Bucket{Name: empty, Arn: empty, RegionalDomainName: empty}
	if results, ok := b.buckets[bucketResults]; ok {
		d.ResultsBucket = results.outputs()
	}
	d.KeyArn = pulumi.String("").ToStringOutput()
	if b.key != nil {
		d.KeyArn = b.key.Arn
	}
}

func (b *builder) with(extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return layer.With(b.opts, extra...)
}

func (b *builder) trailName() string { return b.name + "-trail" }

// Exports are this layer's stack outputs, by the names `pulumi stack output` shows.
func (d *Data) Exports() pulumi.Map {
	return pulumi.Map{
		"dbAddress":         d.DbAddress,
		"dbPort":            d.DbPort,
		"dbIdentifier":      d.DbIdentifier,
		"dbReplicaAddress":  d.ReplicaAddress,
		"parameterPath":     d.ParameterPath,
		"staticBucketName":  d.StaticBucket.Name,
		"deployBucketName":  d.DeployBucket.Name,
		"logsBucketName":    d.LogsBucket.Name,
		"trailBucketName":   d.TrailBucket.Name,
		"resultsBucketName": d.ResultsBucket.Name,
		"stackKeyArn":       d.KeyArn,
	}
}
