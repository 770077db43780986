package computespec

import (
	"strings"
	"testing"
)

func fargate() Spec {
	s := Default()
	s.Mode = ModeFargate
	return s
}

func TestFargateDefaultIsValid(t *testing.T) {
	if err := fargate().Validate("tastylog:", nil); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
}

func TestTaskSizesAreFargates(t *testing.T) {
	for _, c := range []struct {
		cpu, memory int
		ok          bool
	}{
		{256, 512, true}, {256, 2048, true}, {256, 1536, false}, {256, 4096, false},
		{512, 1024, true}, {512, 4096, true}, {512, 512, false},
		{1024, 2048, true}, {1024, 8192, true}, {1024, 9216, false},
		{2048, 16384, true}, {4096, 30720, true}, {4096, 31744, false},
		{8192, 16384, true}, {8192, 20480, true}, {8192, 17408, false}, {8192, 61440, true},
		{16384, 32768, true}, {16384, 40960, true}, {16384, 36864, false}, {16384, 122880, true},
		{768, 2048, false}, {32768, 65536, false},
	} {
		s := fargate()
		s.Cpu, s.Memory = c.cpu, c.memory
		if err := s.Validate("tastylog:", nil); (err == nil) != c.ok {
			t.Errorf("cpu %d memory %d: Validate() = %v, want ok=%v", c.cpu, c.memory, err, c.ok)
		}
	}
}

func TestValidateRejectsFargate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"CpuNotASize", func(s *Spec) { s.Cpu = 300 },
			`tastylog:appCpu: "300" is not a Fargate task CPU size; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384 (1024 is one vCPU)`},
		{"MemoryNotPaired", func(s *Spec) { s.Cpu, s.Memory = 256, 4096 },
			`tastylog:appMemory: "4096" is not a memory size Fargate pairs with tastylog:appCpu 256; allowed: 512, 1024, 2048`},
		{"MemoryNotPairedLarge", func(s *Spec) { s.Cpu, s.Memory = 4096, 4096 },
			`allowed: 8192 to 30720 in steps of 1024`},
		{"ImageIsAFullReference", func(s *Spec) { s.Image = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/tastylog:v1" },
			`tastylog:appImage: "123456789012.dkr.ecr.ap-northeast-1.amaz..." is not an image tag or digest; want a tag such as v1.4.2`},
		{"ImageDigestTooShort", func(s *Spec) { s.Image = "sha256:abc" },
			`tastylog:appImage: "sha256:abc" is not an image tag or digest`},
		{"ImageTagBadStart", func(s *Spec) { s.Image = "-v1" },
			`tastylog:appImage: "-v1" is not an ECR image tag`},
		{"ImageTagLatest", func(s *Spec) { s.Image = "latest" },
			`tastylog:appImage: "latest" names a tag that moves`},
		{"RepositoryNotAUri", func(s *Spec) { s.Repository = "docker.io/library/node" },
			`tastylog:appRepository: "docker.io/library/node" is not an ECR repository URI`},
		{"RepositoryUppercase", func(s *Spec) { s.Repository = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/Tastylog" },
			`is not an ECR repository URI`},
		{"CrossAccountWithoutRepository", func(s *Spec) { s.RepositoryCrossAccount = true },
			`tastylog:appRepositoryCrossAccount: "true" says the repository is another account's, but tastylog:appRepository is empty`},
		{"ImagesKept", func(s *Spec) { s.ImagesKept = 0 }, `tastylog:appImagesKept: "0" must be from 1 to 1000`},
		{"UntaggedDays", func(s *Spec) { s.UntaggedImageDays = 0 }, `tastylog:appUntaggedImageDays: "0" must be from 1 to 3650 days`},
		{"Architecture", func(s *Spec) { s.Architecture = "aarch64" }, `tastylog:appArchitecture: "aarch64" is not an architecture`},
		{"Grace", func(s *Spec) { s.HealthCheckGracePeriod = -1 }, `tastylog:appHealthCheckGracePeriod: "-1" must be from 0 to 7200 seconds`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := fargate()
			tc.mutate(&s)
			err := s.Validate("tastylog:", nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestFargateIgnoresServerSettings(t *testing.T) {
	s := fargate()
	s.InstanceType, s.RefreshMinHealthyPercentage, s.HealthCheckGracePeriod = "no.such", 100, 30
	if err := s.Validate("tastylog:", nil); err != nil {
		t.Errorf("Validate() = %v; the ec2 mode's settings are not the tasks'", err)
	}
}

func TestImageRef(t *testing.T) {
	const repo = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/tastylog-dev-app"
	digest := "sha256:" + strings.Repeat("0a", 32)
	for image, want := range map[string]string{"": "", "v1.4.2": repo + ":v1.4.2", digest: repo + "@" + digest} {
		s := fargate()
		s.Image = image
		if err := s.Validate("", nil); err != nil {
			t.Errorf("Validate(%q) = %v", image, err)
		}
		if got := s.ImageRef(repo); got != want {
			t.Errorf("ImageRef(%q) = %q, want %q", image, got, want)
		}
	}
}

func TestParseRepository(t *testing.T) {
	repo, ok := ParseRepository("210987654321.dkr.ecr.eu-west-1.amazonaws.com/shared/tastylog")
	if !ok || repo != (Repository{AccountId: "210987654321", Region: "eu-west-1", Name: "shared/tastylog"}) {
		t.Errorf("ParseRepository() = %+v, %v", repo, ok)
	}
	for _, bad := range []string{"", "210987654321.dkr.ecr.eu-west-1.amazonaws.com/", "21098765432.dkr.ecr.eu-west-1.amazonaws.com/x1",
		"210987654321.dkr.ecr.eu-west-1.amazonaws.com/a", "public.ecr.aws/docker/library/node"} {
		if _, ok := ParseRepository(bad); ok {
			t.Errorf("ParseRepository(%q) ok, want refused", bad)
		}
	}
}

func TestCheckRepositoryAccount(t *testing.T) {
	s := fargate()
	s.Repository = "210987654321.dkr.ecr.ap-northeast-1.amazonaws.com/tastylog"
	err := s.CheckRepositoryAccount("tastylog:", "123456789012")
	if err == nil || !strings.Contains(err.Error(), `is in account 210987654321, not this stack's (123456789012); if that is a shared registry on purpose set tastylog:appRepositoryCrossAccount to true`) {
		t.Errorf("CheckRepositoryAccount() = %v", err)
	}
	s.RepositoryCrossAccount = true
	if err := s.CheckRepositoryAccount("tastylog:", "123456789012"); err != nil {
		t.Errorf("with the reason: CheckRepositoryAccount() = %v", err)
	}
	if err := s.CheckRepositoryAccount("tastylog:", "210987654321"); err == nil || !strings.Contains(err.Error(), "is in this stack's account") {
		t.Errorf("own account marked cross-account: CheckRepositoryAccount() = %v", err)
	}
	s.Repository, s.RepositoryCrossAccount = "", false
	if err := s.CheckRepositoryAccount("tastylog:", "123456789012"); err != nil {
		t.Errorf("own repository: CheckRepositoryAccount() = %v", err)
	}
}

func TestTaskArchDefaultsToGraviton(t *testing.T) {
	if got := fargate().TaskArch(); got != ArchArm64 {
		t.Errorf("TaskArch() = %q, want arm64", got)
	}
	if got := Default().Arch(); got != ArchArm64 {
		t.Errorf("the ec2 default runs %q; the two modes' defaults should match", got)
	}
}
