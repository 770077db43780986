package compute

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/appboot"
	"github.com/tastylog/infra/internal/layer"
)

// amiParameter is AWS's public parameter naming the latest Amazon Linux 2023 AMI for an architecture.
func amiParameter(arch string) string {
	return "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-" + arch
}

type launchTemplate struct {
	res    *ec2.LaunchTemplate
	amiID  string
	script pulumi.StringOutput // the rendered user data, before base64
}

// buildLaunchTemplate resolves the AMI for the instance type's architecture at deploy time (a new AMI
// gives a new template version, which rolls the fleet on the next `pulumi up`), and describes a server:
// IMDSv2 only, detailed monitoring when asked for, an encrypted gp3 root volume, the app group (and opmng when it has rules), no public address, a key pair
// only when one is configured, and the bootstrap script as user data.
func (b *builder) buildLaunchTemplate() error {
	arch := b.args.Arch()
	ami, err := ssm.LookupParameter(b.ctx, &ssm.LookupParameterArgs{Name: amiParameter(arch)}, pulumi.Parent(b.component))
	if err != nil {
		return fmt.Errorf("resolving the Amazon Linux 2023 %s AMI: %w", arch, err)
	}
	b.template.amiID = ami.InsecureValue

	var keyName pulumi.StringPtrInput
	if b.args.SshPublicKey != "" {
		key, err := ec2.NewKeyPair(b.ctx, b.name+"-app-key", &ec2.KeyPairArgs{
			PublicKey: pulumi.String(b.args.SshPublicKey),
			Tags:      layer.NameTags(b.name + "-app-key"),
		}, b.opts...)
		if err != nil {
			return err
		}
		keyName = key.KeyName
	}

	b.template.script = b.args.DeployBucketName.ToStringOutput().ApplyT(func(bucket string) (string, error) {
		return appboot.UserData(appboot.UserDataInput{
			Region:             b.args.Region,
			ParameterPath:      b.args.ParameterPath,
			DeployBucket:       bucket,
			AppLogGroup:        b.logGroupName(logApp),
			SystemLogGroup:     b.logGroupName(logSystem),
			AppPort:            AppPort,
			RequiredParameters: appboot.RequiredParameters,
		})
	}).(pulumi.StringOutput)
	userData := b.template.script.ApplyT(func(s string) string {
		return base64.StdEncoding.EncodeToString([]byte(s))
	}).(pulumi.StringOutput)

	name := b.name + "-app-lt"
	b.template.res, err = ec2.NewLaunchTemplate(b.ctx, name, &ec2.LaunchTemplateArgs{
		Description:  pulumi.String("tastylog app server (" + b.args.InstanceType + ", Amazon Linux 2023 " + arch + ")"),
		ImageId:      pulumi.String(b.template.amiID),
		InstanceType: pulumi.String(b.args.InstanceType),
		KeyName:      keyName,
		Monitoring:   &ec2.LaunchTemplateMonitoringArgs{Enabled: pulumi.Bool(b.args.DetailedMonitoring)},
		IamInstanceProfile: &ec2.LaunchTemplateIamInstanceProfileArgs{
			Arn: b.profile.Arn,
		},
		MetadataOptions: &ec2.LaunchTemplateMetadataOptionsArgs{
			HttpEndpoint:            pulumi.String("enabled"),
			HttpTokens:              pulumi.String("required"), // IMDSv2 only
			HttpPutResponseHopLimit: pulumi.Int(1),
		},
		BlockDeviceMappings: ec2.LaunchTemplateBlockDeviceMappingArray{
			ec2.LaunchTemplateBlockDeviceMappingArgs{
				DeviceName: pulumi.String("/dev/xvda"), // the AL2023 root device
				Ebs: &ec2.LaunchTemplateBlockDeviceMappingEbsArgs{
					VolumeSize:          pulumi.Int(b.args.RootVolumeSize),
					VolumeType:          pulumi.String("gp3"),
					Encrypted:           pulumi.String("true"),
					DeleteOnTermination: pulumi.String("true"),
				},
			},
		},
		NetworkInterfaces: ec2.LaunchTemplateNetworkInterfaceArray{
			ec2.LaunchTemplateNetworkInterfaceArgs{
				DeviceIndex:              pulumi.Int(0),
				AssociatePublicIpAddress: pulumi.String("false"),
				DeleteOnTermination:      pulumi.String("true"),
				SecurityGroups:           b.securityGroups(),
			},
		},
		UserData:             userData,
		UpdateDefaultVersion: pulumi.Bool(true),
		TagSpecifications: ec2.LaunchTemplateTagSpecificationArray{
			ec2.LaunchTemplateTagSpecificationArgs{
				ResourceType: pulumi.String("volume"),
				Tags:         b.serverTags(b.name + "-app-ebs"),
			},
		},
		Tags: layer.NameTags(name),
	}, b.opts...)
	return err
}

// serverTags are the tags of what the Auto Scaling group launches: the provider's default tags do not
// reach instances and volumes created by AWS on the group's behalf.
func (b *builder) serverTags(name string) pulumi.StringMap {
	return pulumi.StringMap{
		"Name":      pulumi.String(name),
		"Project":   pulumi.String(b.args.Project),
		"Env":       pulumi.String(b.args.Env),
		"ManagedBy": pulumi.String("pulumi"),
	}
}

// securityGroups are the servers' groups: app, and opmng only when adminCidrs gives it rules (an empty
// group attached does nothing but make a reviewer ask what it is for).
func (b *builder) securityGroups() pulumi.StringArray {
	groups := pulumi.StringArray{b.args.AppSecurityGroupId}
	if len(b.args.AdminCidrs) > 0 {
		groups = append(groups, b.args.OpmngSecurityGroupId)
	}
	return groups
}
