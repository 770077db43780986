package layertests

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"github.com/tastylog/infra/compute"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/appboot"
	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/testkit"
)

const (
	typeTargetGroup    = "aws:lb/targetGroup:TargetGroup"
	typeLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	typeGroup          = "aws:autoscaling/group:Group"
	typePolicy         = "aws:autoscaling/policy:Policy"
	typeRolePolicy     = "aws:iam/rolePolicy:RolePolicy"
	typeProfile        = "aws:iam/instanceProfile:InstanceProfile"
	typeKeyPair        = "aws:ec2/keyPair:KeyPair"
	deployBucket       = "tastylog-dev-deploy-" + account
	testKey            = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRhc3R5bG9nLXRlc3Qta2V5LW5vdC1yZWFs ops@example"
)

func computeDevLike() computespec.Spec {
	s := computespec.Default()
	s.InstanceType = "t4g.micro"
	s.MinSize, s.DesiredCapacity, s.MaxSize = 1, 1, 2
	s.RefreshMinHealthyPercentage, s.RefreshMaxHealthyPercentage = 0, 100
	s.LogRetentionDays = 7
	return s
}

func computeProdLike() computespec.Spec {
	s := computespec.Default()
	s.InstanceType = "m7i.large"
	s.MinSize, s.DesiredCapacity, s.MaxSize = 2, 2, 6
	s.LogRetentionDays = 90
	return s
}

func computeArgs(spec computespec.Spec) *compute.Args {
	return &compute.Args{
		Spec:                 spec,
		Project:              "tastylog",
		Env:                  "dev",
		Region:               "ap-northeast-1",
		AccountId:            account,
		ParameterPath:        "/tastylog/dev/app/",
		LogGroupPrefix:       "/tastylog/dev",
		VpcId:                pulumi.String("vpc-1"),
		SubnetIds:            pulumi.ToStringArray([]string{"subnet-private-1a", "subnet-private-1c"}),
		AppSecurityGroupId:   pulumi.String("sg-app"),
		OpmngSecurityGroupId: pulumi.String("sg-opmng"),
		DeployBucketName:     pulumi.String(deployBucket),
		SettingsArns:         pulumi.ToStringArray([]string{settingArn}),
	}
}

func computeRun(t *testing.T, a *compute.Args) (*testkit.Mocks, *compute.Compute) {
	t.Helper()
	m := testkit.New("tastylog", "dev", a.Region)
	return m, testkit.RunComponent(t, m, a.Region, func(ctx *pulumi.Context, p testkit.Providers) (*compute.Compute, error) {
		return compute.New(ctx, componentName, a, pulumi.Providers(p.App))
	})
}

func userDataOf(t *testing.T, m *testkit.Mocks) string {
	t.Helper()
	lt := m.One(t, typeLaunchTemplate, "tastylog-dev-app-lt")
	b, err := base64.StdEncoding.DecodeString(lt.Str("userData"))
	require.NoError(t, err)
	return string(b)
}

