// Package computespec is the compute layer's settings as plain Go values: the app servers' instance type
// and architecture, the Auto Scaling group's size, health checks, instance refresh and scaling, and the
// log retention, with the rules that keep them deployable. It imports no Pulumi package.
package computespec

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/awstables"
	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/netspec"
)

// Architectures of the Amazon Linux 2023 AMIs.
const (
	ArchArm64  = "arm64"
	ArchX86_64 = "x86_64"
)

// dedicatedHostsOnly reports whether a family runs only on dedicated hosts (Mac and high-memory u-*),
// which an Auto Scaling group with a launch template and the default tenancy cannot place.
func dedicatedHostsOnly(family string) bool {
	return strings.HasPrefix(family, "mac") || strings.HasPrefix(family, "u-")
}

// LogRetentionDays are the retention periods CloudWatch Logs accepts (0, never expire, is not offered).
var LogRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

const (
	// MinGracePeriod is the shortest health-check grace the bootstrap fits in: packages, the CloudWatch
	// agent and the release download take a couple of minutes before the app listens.
	MinGracePeriod = 120
	maxGracePeriod = 7200
)

// Spec is how the app runs: the mode, and the servers and their Auto Scaling group (ec2) or the service,
// its task and its image repository (fargate). Sizes, health checks and scaling apply to both.
type Spec struct {
	// Mode is one of Modes.
	Mode string
	// InstanceType is an EC2 type, e.g. t4g.small; its family decides the AMI architecture.
	InstanceType string
	// Architecture, when set, must match the instance type; empty derives it.
	Architecture string
	// MinSize, DesiredCapacity and MaxSize bound the group; desired is the initial size only, scaling owns it after.
	MinSize         int
	DesiredCapacity int
	MaxSize         int
	// HealthCheckGracePeriod is how long (seconds) a new server may fail ELB health checks.
	HealthCheckGracePeriod int
	// HealthCheckPath is the target group's shallow health check: it must not touch the database.
	HealthCheckPath string
	// RefreshMinHealthyPercentage and RefreshMaxHealthyPercentage bound an instance refresh.
	RefreshMinHealthyPercentage int
	RefreshMaxHealthyPercentage int
	// CpuTarget is the average CPU the group scales to hold.
	CpuTarget int
	// RequestsPerTarget is the request count per app server per minute the group holds by target
	// tracking on the load balancer's metric; 0 turns that policy off (CPU tracking stays).
	RequestsPerTarget int
	// RootVolumeSize is the encrypted gp3 root volume in GiB.
	RootVolumeSize int
	// SshPublicKey, when set, is installed as the servers' key pair (for SSH over Session Manager, or with
	// adminCidrs). Empty means no key pair.
	SshPublicKey string
	// LogRetentionDays is the retention of the app and system log groups, one of LogRetentionDays.
	LogRetentionDays int

	// Cpu (units, 1024 a vCPU) and Memory (MiB) size each task: one of TaskSizes.
	Cpu, Memory int
	// Image is the tag or sha256 digest of the app's image in the repository; "" runs the placeholder.
	Image string
	// Repository is an existing ECR repository's URI (a registry shared by several stacks); "" creates the
	// stack's own. RepositoryCrossAccount says one in another account is meant.
	Repository             string
	RepositoryCrossAccount bool
	// FargateSpot runs the tasks on spare capacity, at about a third of the price and with two minutes'
	// notice before AWS takes a task back: for disposable stacks only.
	FargateSpot bool
	// Exec turns on ECS Exec (a shell in a running task through Session Manager), with session logs.
	Exec bool
	// ImagesKept is how many tagged images the own repository keeps; UntaggedImageDays how long it keeps
	// an untagged one (a layer of a failed push, a manifest a new push replaced).
	ImagesKept        int
	UntaggedImageDays int
}

// Default returns a small, highly available fleet: Graviton t4g.small, 2 to 4 servers.
func Default() Spec {
	return Spec{
		Mode:                        ModeEC2,
		InstanceType:                "t4g.small",
		Architecture:                "",
		MinSize:                     2,
		DesiredCapacity:             2,
		MaxSize:                     4,
		HealthCheckGracePeriod:      300,
		HealthCheckPath:             "/favicon.ico",
		RefreshMinHealthyPercentage: 100,
		RefreshMaxHealthyPercentage: 200,
		CpuTarget:                   50,
		RequestsPerTarget:           1000,
		RootVolumeSize:              20,
		SshPublicKey:                "",
		LogRetentionDays:            30,
		Cpu:                         512,
		Memory:                      1024,
		ImagesKept:                  30,
		UntaggedImageDays:           7,
	}
}

