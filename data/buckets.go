package data

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"

	"github.com/tastylog/infra/internal/dataspec"
	"github.com/tastylog/infra/internal/layer"
)

// The buckets, by role.
const (
	bucketStatic = "static" // /public/* content, served by CloudFront
	bucketDeploy = "deploy" // app artifacts: tastylog-app-<version>.tar.gz and the `latest` pointer
	bucketLogs   = "logs"   // ALB access logs, CloudTrail
)

var bucketRoles = []string{bucketStatic, bucketDeploy, bucketLogs}

const (
	noncurrentVersionDays = 90 // how long overwritten static files and old artifacts stay recoverable
	abortMultipartDays    = 7
)

type bucket struct {
	role  string
	name  string
	res   *s3.BucketV2
	ready []pulumi.Resource // what must exist before the bucket is used: access block, ownership, policy
}

// outputs hands the bucket to other layers. Its name resolves only once the access block, ownership and
// policy exist, so a consumer (an ALB writing logs, a distribution reading) never races its set-up.
func (k *bucket) outputs() Bucket {
	name := pulumix.Apply2(k.res.Bucket, readyIDs(k.ready), func(name string, _ []string) string {
		return name
	}).Untyped().(pulumi.StringOutput)
	return Bucket{Name: name, Arn: k.res.Arn, RegionalDomainName: k.res.BucketRegionalDomainName}
}

// readyIDs is an output that depends on every resource in rs.
func readyIDs(rs []pulumi.Resource) pulumi.StringArrayOutput {
	var ids pulumi.StringArray
	for _, r := range rs {
		ids = append(ids, r.(pulumi.CustomResource).ID().ToStringOutput())
	}
	return ids.ToStringArrayOutput()
}

// bucketName is {project}-{env}-{role}-{account id}: globally unique, stable across runs, and the same
// on every machine that deploys the stack.
func (b *builder) bucketName(role string) string {
	return fmt.Sprintf("%s-%s-%s", b.name, role, b.args.AccountId)
}

// buildBuckets creates the three buckets, each private (public access blocked, ACLs disabled), encrypted
// with SSE-S3 (the only encryption ALB log delivery accepts), TLS-only, with versioning where the
// objects are the product (static, deploy) and expiry where they are logs.
func (b *builder) buildBuckets() error {
	elbAccountArn := "" // regions opened since August 2022 have none: the service principal writes there
	if dataspec.ElbLogsFromAccount(b.args.Region) {
		elbAccount, err := elb.GetServiceAccount(b.ctx, &elb.GetServiceAccountArgs{Region: &b.args.Region}, b.invokeOpts()...)
		if err != nil {
			return fmt.Errorf("looking up the ELB log-delivery account of %s: %w", b.args.Region, err)
		}
		elbAccountArn = elbAccount.Arn
	}
	b.buckets = map[string]*bucket{}
	for _, role := range bucketRoles {
		k := &bucket{role: role, name: b.bucketName(role)}
		if err := b.buildBucket(k, elbAccountArn); err != nil {
			return fmt.Errorf("%s bucket: %w", role, err)
		}
		b.buckets[role] = k
	}
	return nil
}

func (b *builder) buildBucket(k *bucket, elbAccountArn string) error {
	base := b.name + "-" + k.role + "-bucket"
	var err error
	k.res, err = s3.NewBucketV2(b.ctx, base, &s3.BucketV2Args{
		Bucket:       pulumi.String(k.name),
		ForceDestroy: pulumi.Bool(b.args.ForceDestroyBuckets),
		Tags:         layer.NameTags(k.name),
	}, b.with(pulumi.Protect(b.args.Spec.ProtectBuckets()))...)
	if err != nil {
		return err
	}
	id := k.res.ID().ToStringOutput()

	pab, err := s3.NewBucketPublicAccessBlock(b.ctx, base+"-public-access-block", &s3.BucketPublicAccessBlockArgs{
		Bucket:                id,
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, b.opts...)
	if err != nil {
		return err
	}
	// BucketOwnerEnforced disables ACLs on every bucket: ALB and CloudTrail deliver without them, and
	// CloudFront's standard logging v2 (the edge layer's choice) does too.
	ownership, err := s3.NewBucketOwnershipControls(b.ctx, base+"-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: id,
		Rule:   s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, b.opts...)
	if err != nil {
		return err
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(b.ctx, base+"-encryption", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: id,
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{
			s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
				ApplyServerSideEncryptionByDefault: s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
					SseAlgorithm: pulumi.String("AES256"),
				},
			},
		},
	}, b.opts...); err != nil {
		return err
	}

	versioned := k.role != bucketLogs
	if versioned {
		if _, err := s3.NewBucketVersioningV2(b.ctx, base+"-versioning", &s3.BucketVersioningV2Args{
			Bucket:                  id,
			VersioningConfiguration: s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
		}, b.opts...); err != nil {
			return err
		}
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, base+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules:  s3.BucketLifecycleConfigurationV2RuleArray{b.lifecycleRule(versioned)},
	}, b.opts...); err != nil {
		return err
	}

	// The static bucket's policy belongs to the edge layer: it grants read to one CloudFront distribution,
	// which is created from this bucket's outputs. S3 keeps one policy per bucket, so one layer owns it.
	k.ready = []pulumi.Resource{pab, ownership}
	if k.role == bucketStatic {
		return nil
	}
	policy := deployBucketPolicy(k.name)
	if k.role == bucketLogs {
		policy = logsBucketPolicy(k.name, b.args.AccountId, b.args.Region, elbAccountArn, b.trailName(), b.args.FlowLogsToBucket)
	}
	// After the public access block and ownership: S3 rejects concurrent changes to one bucket.
	p, err := s3.NewBucketPolicy(b.ctx, base+"-policy", &s3.BucketPolicyArgs{
		Bucket: id,
		Policy: pulumi.String(policy.JSON()),
	}, b.with(pulumi.DependsOn(k.ready))...)
	k.ready = append(k.ready, p)
	return err
}

// lifecycleRule expires logs after the configured days; versioned buckets keep overwritten versions for
// a while instead. Both clean up abandoned multipart uploads.
func (b *builder) lifecycleRule(versioned bool) s3.BucketLifecycleConfigurationV2RuleArgs {
	rule := s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String("expire-logs"),
		Status: pulumi.String("Enabled"),
		Filter: s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
		AbortIncompleteMultipartUpload: s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(abortMultipartDays),
		},
	}
	if versioned {
		rule.Id = pulumi.String("expire-noncurrent-versions")
		rule.NoncurrentVersionExpiration = s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{
			NoncurrentDays: pulumi.Int(noncurrentVersionDays),
		}
	} else {
		rule.Expiration = s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(b.args.LogsExpirationDays)}
	}
	return rule
}

// invokeOpts routes an invoke through the component's provider.
func (b *builder) invokeOpts() []pulumi.InvokeOption {
	return []pulumi.InvokeOption{pulumi.Parent(b.component)}
}