func TestLaunchTemplate(t *testing.T) {
	cases := []struct {
		name string
		spec computespec.Spec
		ami  string
	}{
		{"DevLikeGraviton", computeDevLike(), testkit.AmiID("arm64")},
		{"ProdLikeIntel", computeProdLike(), testkit.AmiID("x86_64")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := computeRun(t, computeArgs(tc.spec))
			lt := m.One(t, typeLaunchTemplate, "tastylog-dev-app-lt")
			assert.Equal(t, tc.ami, lt.Str("imageId"), "the AMI matches the instance type's architecture")
			assert.Equal(t, tc.spec.InstanceType, lt.Str("instanceType"))
			arch := tc.spec.Arch()
			inv := m.Invokes(testkit.TokenGetSsmParameter)
			require.Len(t, inv, 1)
			assert.Equal(t, "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-"+arch, inv[0].Args["name"].StringValue())

			meta := lt.Input("metadataOptions").(map[string]any)
			assert.Equal(t, "required", meta["httpTokens"], "IMDSv2 only")
			assert.Equal(t, "enabled", meta["httpEndpoint"])
			assert.EqualValues(t, 1, meta["httpPutResponseHopLimit"])

			bdm := lt.Objects("blockDeviceMappings")
			require.Len(t, bdm, 1)
			ebs := bdm[0]["ebs"].(map[string]any)
			assert.Equal(t, "/dev/xvda", bdm[0]["deviceName"])
			assert.Equal(t, "true", ebs["encrypted"])
			assert.Equal(t, "gp3", ebs["volumeType"])
			assert.EqualValues(t, 20, ebs["volumeSize"])

			nics := lt.Objects("networkInterfaces")
			require.Len(t, nics, 1)
			assert.Equal(t, "false", nics[0]["associatePublicIpAddress"], "no public address")
			assert.Equal(t, []any{"sg-app"}, nics[0]["securityGroups"], "opmng has no rules without adminCidrs, so it is not attached")
			assert.Nil(t, lt.Input("vpcSecurityGroupIds"))

			assert.Empty(t, lt.Str("keyName"), "no key pair unless configured")
			assert.Empty(t, m.ByType(typeKeyPair))
			profile := m.One(t, typeProfile, "tastylog-dev-app-profile")
			assert.Equal(t, map[string]any{"arn": "arn:aws:mock:::" + typeProfile + "/" + profile.ID}, lt.Input("iamInstanceProfile"))
			assert.Equal(t, "tastylog-dev-app-role"+testkit.AutonameSuffix, profile.Str("role"))
			assert.True(t, lt.Bool("updateDefaultVersion"))
		})
	}
}

const settingArn = "arn:aws:ssm:ap-northeast-1:" + testkit.AccountID + ":parameter/tastylog/dev/app/MYSQL_HOST"

// A new stack's `latest` names the placeholder release, which the group waits for, and Pulumi never
// writes `latest` again; the archive is the same bytes every run, with app.js at its top.
func TestPlaceholderRelease(t *testing.T) {
	m, _ := computeRun(t, computeArgs(computeDevLike()))
	release := m.One(t, "aws:s3/bucketObjectv2:BucketObjectv2", "tastylog-dev-placeholder-release")
	assert.Equal(t, deployBucket, release.Str("bucket"))
	assert.Equal(t, appboot.PlaceholderRelease, release.Str("key"))
	latest := m.One(t, "aws:s3/bucketObjectv2:BucketObjectv2", "tastylog-dev-latest-release")
	assert.Equal(t, "latest", latest.Str("key"))
	assert.Equal(t, appboot.PlaceholderRelease+"\n", latest.Str("content"))
	assert.Contains(t, latest.IgnoreChanges, "content", "deployments own latest after the first up")
	assert.Contains(t, latest.DependsOn, release.URN)
	asg := m.One(t, typeGroup, "tastylog-dev-app-asg")
	assert.Contains(t, asg.DependsOn, latest.URN, "servers boot into a release")
	assert.Contains(t, userDataOf(t, m), "tastylog-app-*.tar.gz)", "the bootstrap accepts the placeholder's name")

	again, _ := computeRun(t, computeArgs(computeDevLike()))
	assert.Equal(t, release.Str("contentBase64"),
		again.One(t, "aws:s3/bucketObjectv2:BucketObjectv2", "tastylog-dev-placeholder-release").Str("contentBase64"),
		"deterministic: a second up changes nothing")
	a, err := base64.StdEncoding.DecodeString(release.Str("contentBase64"))
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(a))
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	require.NoError(t, err)
	assert.Equal(t, "app.js", h.Name)
	app, err := io.ReadAll(tr)
	require.NoError(t, err)
	assert.Contains(t, string(app), `const healthPath = "/favicon.ico";`)
	_, err = tr.Next()
	assert.ErrorIs(t, err, io.EOF, "app.js only")
}

func TestKeyPairOnlyWhenConfigured(t *testing.T) {
	spec := computeDevLike()
	spec.SshPublicKey = testKey
	m, _ := computeRun(t, computeArgs(spec))
	key := m.One(t, typeKeyPair, "tastylog-dev-app-key")
	assert.Equal(t, testKey, key.Str("publicKey"))
	assert.Equal(t, "tastylog-dev-app-key"+testkit.AutonameSuffix, m.One(t, typeLaunchTemplate, "tastylog-dev-app-lt").Str("keyName"))
}