// Family returns the instance family (t4g of t4g.small).
func (s Spec) Family() string {
	family, _, _ := strings.Cut(s.InstanceType, ".")
	return family
}

// Arch returns the architecture of the instance type: arm64 for Graviton (a1, and every family with a
// "g" among the letters after its generation: t4g, m7gd, c6gn, im4gn, is4gen), x86_64 for the rest.
func (s Spec) Arch() string {
	family := s.Family()
	if family == "a1" {
		return ArchArm64
	}
	i := strings.IndexAny(family, "0123456789")
	if i < 0 {
		return ArchX86_64
	}
	attributes := strings.TrimLeft(family[i:], "0123456789")
	if strings.Contains(attributes, "g") {
		return ArchArm64
	}
	return ArchX86_64
}

// offered reports whether AWS offers the instance type: the SDK's ec2.InstanceType enum lists it.
func offered(instanceType string) bool {
	return slices.Contains(awstables.EC2InstanceTypes, instanceType)
}

var (
	sshKeyPattern  = regexp.MustCompile(`^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( .*)?$`)
	healthPathChar = regexp.MustCompile(`^/[A-Za-z0-9._~/-]*$`)
)

// Validate checks the spec; keys in errors are stack-config keys with keyPrefix in front. adminCidrs is the
// network's SSH allow-list, which needs a key pair to be of any use.
func (s Spec) Validate(keyPrefix string, adminCidrs []string) error {
	var errs []error
	fail := func(key, value, format string, args ...any) {
		errs = append(errs, configerr.New(keyPrefix+key, value, format, args...))
	}
	if !slices.Contains(Modes, s.Mode) {
		fail(KeyComputeMode, s.Mode, "is not a compute mode; allowed: %q (servers in an Auto Scaling group), %q (containers on ECS Fargate)", ModeEC2, ModeFargate)
	}
	if s.Fargate() {
		s.validateFargate(fail, keyPrefix, adminCidrs)
	} else {
		s.validateServers(fail, keyPrefix, adminCidrs)
	}
	s.validateFleet(fail, keyPrefix)
	return errors.Join(errs...)
}

