package computespec

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/netspec"
)

// The compute modes: how the app runs behind the load balancer.
const (
	// ModeEC2 runs the app on Amazon Linux servers in an Auto Scaling group (the course's first design).
	ModeEC2 = "ec2"
	// ModeFargate runs the app as containers of an ECS service on Fargate, from an ECR repository.
	ModeFargate = "fargate"
)

// Modes lists the compute modes in the order the docs give them.
var Modes = []string{ModeEC2, ModeFargate}

// TaskSize is one CPU size Fargate offers and the memory sizes (MiB) it pairs with: Listed, or from
// MinMemory to MaxMemory in steps of Step.
type TaskSize struct {
	Cpu                        int
	Listed                     []int
	MinMemory, MaxMemory, Step int
}

// TaskSizes are Fargate's Linux task sizes, from the ECS Developer Guide's "Task CPU and memory" table
// (the same table the RegisterTaskDefinition API reference gives; 8 and 16 vCPU need platform 1.4.0,
// which LATEST is). AWS refuses any other pair with "No Fargate configuration exists for given values".
var TaskSizes = []TaskSize{
	{Cpu: 256, Listed: []int{512, 1024, 2048}},
	{Cpu: 512, MinMemory: 1024, MaxMemory: 4096, Step: 1024},
	{Cpu: 1024, MinMemory: 2048, MaxMemory: 8192, Step: 1024},
	{Cpu: 2048, MinMemory: 4096, MaxMemory: 16384, Step: 1024},
	{Cpu: 4096, MinMemory: 8192, MaxMemory: 30720, Step: 1024},
	{Cpu: 8192, MinMemory: 16384, MaxMemory: 61440, Step: 4096},
	{Cpu: 16384, MinMemory: 32768, MaxMemory: 122880, Step: 8192},
}

// Memories lists the memory sizes (MiB) a task of this size may have.
func (t TaskSize) Memories() []int {
	if t.Listed != nil {
		return t.Listed
	}
	var out []int
	for m := t.MinMemory; m <= t.MaxMemory; m += t.Step {
		out = append(out, m)
	}
	return out
}

// taskSize returns the size for cpu, and false when Fargate offers no such CPU size.
func taskSize(cpu int) (TaskSize, bool) {
	for _, t := range TaskSizes {
		if t.Cpu == cpu {
			return t, true
		}
	}
	return TaskSize{}, false
}

// The forms an image reference and a repository may take (ECR's own rules: a tag is up to 128 letters,
// digits, '_', '.' and '-', not starting with '.' or '-'; a digest is sha256 over the manifest; a repository
// name is lowercase path components of 2 to 256 characters).
var (
	imageTagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	imageDigestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	repositoryPattern  = regexp.MustCompile(`^([0-9]{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\.amazonaws\.com/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)$`)
)

// Repository is an existing ECR repository named by its URI.
type Repository struct {
	AccountId, Region, Name string
}

// ParseRepository splits a repository URI (123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/tastylog)
// into its account, region and name; false when it is not one.
func ParseRepository(uri string) (Repository, bool) {
	m := repositoryPattern.FindStringSubmatch(uri)
	if m == nil || len(m[3]) < 2 || len(m[3]) > 256 {
		return Repository{}, false
	}
	return Repository{AccountId: m[1], Region: m[2], Name: m[3]}, true
}

// Fargate reports whether the app runs on Fargate.
func (s Spec) Fargate() bool { return s.Mode == ModeFargate }

// ImageRef is how the task names its image in repository (a URI): repository:tag or repository@sha256:…;
// "" when no image is set.
func (s Spec) ImageRef(repository string) string {
	switch {
	case s.Image == "":
		return ""
	case imageDigestPattern.MatchString(s.Image):
		return repository + "@" + s.Image
	default:
		return repository + ":" + s.Image
	}
}

// AppArch is the architecture the app runs on in either mode: the instance type's, or the tasks'.
func (s Spec) AppArch() string {
	if s.Fargate() {
		return s.TaskArch()
	}
	return s.Arch()
}

// TaskArch is the runtime platform of the tasks: appArchitecture, arm64 (Graviton) when empty, as the
// ec2 mode's default instance type is.
func (s Spec) TaskArch() string {
	if s.Architecture == "" {
		return ArchArm64
	}
	return s.Architecture
}