func TestAutoScalingGroup(t *testing.T) {
	cases := []struct {
		name             string
		spec             computespec.Spec
		minHealthy, maxH int
	}{
		{"DevLike", computeDevLike(), 0, 100},
		{"ProdLike", computeProdLike(), 100, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := computeRun(t, computeArgs(tc.spec))
			asg := m.One(t, typeGroup, "tastylog-dev-app-asg")
			tg := m.One(t, typeTargetGroup, "tastylog-dev-app-tg")
			lt := m.One(t, typeLaunchTemplate, "tastylog-dev-app-lt")

			assert.Equal(t, []string{"subnet-private-1a", "subnet-private-1c"}, asg.Strings("vpcZoneIdentifiers"), "servers only in the private subnets")
			assert.Equal(t, tc.spec.MinSize, asg.Int("minSize"))
			assert.Equal(t, tc.spec.MaxSize, asg.Int("maxSize"))
			assert.Equal(t, tc.spec.DesiredCapacity, asg.Int("desiredCapacity"))
			assert.Contains(t, asg.IgnoreChanges, "desiredCapacity", "scaling owns desired capacity after creation")
			assert.Equal(t, "ELB", asg.Str("healthCheckType"))
			assert.Equal(t, 300, asg.Int("healthCheckGracePeriod"))
			assert.Equal(t, "0", asg.Str("waitForCapacityTimeout"), "pulumi up does not wait for a release to be published")
			assert.Equal(t, []string{"arn:aws:elasticloadbalancing:ap-northeast-1:" + account + ":targetgroup/tastylog-dev-app-tg/0123456789abcdef"},
				asg.Strings("targetGroupArns"))
			assert.Equal(t, map[string]any{"id": lt.ID, "version": "1"}, asg.Input("launchTemplate"), "pinned to the latest version number, never $Latest")
			assert.Equal(t, "1Minute", asg.Str("metricsGranularity"))
			assert.Contains(t, asg.Strings("enabledMetrics"), "GroupInServiceInstances")

			refresh := asg.Input("instanceRefresh").(map[string]any)
			assert.Equal(t, "Rolling", refresh["strategy"])
			prefs := refresh["preferences"].(map[string]any)
			assert.EqualValues(t, tc.minHealthy, prefs["minHealthyPercentage"])
			assert.EqualValues(t, tc.maxH, prefs["maxHealthyPercentage"])
			assert.Equal(t, true, prefs["skipMatching"])

			tags := map[string]string{}
			for _, tag := range asg.Objects("tags") {
				assert.Equal(t, tag["key"] != "SettingsPath", tag["propagateAtLaunch"], tag["key"])
				tags[tag["key"].(string)] = tag["value"].(string)
			}
			assert.Equal(t, map[string]string{"Name": "tastylog-dev-app-ec2", "Project": "tastylog", "Env": "dev", "ManagedBy": "pulumi",
				"SettingsPath": "/tastylog/dev/app/"}, tags, "SettingsPath resolves once the settings exist: the group waits for them")

			cpu := m.One(t, typePolicy, "tastylog-dev-app-cpu-target")
			assert.Equal(t, asg.ID, cpu.Str("autoscalingGroupName"))
			assert.Equal(t, "TargetTrackingScaling", cpu.Str("policyType"))
			ttc := cpu.Input("targetTrackingConfiguration").(map[string]any)
			assert.EqualValues(t, 50, ttc["targetValue"])
			assert.Equal(t, map[string]any{"predefinedMetricType": "ASGAverageCPUUtilization"}, ttc["predefinedMetricSpecification"])

			assert.Equal(t, 3000, tg.Int("port"))
			assert.Equal(t, "HTTP", tg.Str("protocol"))
			assert.Equal(t, "instance", tg.Str("targetType"))
			assert.Equal(t, "vpc-1", tg.Str("vpcId"))
			assert.Equal(t, 30, tg.Int("deregistrationDelay"))
			hc := tg.Input("healthCheck").(map[string]any)
			assert.Equal(t, "/favicon.ico", hc["path"], "a shallow path that does not touch the database")
			assert.Equal(t, "200", hc["matcher"])
			assert.LessOrEqual(t, len("tastylog-dev-app-tg"+testkit.AutonameSuffix), 32, "target group names are at most 32 characters")
		})
	}
}