// validateServers checks what only the ec2 mode reads: the instance type and architecture, the instance
// refresh, the root volume and the key pair.
func (s Spec) validateServers(fail func(key, value, format string, args ...any), keyPrefix string, adminCidrs []string) {
	family := s.Family()
	switch {
	case !offered(s.InstanceType):
		fail(KeyAppInstanceType, s.InstanceType, "is not an EC2 instance type AWS offers%s (the table is pulumi-aws %s's ec2.InstanceType)",
			sizesOf(family), awstables.SDKVersion)
	case dedicatedHostsOnly(family):
		fail(KeyAppInstanceType, s.InstanceType, "runs only on dedicated hosts, which the Auto Scaling group does not use; pick a general-purpose type such as t4g.small")
	case s.Architecture != "" && s.Architecture != s.Arch():
		fail(KeyAppArchitecture, s.Architecture, "does not match %s, which runs %s AMIs; leave %s empty to follow the instance type",
			s.InstanceType, s.Arch(), keyPrefix+KeyAppArchitecture)
	}
	if s.Architecture != "" && s.Architecture != ArchArm64 && s.Architecture != ArchX86_64 {
		fail(KeyAppArchitecture, s.Architecture, "is not an architecture; allowed: %q, %q, or empty", ArchArm64, ArchX86_64)
	}

	minH, maxH := s.RefreshMinHealthyPercentage, s.RefreshMaxHealthyPercentage
	switch {
	case minH < 0 || minH > 100:
		fail(KeyAppRefreshMinHealthyPercentage, strconv.Itoa(minH), "must be from 0 to 100")
	case maxH < 100 || maxH > 200:
		fail(KeyAppRefreshMaxHealthyPercentage, strconv.Itoa(maxH), "must be from 100 to 200")
	case maxH-minH > 100:
		fail(KeyAppRefreshMaxHealthyPercentage, strconv.Itoa(maxH), "is more than 100 points above %s (%d); AWS refuses that", keyPrefix+KeyAppRefreshMinHealthyPercentage, minH)
	case minH == 100 && maxH == 100:
		fail(KeyAppRefreshMaxHealthyPercentage, "100", "leaves an instance refresh no room: with %s 100 it must be above 100 (200 replaces before terminating)", keyPrefix+KeyAppRefreshMinHealthyPercentage)
	}
	if s.RootVolumeSize < 8 || s.RootVolumeSize > 16384 {
		fail(KeyAppRootVolumeSize, strconv.Itoa(s.RootVolumeSize), "must be from 8 (the AMI's size) to 16384 GiB")
	}
	if s.SshPublicKey != "" && !sshKeyPattern.MatchString(s.SshPublicKey) {
		fail(KeyAppSshPublicKey, configerr.Abbreviate(s.SshPublicKey, 24), "is not an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*)")
	}
	if len(adminCidrs) > 0 && s.SshPublicKey == "" {
		fail(netspec.KeyAdminCidrs, strings.Join(adminCidrs, ","), "opens SSH but %s is empty, so there is no key to log in with; set both, or neither and use Session Manager", keyPrefix+KeyAppSshPublicKey)
	}
	if s.HealthCheckGracePeriod < MinGracePeriod || s.HealthCheckGracePeriod > maxGracePeriod {
		fail(KeyAppHealthCheckGracePeriod, strconv.Itoa(s.HealthCheckGracePeriod),
			"must be from %d to %d seconds; a server needs about two minutes to install the runtime and fetch the release before it can pass",
			MinGracePeriod, maxGracePeriod)
	}
}

// validateFleet checks what both modes read: the fleet's size, its health check and scaling, and the
// log retention.
func (s Spec) validateFleet(fail func(key, value, format string, args ...any), keyPrefix string) {
	switch {
	case s.MinSize < 0 || s.MaxSize < 1:
		fail(KeyAppMinSize, strconv.Itoa(s.MinSize), "and %s (%d) must be at least 0 and 1", keyPrefix+KeyAppMaxSize, s.MaxSize)
	case s.MinSize > s.MaxSize:
		fail(KeyAppMinSize, strconv.Itoa(s.MinSize), "is above %s (%d)", keyPrefix+KeyAppMaxSize, s.MaxSize)
	case s.DesiredCapacity < s.MinSize || s.DesiredCapacity > s.MaxSize:
		fail(KeyAppDesiredCapacity, strconv.Itoa(s.DesiredCapacity), "must lie between %s (%d) and %s (%d)",
			keyPrefix+KeyAppMinSize, s.MinSize, keyPrefix+KeyAppMaxSize, s.MaxSize)
	}
	if !healthPathChar.MatchString(s.HealthCheckPath) || len(s.HealthCheckPath) > 1024 {
		fail(KeyAppHealthCheckPath, s.HealthCheckPath, "is not a URL path such as /favicon.ico")
	}
	if s.RequestsPerTarget < 0 {
		fail(KeyAppRequestsPerTarget, strconv.Itoa(s.RequestsPerTarget), "must be 0 (off) or a positive request count")
	}
	if s.CpuTarget < 10 || s.CpuTarget > 90 {
		fail(KeyAppCpuTarget, strconv.Itoa(s.CpuTarget), "must be from 10 to 90 percent")
	}
	if !slices.Contains(LogRetentionDays, s.LogRetentionDays) {
		fail(KeyLogRetentionDays, strconv.Itoa(s.LogRetentionDays), "is not a CloudWatch Logs retention; allowed: %s", joinInts(LogRetentionDays))
	}
}

// sizesOf lists the sizes AWS offers in family, for an error message; "" when the family is unknown.
func sizesOf(family string) string {
	sizes := awstables.Sizes(awstables.EC2InstanceTypes, family)
	if len(sizes) == 0 {
		return "; the family " + strconv.Quote(family) + " is unknown"
	}
	return "; " + family + " comes in " + strings.Join(sizes, ", ")
}

func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}
