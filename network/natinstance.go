package network

import (
	_ "embed"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/autoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/bootstrapspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/layer"
	"github.com/tastylog/infra/internal/netspec"
)

// The NAT instance: a Graviton nano is ample for a dev stack's package downloads and API calls (up to
// 5 Gbit/s burst), at about a tenth of a NAT gateway's hourly price.
const (
	natInstanceType = "t4g.nano"
	natAmiParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
	// natTag marks what the NAT instance may act on: its own instance and interface, the fixed interface
	// and the Elastic IP.
	natTag = "NatInstance"
)

//go:embed natinstance.sh.tmpl
var natBootSource string

var natBoot = template.Must(template.New("nat").Option("missingkey=error").Parse(natBootSource))

// natBootScript renders the NAT instance's boot for the values it takes over.
func natBootScript(region, allocationID, interfaceID, vpcCidr string) (string, error) {
	for _, v := range []string{region, allocationID, interfaceID, vpcCidr} {
		if v == "" || strings.ContainsAny(v, "'\n") {
			return "", fmt.Errorf("nat instance: %q is empty or not safe to quote", v)
		}
	}
	var sb strings.Builder
	err := natBoot.Execute(&sb, map[string]string{"Region": region, "AllocationId": allocationID, "InterfaceId": interfaceID, "VpcCidr": vpcCidr})
	return sb.String(), err
}

// natPolicy is what the NAT instance may do: Session Manager, and on resources tagged as this stack's NAT
// only, turn off its interface's source/destination check, take the Elastic IP and attach the fixed
// interface (DescribeNetworkInterfaces has no resource form).
func natPolicy(region, account, stack string) iampolicy.Document {
	arn := func(kind string) string { return fmt.Sprintf("arn:aws:ec2:%s:%s:%s/*", region, account, kind) }
	return iampolicy.New(append([]iampolicy.Statement{
		iampolicy.Allow("SessionManager", iampolicy.SessionManagerActions, []string{"*"}),
		iampolicy.Allow("FindInterface", []string{"ec2:DescribeNetworkInterfaces"}, []string{"*"}),
		iampolicy.Allow("TakeOver", []string{"ec2:ModifyNetworkInterfaceAttribute", "ec2:AttachNetworkInterface", "ec2:AssociateAddress"},
			[]string{arn("network-interface"), arn("instance"), arn("elastic-ip")}).
			When("StringEquals", "aws:ResourceTag/"+natTag, stack),
	}, iampolicy.SessionLogs(region, account, bootstrapspec.SessionLogGroup)...)...)
}