func TestLogGroups(t *testing.T) {
	m, c := computeRun(t, computeArgs(computeProdLike()))
	for _, role := range []string{"app", "system"} {
		g := m.One(t, typeLogGroup, "tastylog-dev-"+role+"-logs")
		assert.Equal(t, "/tastylog/dev/"+role, g.Str("name"))
		assert.Equal(t, 90, g.Int("retentionInDays"))
	}
	name, err := testkit.Await(c.AppLogGroupName)
	require.NoError(t, err)
	assert.Equal(t, "/tastylog/dev/app", name)
	asg := m.One(t, typeGroup, "tastylog-dev-app-asg")
	assert.Contains(t, asg.DependsOn, m.One(t, typeLogGroup, "tastylog-dev-app-logs").URN, "log groups exist before any server ships to them")
	assert.Contains(t, asg.DependsOn, m.One(t, typeRolePolicy, "tastylog-dev-app-policy").URN, "permissions exist before any server boots")
}

// policy returns the servers' inline policy, parsed.
func policy(t *testing.T, m *testkit.Mocks) map[string]iampolicy.Statement {
	t.Helper()
	var doc iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(m.One(t, typeRolePolicy, "tastylog-dev-app-policy").Str("policy")), &doc))
	out := map[string]iampolicy.Statement{}
	for _, s := range doc.Statement {
		assert.Equal(t, "Allow", s.Effect, s.Sid)
		out[s.Sid] = s
	}
	return out
}

func TestIamIsScopedToThisStack(t *testing.T) {
	m, _ := computeRun(t, computeArgs(computeDevLike()))
	role := m.One(t, typeRole, "tastylog-dev-app-role")
	assert.JSONEq(t, iampolicy.AssumeRole("ec2.amazonaws.com").JSON(), role.Str("assumeRolePolicy"))
	assert.Empty(t, m.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), "no managed policies: every permission is written out")

	st := policy(t, m)
	params := "arn:aws:ssm:ap-northeast-1:" + account + ":parameter/tastylog/dev/app"
	assert.Equal(t, []string{params, params + "/*"}, st["ReadAppSettings"].Resource)
	assert.ElementsMatch(t, []string{"ssm:GetParametersByPath", "ssm:GetParameters", "ssm:GetParameter"}, st["ReadAppSettings"].Action)

	decrypt := st["DecryptAppSettings"]
	assert.Equal(t, []string{"kms:Decrypt"}, decrypt.Action)
	assert.Equal(t, []string{"ssm.ap-northeast-1.amazonaws.com"}, decrypt.Condition["StringEquals"]["kms:ViaService"])
	assert.Equal(t, []string{params + "/*"}, decrypt.Condition["StringLike"]["kms:EncryptionContext:PARAMETER_ARN"])

	assert.Equal(t, []string{"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/session-manager:*"}, st["SessionLogs"].Resource,
		"sessions stream to the account's session log group (the bootstrap's preferences)")
	assert.NotContains(t, st["FindSessionLogs"].Action, "logs:PutLogEvents")
	assert.Equal(t, []string{"s3:GetObject"}, st["ReadReleases"].Action)
	assert.Equal(t, []string{"arn:aws:s3:::" + deployBucket + "/*"}, st["ReadReleases"].Resource)
	assert.Equal(t, []string{"arn:aws:s3:::" + deployBucket}, st["ListReleases"].Resource)

	assert.ElementsMatch(t, []string{
		"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/dev/app:*",
		"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/dev/system:*",
	}, st["ShipLogs"].Resource)
	assert.NotContains(t, st["ShipLogs"].Action, "logs:CreateLogGroup", "log groups are Pulumi's, not the servers'")
	assert.Equal(t, []string{"CWAgent"}, st["PublishAgentMetrics"].Condition["StringEquals"]["cloudwatch:namespace"])

	for sid, s := range st {
		for _, action := range s.Action {
			assert.NotContains(t, action, "*", "%s: no wildcard actions", sid)
		}
		if len(s.Resource) == 1 && s.Resource[0] == "*" {
			assert.Contains(t, []string{"SessionManager", "PublishAgentMetrics", "ReadOwnTags"}, sid,
				"%s is on every resource; only actions without resource-level permissions may be", sid)
			for _, action := range s.Action {
				assert.NotContains(t, []string{"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "s3:GetObject", "kms:Decrypt"}, action,
					"%s grants %s on every resource", sid, action)
			}
		}
	}
}

