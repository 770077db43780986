package computespec

import (
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate("tastylog:", nil); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
}

func TestArch(t *testing.T) {
	for typ, want := range map[string]string{
		"t4g.small": ArchArm64, "m7g.large": ArchArm64, "c7g.xlarge": ArchArm64,
		"t3.micro": ArchX86_64, "m7i.large": ArchX86_64, "c6a.large": ArchX86_64,
		"m6gd.large": ArchArm64, "c6gn.medium": ArchArm64, "im4gn.large": ArchArm64, "a1.large": ArchArm64,
		"g4dn.xlarge": ArchX86_64, "m5zn.large": ArchX86_64,
	} {
		if got := (Spec{InstanceType: typ}).Arch(); got != want {
			t.Errorf("Arch(%s) = %q, want %q", typ, got, want)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDJ0aXN0eWxvZ3Rlc3RrZXl0aGF0aXNub3RyZWFs ops@example"
	cases := []struct {
		name   string
		mutate func(*Spec)
		admin  []string
		want   string
	}{
		{"RequestsPerTarget", func(s *Spec) { s.RequestsPerTarget = -1 }, nil, `tastylog:appRequestsPerTarget: "-1" must be 0 (off) or a positive request count`},
		{"ArchitectureMismatch", func(s *Spec) { s.InstanceType = "t4g.small"; s.Architecture = ArchX86_64 }, nil,
			`tastylog:appArchitecture: "x86_64" does not match t4g.small, which runs arm64 AMIs`},
		{"ArchitectureMismatchX86", func(s *Spec) { s.InstanceType = "t3.small"; s.Architecture = ArchArm64 }, nil,
			`tastylog:appArchitecture: "arm64" does not match t3.small, which runs x86_64 AMIs`},
		{"UnknownFamily", func(s *Spec) { s.InstanceType = "x9z.large" }, nil,
			`tastylog:appInstanceType: "x9z.large" is not an EC2 instance type AWS offers; the family "x9z" is unknown`},
		{"SizeNotInBurstableFamily", func(s *Spec) { s.InstanceType = "t3.4xlarge" }, nil,
			`tastylog:appInstanceType: "t3.4xlarge" is not an EC2 instance type AWS offers; t3 comes in nano, micro, small, medium, large, xlarge, 2xlarge`},
		{"SizeNotInGravitonFamily", func(s *Spec) { s.InstanceType = "c7g.small" }, nil,
			`tastylog:appInstanceType: "c7g.small" is not an EC2 instance type AWS offers; c7g comes in`},
		{"NanoNotInM5", func(s *Spec) { s.InstanceType = "m5.nano" }, nil,
			`tastylog:appInstanceType: "m5.nano" is not an EC2 instance type AWS offers`},
		{"DedicatedHostsOnly", func(s *Spec) { s.InstanceType = "mac2.metal" }, nil,
			`tastylog:appInstanceType: "mac2.metal" runs only on dedicated hosts`},
		{"NotAnInstanceType", func(s *Spec) { s.InstanceType = "small" }, nil,
			`tastylog:appInstanceType: "small" is not an EC2 instance type`},
		{"MinAboveMax", func(s *Spec) { s.MinSize, s.DesiredCapacity, s.MaxSize = 3, 3, 2 }, nil,
			`tastylog:appMinSize: "3" is above tastylog:appMaxSize (2)`},
		{"DesiredAboveMax", func(s *Spec) { s.MinSize, s.DesiredCapacity, s.MaxSize = 1, 5, 4 }, nil,
			`tastylog:appDesiredCapacity: "5" must lie between tastylog:appMinSize (1) and tastylog:appMaxSize (4)`},
		{"DesiredBelowMin", func(s *Spec) { s.MinSize, s.DesiredCapacity, s.MaxSize = 2, 1, 4 }, nil,
			`tastylog:appDesiredCapacity: "1" must lie between`},
		{"GraceTooShort", func(s *Spec) { s.HealthCheckGracePeriod = 30 }, nil,
			`tastylog:appHealthCheckGracePeriod: "30" must be from 120 to 7200 seconds`},
		{"HealthPathNotAPath", func(s *Spec) { s.HealthCheckPath = "health" }, nil,
			`tastylog:appHealthCheckPath: "health" is not a URL path`},
		{"RefreshSpreadTooWide", func(s *Spec) { s.RefreshMinHealthyPercentage, s.RefreshMaxHealthyPercentage = 50, 200 }, nil,
			`tastylog:appRefreshMaxHealthyPercentage: "200" is more than 100 points above`},
		{"RefreshNoRoom", func(s *Spec) { s.RefreshMinHealthyPercentage, s.RefreshMaxHealthyPercentage = 100, 100 }, nil,
			`leaves an instance refresh no room`},
		{"CpuTarget", func(s *Spec) { s.CpuTarget = 95 }, nil, `tastylog:appCpuTarget: "95" must be from 10 to 90 percent`},
		{"RootVolume", func(s *Spec) { s.RootVolumeSize = 4 }, nil, `tastylog:appRootVolumeSize: "4" must be from 8`},
		{"BadSshKey", func(s *Spec) { s.SshPublicKey = "-----BEGIN RSA PRIVATE KEY-----" }, nil,
			`tastylog:appSshPublicKey: "-----BEGIN RSA PRIVATE K..." is not an OpenSSH public key`},
		{"AdminCidrsWithoutKey", func(s *Spec) {}, []string{"10.20.0.0/16"},
			`tastylog:adminCidrs: "10.20.0.0/16" opens SSH but tastylog:appSshPublicKey is empty`},
		{"LogRetention", func(s *Spec) { s.LogRetentionDays = 45 }, nil,
			`tastylog:logRetentionDays: "45" is not a CloudWatch Logs retention; allowed: 1, 3, 5, 7, 14, 30, 60`},
		{"KeyIsFine", func(s *Spec) { s.SshPublicKey = key; s.LogRetentionDays = 2 }, []string{"10.20.0.0/16"},
			`tastylog:logRetentionDays: "2"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			tc.mutate(&s)
			err := s.Validate("tastylog:", tc.admin)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant it to contain %q", err, tc.want)
			}
			if tc.name == "KeyIsFine" && strings.Contains(err.Error(), "SshPublicKey") {
				t.Errorf("Validate() rejected a valid key: %v", err)
			}
		})
	}
}

func TestDevLikeIsValid(t *testing.T) {
	s := Default()
	s.InstanceType = "t4g.micro"
	s.MinSize, s.DesiredCapacity, s.MaxSize = 1, 1, 2
	s.RefreshMinHealthyPercentage, s.RefreshMaxHealthyPercentage = 0, 100
	s.Architecture = ArchArm64
	if err := s.Validate("tastylog:", nil); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
}