// buildNatInstance creates the NAT instance strategy: a fixed network interface in the first AZ's public
// subnet (source/destination check off) that the private route tables point at, the Elastic IP, and an
// Auto Scaling group of one Amazon Linux 2023 Graviton nano whose boot takes both over. When the instance
// fails its EC2 status checks the group replaces it, and the new one attaches the same interface: the
// routes never change and never point at a dead instance for longer than a replacement takes (a few
// minutes; CDK's NAT instances and terraform-aws-vpc's module have no replacement at all).
func (b *builder) buildNatInstance() error {
	az := b.spec.AvailabilityZones[0]
	subnet := b.subnetIn(netspec.TierPublic, az)
	tags := func(name string) pulumi.StringMap {
		t := layer.NameTags(name)
		t[natTag] = pulumi.String(b.name)
		return t
	}
	// Its own address, not the NAT gateway's: switching strategies creates before it deletes, and a NAT
	// gateway cannot take an address the instance holds (nor the instance one a gateway holds).
	eipName := azName(b.name+"-nat-instance-eip", az)
	eip, err := ec2.NewEip(b.ctx, eipName, &ec2.EipArgs{Domain: pulumi.String("vpc"), Tags: tags(eipName)},
		b.with(pulumi.DependsOn([]pulumi.Resource{b.igw}))...)
	if err != nil {
		return err
	}
	b.natEips = append(b.natEips, eip)
	group := b.securityGroups[sgNat].ID().ToStringOutput()
	eniName := azName(b.name+"-nat-eni", az)
	b.natInterface, err = ec2.NewNetworkInterface(b.ctx, eniName, &ec2.NetworkInterfaceArgs{
		SubnetId:        subnet.ID(),
		SecurityGroups:  pulumi.StringArray{group},
		SourceDestCheck: pulumi.Bool(false),
		Description:     pulumi.String("The private subnets' route to the internet through the NAT instance of " + b.name),
		Tags:            tags(eniName),
	}, b.opts...)
	if err != nil {
		return err
	}

	role, err := iam.NewRole(b.ctx, b.name+"-nat-role", &iam.RoleArgs{
		Description:      pulumi.String("The NAT instance of " + b.name),
		AssumeRolePolicy: pulumi.String(iampolicy.AssumeRole("ec2.amazonaws.com").JSON()),
		Tags:             layer.NameTags(b.name + "-nat-role"),
	}, b.opts...)
	if err != nil {
		return err
	}
	policy, err := iam.NewRolePolicy(b.ctx, b.name+"-nat-policy", &iam.RolePolicyArgs{
		Role:   role.Name,
		Policy: pulumi.String(natPolicy(b.spec.Region, b.account, b.name).JSON()),
	}, b.opts...)
	if err != nil {
		return err
	}
	profile, err := iam.NewInstanceProfile(b.ctx, b.name+"-nat-profile", &iam.InstanceProfileArgs{
		Role: role.Name, Tags: layer.NameTags(b.name + "-nat-profile"),
	}, b.opts...)
	if err != nil {
		return err
	}

	ami, err := ssm.LookupParameter(b.ctx, &ssm.LookupParameterArgs{Name: natAmiParameter}, pulumi.Parent(b.component))
	if err != nil {
		return fmt.Errorf("resolving the NAT instance's Amazon Linux 2023 arm64 AMI: %w", err)
	}
	userData := pulumi.All(eip.AllocationId, b.natInterface.ID(), b.vpc.CidrBlock).ApplyT(func(in []any) (string, error) {
		script, err := natBootScript(b.spec.Region, in[0].(string), string(in[1].(pulumi.ID)), in[2].(string))
		return base64.StdEncoding.EncodeToString([]byte(script)), err
	}).(pulumi.StringOutput)
	ltName := b.name + "-nat-lt"
	instanceName := b.name + "-nat-ec2"
	lt, err := ec2.NewLaunchTemplate(b.ctx, ltName, &ec2.LaunchTemplateArgs{
		Description:        pulumi.String("NAT instance of " + b.name + " (" + natInstanceType + ", Amazon Linux 2023 arm64)"),
		ImageId:            pulumi.String(ami.InsecureValue),
		InstanceType:       pulumi.String(natInstanceType),
		IamInstanceProfile: &ec2.LaunchTemplateIamInstanceProfileArgs{Arn: profile.Arn},
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpTokens: pulumi.String("required"), HttpEndpoint: pulumi.String("enabled"), HttpPutResponseHopLimit: pulumi.Int(1),
		},
		// A public address to reach the EC2 API at boot, before the Elastic IP replaces it.
		NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{&ec2.LaunchTemplateNetworkInterfaceArgs{
			DeviceIndex: pulumi.Int(0), AssociatePublicIpAddress: pulumi.String("true"), DeleteOnTermination: pulumi.String("true"),
			SecurityGroups: pulumi.StringArray{group},
		}},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{&ec2.LaunchTemplateBlockDeviceMappingArgs{
			DeviceName: pulumi.String("/dev/xvda"),
			Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
				VolumeSize: pulumi.Int(8), VolumeType: pulumi.String("gp3"), Encrypted: pulumi.String("true"), DeleteOnTermination: pulumi.String("true"),
			},
		}},
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("instance"), Tags: tags(instanceName)},
			&ec2.LaunchTemplateTagSpecificationArgs{ResourceType: pulumi.String("network-interface"), Tags: tags(instanceName)},
		},
		UserData: userData,
		Tags:     layer.NameTags(ltName),
	}, b.opts...)
	if err != nil {
		return err
	}
	asgName := b.name + "-nat-asg"
	b.natGroup, err = autoscaling.NewGroup(b.ctx, asgName, &autoscaling.GroupArgs{
		VpcZoneIdentifiers:     pulumi.StringArray{subnet.ID()}, // the fixed interface's AZ
		MinSize:                pulumi.Int(1),
		MaxSize:                pulumi.Int(1),
		DesiredCapacity:        pulumi.Int(1),
		HealthCheckType:        pulumi.String("EC2"),
		HealthCheckGracePeriod: pulumi.Int(120),
		LaunchTemplate: &autoscaling.GroupLaunchTemplateArgs{
			Id:      lt.ID(),
			Version: lt.LatestVersion.ApplyT(func(v int) string { return strconv.Itoa(v) }).(pulumi.StringOutput),
		},
		// One instance: a new template replaces it (the interface can be attached to one instance at a time).
		InstanceRefresh: &autoscaling.GroupInstanceRefreshArgs{
			Strategy: pulumi.String("Rolling"),
			Preferences: &autoscaling.GroupInstanceRefreshPreferencesArgs{
				MinHealthyPercentage: pulumi.Int(0), MaxHealthyPercentage: pulumi.Int(100),
			},
		},
		WaitForCapacityTimeout: pulumi.String("0"),
		EnabledMetrics:         pulumi.ToStringArray([]string{"GroupInServiceInstances"}),
		MetricsGranularity:     pulumi.String("1Minute"),
		Tags: autoscaling.GroupTagArray{
			&autoscaling.GroupTagArgs{Key: pulumi.String("Name"), Value: pulumi.String(asgName), PropagateAtLaunch: pulumi.Bool(false)},
		},
	}, b.with(pulumi.DependsOn([]pulumi.Resource{policy}))...)
	return err
}