// EndpointsWithoutNat are the interface endpoints the app cannot do without when the private subnets have
// no NAT. Servers: Session Manager and the settings (ssm, ssmmessages, ec2messages) and the CloudWatch
// agent (logs, monitoring, and ec2 for its tags). Tasks: the image (ecr.api for the token, ecr.dkr for the
// manifest; the layers come from S3 through the gateway endpoint), the settings the agent injects (ssm), the
// awslogs driver (logs), and ECS Exec's channel (ssmmessages) when it is on. The ECS agent's own endpoints
// are Fargate's, not the task's.
func (s Spec) EndpointsWithoutNat() []string {
	if !s.Fargate() {
		return []string{"ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "ec2"}
	}
	need := []string{"ecr.api", "ecr.dkr", "ssm", "logs"}
	if s.Exec {
		need = append(need, "ssmmessages")
	}
	return need
}

// validateFargate checks the fargate mode's settings: the task size, the image and its repository, the
// repository's lifecycle, and the architecture.
func (s Spec) validateFargate(fail func(key, value, format string, args ...any), keyPrefix string, adminCidrs []string) {
	if len(adminCidrs) > 0 {
		fail(netspec.KeyAdminCidrs, strings.Join(adminCidrs, ","), "opens SSH to app servers, which %s %q does not have; a shell in a task is ECS Exec (%s)",
			keyPrefix+KeyComputeMode, ModeFargate, keyPrefix+KeyAppExec)
	}
	if s.HealthCheckGracePeriod < 0 || s.HealthCheckGracePeriod > maxGracePeriod {
		fail(KeyAppHealthCheckGracePeriod, strconv.Itoa(s.HealthCheckGracePeriod), "must be from 0 to %d seconds", maxGracePeriod)
	}
	if size, ok := taskSize(s.Cpu); !ok {
		cpus := make([]int, len(TaskSizes))
		for i, t := range TaskSizes {
			cpus[i] = t.Cpu
		}
		fail(KeyAppCpu, strconv.Itoa(s.Cpu), "is not a Fargate task CPU size; allowed: %s (1024 is one vCPU)", joinInts(cpus))
	} else if !slices.Contains(size.Memories(), s.Memory) {
		fail(KeyAppMemory, strconv.Itoa(s.Memory), "is not a memory size Fargate pairs with %s %d; allowed: %s",
			keyPrefix+KeyAppCpu, s.Cpu, memoryRange(size))
	}
	if s.Architecture != "" && s.Architecture != ArchArm64 && s.Architecture != ArchX86_64 {
		fail(KeyAppArchitecture, s.Architecture, "is not an architecture; allowed: %q, %q, or empty (arm64)", ArchArm64, ArchX86_64)
	}
	if s.FargateSpot && s.TaskArch() == ArchArm64 {
		// Amazon ECS Developer Guide, "AWS Fargate capacity providers": Fargate Spot supports Linux tasks
		// with the X86_64 architecture only; ARM64 tasks would never be placed.
		fail(KeyAppFargateSpot, "true", "runs the tasks on Fargate Spot, which takes X86_64 tasks only, and %s is %q (arm64 when empty): set it to %q, or %s to false",
			keyPrefix+KeyAppArchitecture, s.Architecture, ArchX86_64, keyPrefix+KeyAppFargateSpot)
	}
	switch {
	case s.Image == "":
	case strings.ContainsAny(s.Image, "/@") || strings.HasPrefix(s.Image, "sha256:") && !imageDigestPattern.MatchString(s.Image):
		fail(KeyAppImage, configerr.Abbreviate(s.Image, 40), "is not an image tag or digest; want a tag such as v1.4.2 or git-3f2a9c1, or sha256:<64 hex digits>, of the image in the app repository (set %s for a repository this stack does not create)",
			keyPrefix+KeyAppRepository)
	case !imageTagPattern.MatchString(s.Image) && !imageDigestPattern.MatchString(s.Image):
		fail(KeyAppImage, configerr.Abbreviate(s.Image, 40), "is not an ECR image tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'")
	case s.Image == "latest":
		fail(KeyAppImage, s.Image, "names a tag that moves; the repository's tags are immutable and the service would never roll forward: use the release's own tag or its digest")
	}
	if s.Repository != "" {
		if _, ok := ParseRepository(s.Repository); !ok {
			fail(KeyAppRepository, configerr.Abbreviate(s.Repository, 60), "is not an ECR repository URI; want <account>.dkr.ecr.<region>.amazonaws.com/<name>, or empty for the stack's own repository")
		}
	} else if s.RepositoryCrossAccount {
		fail(KeyAppRepositoryCrossAccount, "true", "says the repository is another account's, but %s is empty (the stack's own repository)", keyPrefix+KeyAppRepository)
	}
	if s.ImagesKept < 1 || s.ImagesKept > 1000 {
		fail(KeyAppImagesKept, strconv.Itoa(s.ImagesKept), "must be from 1 to 1000 tagged images")
	}
	if s.UntaggedImageDays < 1 || s.UntaggedImageDays > 3650 {
		fail(KeyAppUntaggedImageDays, strconv.Itoa(s.UntaggedImageDays), "must be from 1 to 3650 days")
	}
}

// CheckRepositoryAccount reports a repository in another account than accountId (the stack's) that the
// stack does not say it meant: the task would pull code this account does not control. keyPrefix as in
// Validate.
func (s Spec) CheckRepositoryAccount(keyPrefix, accountId string) error {
	repo, ok := ParseRepository(s.Repository)
	if !s.Fargate() || !ok {
		return nil
	}
	if repo.AccountId != accountId && !s.RepositoryCrossAccount {
		return configerr.New(keyPrefix+KeyAppRepository, s.Repository,
			"is in account %s, not this stack's (%s); if that is a shared registry on purpose set %s to true (its repository policy must let this account pull)",
			repo.AccountId, accountId, keyPrefix+KeyAppRepositoryCrossAccount)
	}
	if repo.AccountId == accountId && s.RepositoryCrossAccount {
		return configerr.New(keyPrefix+KeyAppRepositoryCrossAccount, "true", "says the repository is another account's, but %s is in this stack's account %s", keyPrefix+KeyAppRepository, accountId)
	}
	return nil
}

func memoryRange(t TaskSize) string {
	if len(t.Memories()) <= 7 {
		return joinInts(t.Memories())
	}
	return fmt.Sprintf("%d to %d in steps of %d", t.MinMemory, t.MaxMemory, t.Step)
}
