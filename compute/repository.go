package compute

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/layer"
)

// imageRepository is where the tasks pull the app from: the stack's own repository, or a shared one that
// appRepository names.
type imageRepository struct {
	url pulumi.StringOutput // 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/tastylog-dev-app
	arn pulumi.StringOutput
	own *ecr.Repository // nil for a shared repository
}

// lifecycleRules is the own repository's lifecycle policy: untagged images (a failed push's, a manifest a
// re-push replaced) expire after untaggedDays; of the tagged ones the newest kept stay. Rules run in
// priority order and an image is counted by the first rule that selects it.
func lifecycleRules(kept, untaggedDays int) string {
	type selection struct {
		TagStatus      string   `json:"tagStatus"`
		TagPatternList []string `json:"tagPatternList,omitempty"`
		CountType      string   `json:"countType"`
		CountUnit      string   `json:"countUnit,omitempty"`
		CountNumber    int      `json:"countNumber"`
	}
	type rule struct {
		RulePriority int               `json:"rulePriority"`
		Description  string            `json:"description"`
		Selection    selection         `json:"selection"`
		Action       map[string]string `json:"action"`
	}
	expire := map[string]string{"type": "expire"}
	policy := map[string][]rule{"rules": {
		{1, fmt.Sprintf("Expire untagged images after %d days", untaggedDays),
			selection{TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days", CountNumber: untaggedDays}, expire},
		{2, fmt.Sprintf("Keep the newest %d tagged images", kept),
			selection{TagStatus: "tagged", TagPatternList: []string{"*"}, CountType: "imageCountMoreThan", CountNumber: kept}, expire},
	}}
	out, _ := json.Marshal(policy) // plain structs of strings and ints always marshal
	return string(out)
}

// buildRepository creates the stack's repository (immutable tags, scanned on push, KMS-encrypted,
// protected in production) and its lifecycle policy, or takes the shared one appRepository names.
func (b *builder) buildRepository() error {
	a := b.args
	if repo, ok := computespec.ParseRepository(a.Repository); ok {
		b.repository = imageRepository{
			url: pulumi.String(a.Repository).ToStringOutput(),
			arn: pulumi.Sprintf("arn:aws:ecr:%s:%s:repository/%s", repo.Region, repo.AccountId, repo.Name),
		}
		return nil
	}
	name := b.name + "-app"
	encryption := &ecr.RepositoryEncryptionConfigurationArgs{EncryptionType: pulumi.String("KMS")} // aws/ecr without a stack key
	if a.KeyArn != nil {
		encryption.KmsKey = a.KeyArn
	}
	repo, err := ecr.NewRepository(b.ctx, name, &ecr.RepositoryArgs{
		Name:                       pulumi.String(name),
		ImageTagMutability:         pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
		EncryptionConfigurations:   ecr.RepositoryEncryptionConfigurationArray{encryption},
		ForceDelete:                pulumi.Bool(a.ForceDestroy && !a.Production),
		Tags:                       layer.NameTags(name),
	}, b.with(pulumi.Protect(a.Production), pulumi.RetainOnDelete(a.Production))...)
	if err != nil {
		return err
	}
	if _, err := ecr.NewLifecyclePolicy(b.ctx, name+"-lifecycle", &ecr.LifecyclePolicyArgs{
		Repository: repo.Name,
		Policy:     pulumi.String(lifecycleRules(a.ImagesKept, a.UntaggedImageDays)),
	}, b.opts...); err != nil {
		return err
	}
	b.repository = imageRepository{url: repo.RepositoryUrl, arn: repo.Arn, own: repo}
	return nil
}
