package netspec

import (
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate("tastylog:"); err != nil {
		t.Fatalf("Default().Validate() = %v, want nil", err)
	}
}

func TestEveryCommercialRegionIsSupported(t *testing.T) {
	for _, region := range []string{"ap-northeast-1", "us-east-1", "mx-central-1", "ap-southeast-7", "il-central-1"} {
		s := Default()
		s.Region, s.AvailabilityZones = region, []string{region + "a", region + "b"}
		if err := s.Validate("tastylog:"); err != nil {
			t.Errorf("Validate() in %s = %v", region, err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   []string // every fragment must appear in the error
	}{
		{"MalformedVpcCidr", func(s *Spec) { s.VpcCidr = "192.168.0.0/33" },
			[]string{`tastylog:vpcCidr: "192.168.0.0/33" is not an IPv4 CIDR block`}},
		{"VpcCidrNotNetworkAddress", func(s *Spec) { s.VpcCidr = "192.168.1.0/20" },
			[]string{`tastylog:vpcCidr: "192.168.1.0/20" is not a network address (did you mean 192.168.0.0/20?)`}},
		{"RegionOfAnotherPartition", func(s *Spec) {
			s.Region, s.AvailabilityZones = "cn-north-1", []string{"cn-north-1a", "cn-north-1b"}
		}, []string{`aws:region: "cn-north-1" is not a region this stack supports; supported (the commercial regions of pulumi-aws v6.83.4's aws.Region): af-south-1,`}},
		{"RegionAwsDoesNotHave", func(s *Spec) {
			s.Region, s.AvailabilityZones = "ap-northeast-9", []string{"ap-northeast-9a", "ap-northeast-9c"}
		}, []string{`aws:region: "ap-northeast-9" is not a region this stack supports`}},
		{"VpcCidrTooLarge", func(s *Spec) { s.VpcCidr = "10.0.0.0/8" },
			[]string{`tastylog:vpcCidr: "10.0.0.0/8" has prefix length /8; AWS allows /16 to /28`}},
		{"IPv6VpcCidr", func(s *Spec) { s.VpcCidr = "2001:db8::/56" },
			[]string{`tastylog:vpcCidr: "2001:db8::/56" is not an IPv4 CIDR block`}},
		{"SubnetOutsideVpc", func(s *Spec) { s.Subnets.Private[1] = "10.0.4.0/24" },
			[]string{`tastylog:subnets.private[1]: "10.0.4.0/24" is outside the VPC 192.168.0.0/20`}},
		{"OverlappingSubnets", func(s *Spec) { s.Subnets.Db[0] = "192.168.3.128/25" },
			[]string{`tastylog:subnets.db[0]: "192.168.3.128/25" overlaps 192.168.3.0/24 (tastylog:subnets.private[0])`}},
		{"MalformedSubnet", func(s *Spec) { s.Subnets.Public[0] = "192.168.1.0" },
			[]string{`tastylog:subnets.public[0]: "192.168.1.0" is not an IPv4 CIDR block`}},
		{"SubnetTooSmall", func(s *Spec) { s.Subnets.Public[0] = "192.168.1.0/29" },
			[]string{`tastylog:subnets.public[0]: "192.168.1.0/29" has prefix length /29; AWS allows /16 to /28 for a subnet`}},
		{"SubnetCountDiffersFromAZs", func(s *Spec) { s.Subnets.Db = s.Subnets.Db[:1] },
			[]string{`tastylog:subnets.db: "[192.168.5.0/24]" has 1 subnet(s); want exactly one per availability zone (2)`}},
		{"ThirdAZWithoutSubnets", func(s *Spec) { s.AvailabilityZones = append(s.AvailabilityZones, "ap-northeast-1d") },
			[]string{"tastylog:subnets.public: ", "tastylog:subnets.private: ", "tastylog:subnets.db: ", "want exactly one per availability zone (3)"}},
		{"OneAZ", func(s *Spec) {
			s.AvailabilityZones = s.AvailabilityZones[:1]
			s.Subnets = Subnets{Public: s.Subnets.Public[:1], Private: s.Subnets.Private[:1], Db: s.Subnets.Db[:1]}
		}, []string{`tastylog:availabilityZones: "[ap-northeast-1a]" lists 1 AZ(s); at least 2 are needed`}},
		{"AZInOtherRegion", func(s *Spec) { s.AvailabilityZones[1] = "us-east-1a" },
			[]string{`tastylog:availabilityZones[1]: "us-east-1a" is not in region "ap-northeast-1" (aws:region)`}},
		{"AZNotAZName", func(s *Spec) { s.AvailabilityZones[1] = "ap-northeast-1" },
			[]string{`tastylog:availabilityZones[1]: "ap-northeast-1" is not an availability zone name`}},
		{"DuplicateAZ", func(s *Spec) { s.AvailabilityZones[1] = "ap-northeast-1a" },
			[]string{`tastylog:availabilityZones[1]: "ap-northeast-1a" is listed twice`}},
		{"BadRegion", func(s *Spec) { s.Region = "tokyo" },
			[]string{`aws:region: "tokyo" is not an AWS region name`}},
		{"UnknownNatStrategy", func(s *Spec) { s.NatStrategy = "perAZ" },
			[]string{`tastylog:natStrategy: "perAZ" is not a NAT strategy; allowed: "none", "single", "perAz"`}},
		{"UnknownEndpoint", func(s *Spec) { s.VpcEndpoints = []string{"ssm", "s3"} },
			[]string{`tastylog:vpcEndpoints[1]: "s3" is not an endpoint this stack can create; allowed: "ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "ec2"`}},
		{"DuplicateEndpoint", func(s *Spec) { s.VpcEndpoints = []string{"ssm", "ssm"} },
			[]string{`tastylog:vpcEndpoints[1]: "ssm" is listed twice`}},
		{"AdminCidrWorld", func(s *Spec) { s.AdminCidrs = []string{"0.0.0.0/0"} },
			[]string{`tastylog:adminCidrs[0]: "0.0.0.0/0" would open SSH to the whole internet`}},
		{"AdminCidrWorldInHalves", func(s *Spec) { s.AdminCidrs = []string{"10.20.0.0/16", "0.0.0.0/1"} },
			[]string{`tastylog:adminCidrs[1]: "0.0.0.0/1" is too broad for SSH access; allowed prefix lengths are /8 to /32`}},
		{"AdminCidrMalformed", func(s *Spec) { s.AdminCidrs = []string{"203.0.113.7"} },
			[]string{`tastylog:adminCidrs[0]: "203.0.113.7" is not an IPv4 CIDR block`}},
		{"AdminCidrPublic", func(s *Spec) { s.AdminCidrs = []string{"203.0.113.0/24"} },
			[]string{`tastylog:adminCidrs[0]: "203.0.113.0/24" is not a private (RFC 1918) network; the app servers have no public address`}},
		{"AdminCidrSpansPrivateAndPublic", func(s *Spec) { s.AdminCidrs = []string{"172.0.0.0/8"} },
			[]string{`tastylog:adminCidrs[0]: "172.0.0.0/8" is not a private (RFC 1918) network`}},
		{"AdminCidrInsideTheVpc", func(s *Spec) { s.AdminCidrs = []string{"192.168.0.0/16"} },
			[]string{`tastylog:adminCidrs[0]: "192.168.0.0/16" overlaps the VPC 192.168.0.0/20`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			tc.mutate(&s)
			err := s.Validate("tastylog:")
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
	}{
		{"NatNoneWithEndpoints", func(s *Spec) {
			s.NatStrategy = NatNone
			s.VpcEndpoints = []string{"ecr.api", "ecr.dkr", "logs"}
		}},
		{"ThreeAZs", func(s *Spec) {
			s.AvailabilityZones = append(s.AvailabilityZones, "ap-northeast-1d")
			s.Subnets.Public = append(s.Subnets.Public, "192.168.7.0/24")
			s.Subnets.Private = append(s.Subnets.Private, "192.168.8.0/24")
			s.Subnets.Db = append(s.Subnets.Db, "192.168.9.0/24")
		}},
		{"AdminCidrs", func(s *Spec) { s.AdminCidrs = []string{"10.20.0.0/16", "172.16.5.7/32", "192.168.16.0/24"} }},
		{"OtherRegion", func(s *Spec) {
			s.Region = "us-west-2"
			s.AvailabilityZones = []string{"us-west-2a", "us-west-2b"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			tc.mutate(&s)
			if err := s.Validate("tastylog:"); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	s := Default()
	s.NatStrategy = "two"
	s.AdminCidrs = []string{"0.0.0.0/0"}
	err := s.Validate("p:")
	for _, w := range []string{"p:natStrategy", "p:adminCidrs[0]"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Validate() = %v, want it to name %s", err, w)
		}
	}
}

func TestCheckWithoutNat(t *testing.T) {
	need := []string{"ssm", "logs", "ecr.api"}
	s := Default()
	if err := s.CheckWithoutNat("tastylog:", need, "the tasks"); err != nil {
		t.Errorf("with NAT: CheckWithoutNat() = %v, want nil", err)
	}
	s.NatStrategy = NatNone
	err := s.CheckWithoutNat("tastylog:", need, "the tasks")
	want := `tastylog:natStrategy: "none" leaves the tasks without a way to reach AWS; set tastylog:natStrategy to "instance", "single" or "perAz", or add "ssm", "logs", "ecr.api" to tastylog:vpcEndpoints`
	if err == nil || err.Error() != want {
		t.Errorf("CheckWithoutNat() = %v\nwant %s", err, want)
	}
	s.VpcEndpoints = []string{"logs", "ssm"}
	if err := s.CheckWithoutNat("tastylog:", need, "the tasks"); err == nil || !strings.HasSuffix(err.Error(), `add "ecr.api" to tastylog:vpcEndpoints`) {
		t.Errorf("CheckWithoutNat() = %v, want only ecr.api missing", err)
	}
	s.VpcEndpoints = need
	if err := s.CheckWithoutNat("tastylog:", need, "the tasks"); err != nil {
		t.Errorf("every endpoint: CheckWithoutNat() = %v, want nil", err)
	}
}

func TestNatPlacement(t *testing.T) {
	cases := []struct {
		strategy NatStrategy
		wantAZs  []string
		wantFor  map[string]string // app AZ -> NAT AZ; absent means no NAT route
	}{
		{NatNone, nil, map[string]string{}},
		{NatSingle, []string{"ap-northeast-1a"}, map[string]string{"ap-northeast-1a": "ap-northeast-1a", "ap-northeast-1c": "ap-northeast-1a"}},
		{NatInstance, []string{"ap-northeast-1a"}, map[string]string{"ap-northeast-1a": "ap-northeast-1a", "ap-northeast-1c": "ap-northeast-1a"}},
		{NatPerAz, []string{"ap-northeast-1a", "ap-northeast-1c"}, map[string]string{"ap-northeast-1a": "ap-northeast-1a", "ap-northeast-1c": "ap-northeast-1c"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.strategy), func(t *testing.T) {
			s := Default()
			s.NatStrategy = tc.strategy
			if got := s.NatAZs(); strings.Join(got, ",") != strings.Join(tc.wantAZs, ",") {
				t.Errorf("NatAZs() = %v, want %v", got, tc.wantAZs)
			}
			for _, az := range s.AvailabilityZones {
				got, ok := s.NatAZFor(az)
				want, wantOK := tc.wantFor[az]
				if got != want || ok != wantOK {
					t.Errorf("NatAZFor(%s) = %q, %v; want %q, %v", az, got, ok, want, wantOK)
				}
			}
		})
	}
}

func TestAZSuffix(t *testing.T) {
	for az, want := range map[string]string{"ap-northeast-1a": "1a", "us-east-1f": "1f", "eu-central-2b": "2b"} {
		if got := AZSuffix(az); got != want {
			t.Errorf("AZSuffix(%q) = %q, want %q", az, got, want)
		}
	}
}
