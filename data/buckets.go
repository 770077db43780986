package data

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumix"

	"github.com/tastylog/infra/internal/dataspec"
	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/privatebucket"
)

// The buckets, by role.
const (
	bucketStatic = "static" // /public/* content, served by CloudFront
	bucketDeploy = "deploy" // app artifacts: tastylog-app-<version>.tar.gz and the `latest` pointer
	bucketLogs   = "logs"   // ALB, CloudFront and S3 access logs, flow logs
	bucketTrail  = "trail"  // CloudTrail's log files and digests, and nothing else
	// bucketArtifacts holds the delivery pipeline's artifacts (and, with an S3 source, the uploaded app).
	bucketArtifacts = "artifacts"
	// bucketResults holds the batch worker's results, under results/, for ResultDays.
	bucketResults = "results"
)

// roles lists the buckets the stack has: the trail bucket only with a trail.
func (b *builder) roles() []string {
	roles := []string{bucketStatic, bucketDeploy, bucketLogs}
	if b.args.CloudTrail {
		roles = append(roles, bucketTrail)
	}
	if b.args.Artifacts {
		roles = append(roles, bucketArtifacts)
	}
	if b.args.ResultDays > 0 {
		roles = append(roles, bucketResults)
	}
	return roles
}

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

// buildBuckets creates the buckets, each private (public access blocked, ACLs disabled), encrypted, TLS-only,
// with versioning where the objects are the product or the record (static, deploy, trail) and expiry where
// they are logs. The logs bucket uses SSE-S3, the only encryption ALB log delivery and S3 server access
// logging accept; the trail and artifact buckets SSE-KMS with the stack key when there is one; the others
// SSE-S3.
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
	for _, role := range b.roles() {
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
	protect := []pulumi.ResourceOption{pulumi.Protect(b.args.Spec.ProtectBuckets())}
	lockDays := 0
	if k.role == bucketTrail {
		lockDays = b.args.TrailObjectLockDays
		// The audit record outlives the stack in production: a destroy leaves the bucket behind.
		protect = append(protect, pulumi.RetainOnDelete(b.args.Production))
	}
	k.res, err = s3.NewBucketV2(b.ctx, base, &s3.BucketV2Args{
		Bucket:            pulumi.String(k.name),
		ForceDestroy:      pulumi.Bool(b.args.ForceDestroyBuckets),
		ObjectLockEnabled: pulumi.Bool(lockDays > 0),
		Tags:              layer.NameTags(k.name),
	}, b.with(protect...)...)
	if err != nil {
		return err
	}
	id := k.res.ID().ToStringOutput()

	// The trail, the artifacts and the results are encrypted with the stack key when there is one.
	var keyArn pulumi.StringInput
	if (k.role == bucketTrail || k.role == bucketArtifacts || k.role == bucketResults) && b.key != nil {
		keyArn = b.key.Arn
	}
	versioned := k.role != bucketLogs
	if k.ready, err = privatebucket.Harden(b.ctx, base, id, keyArn, versioned, b.opts...); err != nil {
		return err
	}
	if lockDays > 0 {
		if _, err := s3.NewBucketObjectLockConfigurationV2(b.ctx, base+"-object-lock", &s3.BucketObjectLockConfigurationV2Args{
			Bucket: id,
			Rule: &s3.BucketObjectLockConfigurationV2RuleArgs{
				DefaultRetention: s3.BucketObjectLockConfigurationV2RuleDefaultRetentionArgs{
					Mode: pulumi.String("GOVERNANCE"),
					Days: pulumi.Int(lockDays),
				},
			},
		}, b.opts...); err != nil {
			return err
		}
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(b.ctx, base+"-lifecycle", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: id,
		Rules:  s3.BucketLifecycleConfigurationV2RuleArray{b.lifecycleRule(k.role, versioned)},
	}, b.opts...); err != nil {
		return err
	}

	// The static bucket's policy belongs to the edge layer: it grants read to one CloudFront distribution,
	// which is created from this bucket's outputs. S3 keeps one policy per bucket, so one layer owns it.
	if k.role == bucketStatic {
		return nil
	}
	policy := deployBucketPolicy(k.name)
	switch k.role {
	case bucketLogs:
		policy = logsBucketPolicy(k.name, b.args.AccountId, b.args.Region, elbAccountArn, b.args.FlowLogsToBucket, b.accessLogged())
	case bucketTrail:
		policy = trailBucketPolicy(k.name, b.args.AccountId, b.args.Region, b.trailName())
	}
	// After the public access block and ownership: S3 rejects concurrent changes to one bucket.
	p, err := s3.NewBucketPolicy(b.ctx, base+"-policy", &s3.BucketPolicyArgs{
		Bucket: id,
		Policy: pulumi.String(policy.JSON()),
	}, b.with(pulumi.DependsOn(k.ready))...)
	k.ready = append(k.ready, p)
	return err
}

// accessLoggedRoles are the buckets whose S3 server access logs go to the logs bucket: all but the logs
// bucket itself (logging into itself would log its own log writes).
func (b *builder) accessLoggedRoles() []string {
	var roles []string
	for _, role := range b.roles() {
		if role != bucketLogs {
			roles = append(roles, role)
		}
	}
	return roles
}

// accessLogged are the names of those buckets, which the logs bucket's policy admits the logging for.
func (b *builder) accessLogged() []string {
	var names []string
	for _, role := range b.accessLoggedRoles() {
		names = append(names, b.bucketName(role))
	}
	return names
}

// buildAccessLogging turns on S3 server access logging of the static, deploy and trail buckets into the
// logs bucket, under s3/{bucket}/, once the logs bucket's policy admits the logging service.
func (b *builder) buildAccessLogging() error {
	logs := b.buckets[bucketLogs]
	for _, role := range b.accessLoggedRoles() {
		k := b.buckets[role]
		l, err := s3.NewBucketLoggingV2(b.ctx, b.name+"-"+role+"-bucket-logging", &s3.BucketLoggingV2Args{
			Bucket:       k.res.ID().ToStringOutput(),
			TargetBucket: logs.res.Bucket,
			TargetPrefix: pulumi.String(S3AccessLogPrefix + "/" + k.name + "/"),
		}, b.with(pulumi.DependsOn(logs.ready))...)
		if err != nil {
			return err
		}
		k.ready = append(k.ready, l)
	}
	return nil
}

// lifecycleRule expires logs after the configured days; versioned buckets keep overwritten versions for
// a while instead. Both clean up abandoned multipart uploads.
func (b *builder) lifecycleRule(role string, versioned bool) s3.BucketLifecycleConfigurationV2RuleArgs {
	rule := s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:     pulumi.String("expire-logs"),
		Status: pulumi.String("Enabled"),
		Filter: s3.BucketLifecycleConfigurationV2RuleFilterArgs{},
		AbortIncompleteMultipartUpload: s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
			DaysAfterInitiation: pulumi.Int(abortMultipartDays),
		},
	}
	if role == bucketResults {
		// A result is the product for ResultDays; an overwritten one stays recoverable for a week.
		rule.Id = pulumi.String("expire-results")
		rule.Expiration = s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(b.args.ResultDays)}
		rule.NoncurrentVersionExpiration = s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(7)}
		return rule
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