func TestUserData(t *testing.T) {
	m, _ := computeRun(t, computeArgs(computeDevLike()))
	script := userDataOf(t, m)

	for _, want := range []string{
		"#!/bin/bash",
		"set -euo pipefail",
		"REGION='ap-northeast-1'",
		"PARAM_PATH='/tastylog/dev/app/'",
		"DEPLOY_BUCKET='" + deployBucket + "'",
		"dnf install -y nodejs22 rsyslog amazon-cloudwatch-agent",
		`aws s3 cp "s3://$DEPLOY_BUCKET/latest" -`,
		"tastylog-app-*.tar.gz)",
		`aws ssm get-parameters-by-path --path "$PARAM_PATH" --with-decryption`,
		"required=(MYSQL_HOST MYSQL_PORT MYSQL_DATABASE MYSQL_SSL MYSQL_USERNAME MYSQL_PASSWORD SESSION_SECRET )",
		"useradd --system",
		"User=tastylog",
		"Restart=on-failure",
		"EnvironmentFile=$ENV_FILE",
		"systemctl enable --now tastylog",
		`"file_path": "/var/log/messages"`,
		`"log_group_name": "/tastylog/dev/system"`,
		`"log_group_name": "/tastylog/dev/app"`,
		"amazon-cloudwatch-agent-ctl -a fetch-config",
		"[tastylog-bootstrap]",
	} {
		assert.Contains(t, script, want)
	}
	for _, secret := range []string{"mock-secret", "rds.amazonaws.com", "MYSQL_PASSWORD=", "password"} {
		assert.NotContains(t, script, secret, "the user data embeds no secret or database address")
	}

	path := filepath.Join(t.TempDir(), "userdata.sh")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o600))
	out, err := exec.Command("bash", "-n", path).CombinedOutput()
	assert.NoError(t, err, "bash -n: %s", out)
}

func TestComputeEveryChildIsParentedAndOnTheProvider(t *testing.T) {
	spec := computeDevLike()
	spec.SshPublicKey = testKey
	m, _ := computeRun(t, computeArgs(spec))
	component := m.ByType(compute.Type)
	require.Len(t, component, 1)
	provider := m.One(t, "pulumi:providers:aws", "aws-app")
	n := 0
	for _, r := range m.All() {
		if !strings.HasPrefix(r.Type, "aws:") {
			continue
		}
		n++
		assert.Equal(t, component[0].URN, r.Parent, r.Name)
		if p := m.ProviderOf(r); assert.NotNil(t, p, r.Name) {
			assert.Equal(t, provider.URN, p.URN, r.Name)
		}
	}
	assert.Equal(t, 12, n, "target group, 2 log groups, role, policy, profile, key pair, launch template, placeholder release, latest, group, scaling policy")
	for _, inv := range m.Invokes(testkit.TokenGetSsmParameter) {
		assert.True(t, strings.HasPrefix(inv.Provider, provider.URN+"::"), "the AMI lookup uses the app provider")
	}
}

func TestOpmngGroupOnlyWithAdminCidrs(t *testing.T) {
	a := computeArgs(computeDevLike())
	a.AdminCidrs = []string{"10.20.0.0/16"}
	a.SshPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRhc3R5 ops"
	m, _ := computeRun(t, a)
	lt := m.ByType("aws:ec2/launchTemplate:LaunchTemplate")
	require.Len(t, lt, 1)
	assert.Equal(t, []any{"sg-app", "sg-opmng"}, lt[0].Objects("networkInterfaces")[0]["securityGroups"])
}

func TestComputeNewRejectsInvalidArgs(t *testing.T) {
	a := computeArgs(computeDevLike())
	a.InstanceType = "t4g.small"
	a.Architecture = computespec.ArchX86_64
	a.AdminCidrs = []string{"10.20.0.0/16"}
	m := testkit.New("tastylog", "dev", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := compute.New(ctx, componentName, a)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `compute: invalid args: appArchitecture: "x86_64" does not match t4g.small`)
	assert.Contains(t, err.Error(), `adminCidrs: "10.20.0.0/16" opens SSH but appSshPublicKey is empty`)
	assert.Empty(t, m.All())
}
