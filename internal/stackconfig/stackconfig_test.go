package stackconfig

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/tastylog/infra/internal/batchspec"
	"github.com/tastylog/infra/internal/computespec"
	"github.com/tastylog/infra/internal/dataspec"
	"github.com/tastylog/infra/internal/deliveryspec"
	"github.com/tastylog/infra/internal/edgespec"
	"github.com/tastylog/infra/internal/netspec"
	"github.com/tastylog/infra/internal/obsspec"
)

const (
	cfCert  = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
	albCert = "arn:aws:acm:us-west-2:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
)

const testKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRhc3R5bG9nLXRlc3Qta2V5LW5vdC1yZWFs ops@example"

// load runs Load and returns its report as an error, nil when there is no problem.
// load loads values, with someone to alert unless the test says who: a production stack (the default)
// refuses to alert nobody, and that rule has tests of its own.
func load(project, stack string, values map[string]string) (*Config, error) {
	ns := project + ":"
	_, emails := values[ns+"alarmEmails"]
	_, topics := values[ns+"alarmTopicArns"]
	if !emails && !topics {
		values = maps.Clone(values)
		if values == nil {
			values = map[string]string{}
		}
		values[ns+"alarmEmails"] = `["oncall@example.com"]`
	}
	cfg, report := Load(project, stack, values)
	return cfg, report.Err()
}

func TestLoadDefaults(t *testing.T) {
	cfg, err := load("tastylog", "dev", nil)
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if cfg.Env != "dev" || cfg.NamePrefix() != "tastylog-dev" {
		t.Errorf("Env, NamePrefix = %q, %q; want dev, tastylog-dev", cfg.Env, cfg.NamePrefix())
	}
	if !reflect.DeepEqual(cfg.Network, netspec.Default()) {
		t.Errorf("Network = %+v\nwant the defaults %+v", cfg.Network, netspec.Default())
	}
	if !reflect.DeepEqual(cfg.Data, dataspec.Default()) {
		t.Errorf("Data = %+v\nwant the defaults %+v", cfg.Data, dataspec.Default())
	}
	if got := cfg.ParameterPath(); got != "/tastylog/dev/app/" {
		t.Errorf("ParameterPath() = %q, want /tastylog/dev/app/", got)
	}
}

func TestLoadReadsEveryKey(t *testing.T) {
	cfg, err := load("tastylog", "alice", map[string]string{
		"aws:region":                 "us-west-2",
		"tastylog:env":               "stg",
		"tastylog:allowedAccountIds": `["123456789012"]`,
		"tastylog:vpcCidr":           "10.10.0.0/16",
		"tastylog:availabilityZones": `["us-west-2a","us-west-2b"]`,
		"tastylog:subnets":           `{"public":["10.10.0.0/24","10.10.1.0/24"],"private":["10.10.2.0/24","10.10.3.0/24"],"db":["10.10.4.0/24","10.10.5.0/24"]}`,
		"tastylog:natStrategy":       "none",
		"tastylog:vpcEndpoints":      `["ssm","ssmmessages","ec2messages","logs","monitoring","ec2"]`,
		"tastylog:adminCidrs":        `["10.20.0.0/16"]`,
		"tastylog:vpcEndpointAzs":    "2",
		"tastylog:vpcPeers":          `[{"name":"shared","vpcId":"vpc-0123456789abcdef0","cidrs":["10.30.0.0/16"],"tiers":["private"],"ports":[443],"dns":true}]`,

		"tastylog:production":            "false",
		"tastylog:dbEngineVersion":       "8.4",
		"tastylog:dbInstanceClass":       "db.m7g.large",
		"tastylog:dbName":                "reviews",
		"tastylog:dbUsername":            "dbadmin",
		"tastylog:dbAllocatedStorage":    "50",
		"tastylog:dbMaxAllocatedStorage": "500",
		"tastylog:dbMultiAz":             "false",
		"tastylog:dbDeletionProtection":  "false",
		"tastylog:dbSkipFinalSnapshot":   "true",
		"tastylog:dbBackupRetentionDays": "3",
		"tastylog:dbBackupWindow":        "18:00-19:00",
		"tastylog:dbMaintenanceWindow":   "Sun:19:00-Sun:20:00",
		"tastylog:dbPerformanceInsights": "false",
		"tastylog:dbMonitoringInterval":  "30",
		"tastylog:dbLogExports":          `["general"]`,
		"tastylog:dbReadReplica":         "true",
		"tastylog:logsExpirationDays":    "14",
		"tastylog:forceDestroyBuckets":   "true",
		"tastylog:stackKey":              "false",
		"tastylog:trailObjectLockDays":   "30",

		"tastylog:appInstanceType":                "c7g.large",
		"tastylog:appArchitecture":                "arm64",
		"tastylog:appMinSize":                     "1",
		"tastylog:appDesiredCapacity":             "2",
		"tastylog:appMaxSize":                     "3",
		"tastylog:appHealthCheckGracePeriod":      "240",
		"tastylog:appHealthCheckPath":             "/public/ok.txt",
		"tastylog:appRefreshMinHealthyPercentage": "50",
		"tastylog:appRefreshMaxHealthyPercentage": "150",
		"tastylog:appCpuTarget":                   "60",
		"tastylog:appRootVolumeSize":              "30",
		"tastylog:appSshPublicKey":                testKey,
		"tastylog:logRetentionDays":               "14",

		"tastylog:domain":                   "example.com",
		"tastylog:hostedZoneId":             "Z0123456789ABCDEFGHIJ",
		"tastylog:createHostedZone":         "false",
		"tastylog:cloudFrontCertificateArn": cfCert,
		"tastylog:albCertificateArn":        albCert,
		"tastylog:priceClass":               "PriceClass_200",
		"tastylog:wafWebAclArn":             "",
		"tastylog:waf":                      "false",
		"tastylog:wafRateLimit":             "3000",
		"tastylog:albDeletionProtection":    "false",
		"tastylog:albIdleTimeout":           "120",
		"tastylog:appRequestsPerTarget":     "0",

		"tastylog:alarmEmails":                   `["ops@example.com"]`,
		"tastylog:alarmAlb5xx":                   "5",
		"tastylog:alarmTarget5xx":                "6",
		"tastylog:alarmResponseTimeP95Ms":        "800",
		"tastylog:alarmAppCpuPercent":            "70",
		"tastylog:alarmAppMemoryPercent":         "75",
		"tastylog:alarmDbCpuPercent":             "75",
		"tastylog:alarmDbFreeStorageGiB":         "10",
		"tastylog:alarmDbFreeableMemoryMiB":      "256",
		"tastylog:alarmDbConnections":            "50",
		"tastylog:alarmCloudFront5xxRatePercent": "2",
		"tastylog:cloudTrail":                    "false",
		"tastylog:flowLogs":                      "s3",
		"tastylog:flowLogTraffic":                "ALL",
		"tastylog:auditLogRetentionDays":         "90",

		"tastylog:pipeline":                     "true",
		"tastylog:pipelineSource":               "github",
		"tastylog:pipelineRepository":           "tastylog/app",
		"tastylog:pipelineBranch":               "release",
		"tastylog:pipelineApproval":             "false",
		"tastylog:deployStrategy":               "linear",
		"tastylog:deployPercent":                "25",
		"tastylog:deployIntervalMinutes":        "3",
		"tastylog:deployTerminationWaitMinutes": "30",
		"tastylog:deployTestListenerPort":       "9443",
		"tastylog:batch":                        "true",
		"tastylog:batchAuth":                    "iam",
		"tastylog:batchSchedule":                "rate(1 hour)",
		"tastylog:batchFunctionTimeout":         "30",
		"tastylog:batchVisibilityTimeout":       "200",
		"tastylog:batchMaxReceives":             "3",
		"tastylog:batchSize":                    "100",
		"tastylog:batchWindowSeconds":           "5",
		"tastylog:batchMaxConcurrency":          "4",
		"tastylog:batchReservedConcurrency":     "4",
		"tastylog:batchQuotaPerDay":             "500",
		"tastylog:batchRateLimit":               "5",
		"tastylog:batchBurstLimit":              "10",
		"tastylog:batchResultDays":              "7",
	})
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	want := &Config{
		Project:           "tastylog",
		Env:               "stg",
		AllowedAccountIds: []string{"123456789012"},
		Network: netspec.Spec{
			Region:            "us-west-2",
			VpcCidr:           "10.10.0.0/16",
			AvailabilityZones: []string{"us-west-2a", "us-west-2b"},
			Subnets: netspec.Subnets{
				Public:  []string{"10.10.0.0/24", "10.10.1.0/24"},
				Private: []string{"10.10.2.0/24", "10.10.3.0/24"},
				Db:      []string{"10.10.4.0/24", "10.10.5.0/24"},
			},
			NatStrategy:    netspec.NatNone,
			VpcEndpoints:   []string{"ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "ec2"},
			VpcEndpointAzs: 2,
			AdminCidrs:     []string{"10.20.0.0/16"},
			Peers: []netspec.Peer{{Name: "shared", VpcId: "vpc-0123456789abcdef0", Cidrs: []string{"10.30.0.0/16"},
				Tiers: []netspec.Tier{netspec.TierPrivate}, Ports: []int{443}, Dns: true}},
		},
		Data: dataspec.Spec{
			Production:          false,
			LogsExpirationDays:  14,
			ForceDestroyBuckets: true, StackKey: false, TrailObjectLockDays: 30,
			Database: dataspec.Database{
				EngineVersion: "8.4", InstanceClass: "db.m7g.large", Name: "reviews", Username: "dbadmin",
				AllocatedStorage: 50, MaxAllocatedStorage: 500,
				MultiAz: false, DeletionProtection: false, SkipFinalSnapshot: true, BackupRetentionDays: 3,
				BackupWindow: "18:00-19:00", MaintenanceWindow: "Sun:19:00-Sun:20:00",
				PerformanceInsights: false, MonitoringInterval: 30, LogExports: []string{"general"}, ReadReplica: true,
			},
		},
		Compute: computespec.Spec{
			Mode: "ec2", InstanceType: "c7g.large", Architecture: "arm64", MinSize: 1, DesiredCapacity: 2, MaxSize: 3,
			HealthCheckGracePeriod: 240, HealthCheckPath: "/public/ok.txt",
			RefreshMinHealthyPercentage: 50, RefreshMaxHealthyPercentage: 150, CpuTarget: 60, RequestsPerTarget: 0, RootVolumeSize: 30,
			SshPublicKey: testKey, LogRetentionDays: 14,
			Cpu: 512, Memory: 1024, ImagesKept: 30, UntaggedImageDays: 7, // fargate's, at their defaults
		},
		Edge: edgespec.Spec{
			Domain: "example.com", HostedZoneId: "Z0123456789ABCDEFGHIJ", CloudFrontCertificateArn: cfCert, AlbCertificateArn: albCert,
			PriceClass: "PriceClass_200", WafRateLimit: 3000, AlbDeletionProtection: false, AlbIdleTimeout: 120,
		},
		Observability: obsspec.Spec{
			AlarmEmails: []string{"ops@example.com"}, AlarmTopicArns: []string{},
			Thresholds: obsspec.Thresholds{Alb5xx: 5, Target5xx: 6, ResponseTimeP95Ms: 800, AppCpuPercent: 70, AppMemoryPercent: 75, DbCpuPercent: 75,
				DbFreeStorageGiB: 10, DbFreeableMemoryMiB: 256, DbConnections: 50, CloudFront5xxRatePercent: 2},
			CloudTrail: false, FlowLogs: "s3", FlowLogTraffic: "ALL", AuditLogRetentionDays: 90,
		},
		Delivery: deliveryspec.Spec{Pipeline: true, Source: "github", Repository: "tastylog/app", Branch: "release", Approval: false,
			Strategy: "linear", Percent: 25, IntervalMinutes: 3, TerminationWaitMinutes: 30, TestListenerPort: 9443},
		Batch: batchspec.Spec{Batch: true, Auth: "iam", Schedule: "rate(1 hour)", FunctionTimeout: 30, VisibilityTimeout: 200,
			MaxReceives: 3, Size: 100, WindowSeconds: 5, MaxConcurrency: 4, ReservedConcurrency: 4, QuotaPerDay: 500,
			RateLimit: 5, BurstLimit: 10, ResultDays: 7},
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("Load() = %+v\nwant %+v", cfg, want)
	}
}

func TestLoadSubnetsOverridesOnlyTheTiersGiven(t *testing.T) {
	cfg, err := load("tastylog", "dev", map[string]string{
		"tastylog:subnets": `{"db":["192.168.10.0/24","192.168.11.0/24"]}`,
	})
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if got := cfg.Network.Subnets; !reflect.DeepEqual(got.Public, netspec.Default().Subnets.Public) ||
		!reflect.DeepEqual(got.Db, []string{"192.168.10.0/24", "192.168.11.0/24"}) {
		t.Errorf("Subnets = %+v, want default public and private, db 192.168.10.0/24, 192.168.11.0/24", got)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]string
		want   string
	}{
		{"UnknownSubnetTier", map[string]string{"tastylog:subnets": `{"public":["192.168.1.0/24","192.168.2.0/24"],"privte":["192.168.3.0/24"]}`},
			`tastylog:subnets.privte: "[\"192.168.3.0/24\"]" is under an unknown key "privte"; allowed keys: db, private, public`},
		{"UnknownPeerField", map[string]string{"tastylog:vpcPeers": `[{"name":"a","vpcId":"vpc-01234567","cidrs":["10.30.0.0/16"],"tiers":["private"],"ports":[443],"port":[22]}]`},
			`tastylog:vpcPeers[0].port: "[22]" is under an unknown key "port"; allowed keys: accepted, accountId, cidrs, dns, name, ports, region, tiers, vpcId; did you mean "ports"?`},
		{"PeersNotAList", map[string]string{"tastylog:vpcPeers": `{"name":"a"}`},
			`tastylog:vpcPeers: "{\"name\":\"a\"}" is not a list of objects`},
		{"PeerRulesApply", map[string]string{"tastylog:vpcPeers": `[{"name":"a","vpcId":"vpc-01234567","cidrs":["192.168.0.0/16"],"tiers":["private"],"ports":[443]}]`},
			`tastylog:vpcPeers[0].cidrs[0]: "192.168.0.0/16" overlaps this VPC's 192.168.0.0/20 (tastylog:vpcCidr)`},
		{"SubnetsNotAnObject", map[string]string{"tastylog:subnets": `["192.168.1.0/24"]`},
			`tastylog:subnets: "[\"192.168.1.0/24\"]" is not an object`},
		{"SubnetTierNotAList", map[string]string{"tastylog:subnets": `{"public":"192.168.1.0/24"}`},
			`tastylog:subnets: "{\"public\":\"192.168.1.0/24\"}" does not fit the expected shape`},
		{"ArrayKeyNotAList", map[string]string{"tastylog:availabilityZones": "ap-northeast-1a"},
			`tastylog:availabilityZones: "ap-northeast-1a" is not a list of strings`},
		{"BadEnvName", map[string]string{"tastylog:env": "Prod_1"},
			`tastylog:env: "Prod_1" does not begin with a lowercase letter`},
		{"EnvWithDoubleHyphen", map[string]string{"tastylog:env": "qa--1"},
			`tastylog:env: "qa--1" has two hyphens in a row, which RDS identifiers and CloudTrail trail names refuse`},
		{"MisspeltKey", map[string]string{"tastylog:natStratgy": "single"},
			`tastylog:natStratgy: "single" is not a config key of project tastylog; did you mean tastylog:natStrategy?`},
		{"MisspeltKeyWrongCase", map[string]string{"tastylog:alarmemails": `["ops@example.com"]`},
			`did you mean tastylog:alarmEmails?`},
		{"UnknownKeyFarFromAny", map[string]string{"tastylog:somethingElseEntirely": "1"},
			`tastylog:somethingElseEntirely: "1" is not a config key of project tastylog; Pulumi.yaml declares every key this program reads`},
		{"MisspeltSubnetTier", map[string]string{"tastylog:subnets": `{"pubic":["192.168.1.0/24","192.168.2.0/24"]}`},
			`allowed keys: db, private, public; did you mean "public"?`},
		{"BadAccountId", map[string]string{"tastylog:allowedAccountIds": `["1234"]`},
			`tastylog:allowedAccountIds[0]: "1234" is not an AWS account id; want 12 digits`},
		{"NetworkRulesApply", map[string]string{"tastylog:natStrategy": "nat"},
			`tastylog:natStrategy: "nat" is not a NAT strategy`},
		{"DataRulesApply", map[string]string{"tastylog:dbEngineVersion": "5.7"},
			`tastylog:dbEngineVersion: "5.7" is not a supported MySQL major version`},
		{"IntegerKeyNotANumber", map[string]string{"tastylog:dbAllocatedStorage": "20GB"},
			`tastylog:dbAllocatedStorage: "20GB" is not a whole number`},
		{"ProductionWithOneServer", map[string]string{"tastylog:appMinSize": "1", "tastylog:appDesiredCapacity": "1"},
			`tastylog:appMinSize: "1" keeps fewer than 2 app servers in a production stack`},
		{"NamePrefixTooLong", map[string]string{"tastylog:env": "production"},
			`tastylog:env: "production" makes the name prefix "tastylog-production" 19 characters, longer than 16`},
		{"ComputeRulesApply", map[string]string{"tastylog:appInstanceType": "t4g.small", "tastylog:appArchitecture": "x86_64"},
			`tastylog:appArchitecture: "x86_64" does not match t4g.small`},
		{"EdgeRulesApply", map[string]string{"tastylog:priceClass": "cheap"},
			`tastylog:priceClass: "cheap" is not a CloudFront price class`},
		{"ObservabilityRulesApply", map[string]string{"tastylog:alarmEmails": `["ops"]`},
			`tastylog:alarmEmails[0]: "ops" is not an email address`},
		{"FreeStorageAlarmAboveCeiling", map[string]string{"tastylog:alarmDbFreeStorageGiB": "100"},
			`tastylog:alarmDbFreeStorageGiB: "100" is not below the database's storage ceiling`},
		{"BooleanKeyNotABoolean", map[string]string{"tastylog:dbMultiAz": "yes"},
			`tastylog:dbMultiAz: "yes" is not true or false`},
		{"UnknownComputeMode", map[string]string{"tastylog:computeMode": "ecs"},
			`tastylog:computeMode: "ecs" is not a compute mode; allowed: "ec2" (servers in an Auto Scaling group), "fargate" (containers on ECS Fargate)`},
		{"FargateKeyInEc2Mode", map[string]string{"tastylog:appCpu": "1024"},
			`tastylog:appCpu: "1024" applies only to tastylog:computeMode "fargate", and this stack's is "ec2"; remove it from the stack file`},
		{"Ec2KeyInFargateMode", map[string]string{"tastylog:computeMode": "fargate", "tastylog:appInstanceType": "m7g.large"},
			`tastylog:appInstanceType: "m7g.large" applies only to tastylog:computeMode "ec2", and this stack's is "fargate"`},
		{"FargateSpotInProduction", map[string]string{"tastylog:computeMode": "fargate", "tastylog:appFargateSpot": "true"},
			`tastylog:appFargateSpot: "true" runs a production stack's tasks on spare capacity that AWS takes back at two minutes' notice (tastylog:production is true)`},
		{"FargateWithoutNatNeedsImageEndpoints", map[string]string{"tastylog:computeMode": "fargate", "tastylog:natStrategy": "none", "tastylog:vpcEndpoints": `["ssm","logs"]`},
			`tastylog:natStrategy: "none" leaves the tasks without a way to reach AWS; set tastylog:natStrategy to "instance", "single" or "perAz", or add "ecr.api", "ecr.dkr" to tastylog:vpcEndpoints`},
		{"FargateExecWithoutNatNeedsMessages", map[string]string{"tastylog:computeMode": "fargate", "tastylog:appExec": "true", "tastylog:natStrategy": "none", "tastylog:vpcEndpoints": `["ssm","logs","ecr.api","ecr.dkr"]`},
			`or add "ssmmessages" to tastylog:vpcEndpoints`},
		{"ServersWithoutNatNeedTheirEndpoints", map[string]string{"tastylog:natStrategy": "none", "tastylog:vpcEndpoints": `["ecr.api","ecr.dkr","ssm","logs"]`},
			`tastylog:natStrategy: "none" leaves the app servers without a way to reach AWS; set tastylog:natStrategy to "instance", "single" or "perAz", or add "ssmmessages", "ec2messages", "monitoring", "ec2" to tastylog:vpcEndpoints`},
		{"RepositoryInAnotherRegionWithoutNat", map[string]string{"tastylog:computeMode": "fargate", "tastylog:natStrategy": "none",
			"tastylog:vpcEndpoints": `["ssm","logs","ecr.api","ecr.dkr"]`, "tastylog:appRepository": "123456789012.dkr.ecr.us-west-2.amazonaws.com/tastylog"},
			`tastylog:appRepository: "123456789012.dkr.ecr.us-west-2.amazonaws.com/tastylog" is in us-west-2, which the ECR endpoints of a stack without NAT (tastylog:natStrategy "none") do not reach`},
		{"FargateAdminCidrs", map[string]string{"tastylog:computeMode": "fargate", "tastylog:adminCidrs": `["10.20.0.0/16"]`},
			`tastylog:adminCidrs: "10.20.0.0/16" opens SSH to app servers, which tastylog:computeMode "fargate" does not have; a shell in a task is ECS Exec (tastylog:appExec)`},
		{"ProductionWithoutApproval", map[string]string{"tastylog:pipeline": "true", "tastylog:pipelineRepository": "tastylog/app", "tastylog:pipelineApproval": "false"},
			`tastylog:pipelineApproval: "false" lets every commit reach a production stack without a person approving it (tastylog:production is true)`},
		{"PipelineRepositoryForm", map[string]string{"tastylog:pipeline": "true", "tastylog:pipelineRepository": "github.com/tastylog/app"},
			`tastylog:pipelineRepository: "github.com/tastylog/app" is not a GitHub repository in owner/name form`},
		{"UnknownDeployStrategy", map[string]string{"tastylog:deployStrategy": "rolling"},
			`tastylog:deployStrategy: "rolling" is not a deployment strategy`},
		{"CanaryOutOfRange", map[string]string{"tastylog:deployStrategy": "canary", "tastylog:deployPercent": "0"},
			`tastylog:deployPercent: "0" must be from 1 to 99 percent for tastylog:deployStrategy "canary"`},
		{"EndpointsInOneAzInProduction", map[string]string{"tastylog:vpcEndpoints": `["ssm"]`, "tastylog:vpcEndpointAzs": "1"},
			`tastylog:vpcEndpointAzs: "1" puts a production stack's interface endpoints in one AZ (tastylog:production is true)`},
		{"EndpointAzsAboveTheAzs", map[string]string{"tastylog:vpcEndpointAzs": "3"},
			`tastylog:vpcEndpointAzs: "3" must be from 1 to the number of availability zones (2), or 0 for every AZ`},
		{"NatInstanceInProduction", map[string]string{"tastylog:natStrategy": "instance"},
			`tastylog:natStrategy: "instance" puts a production stack's outbound traffic through one instance in one AZ (tastylog:production is true)`},
		{"FargateSpotWithArm64Tasks", map[string]string{"tastylog:computeMode": "fargate", "tastylog:production": "false", "tastylog:appFargateSpot": "true", "tastylog:appArchitecture": "arm64"},
			`tastylog:appFargateSpot: "true" runs the tasks on Fargate Spot, which takes X86_64 tasks only, and tastylog:appArchitecture is "arm64"`},
		{"BatchRulesApply", map[string]string{"tastylog:batch": "true", "tastylog:batchSchedule": "cron(0 3 * * *)"},
			`tastylog:batchSchedule: "cron(0 3 * * *)" has 5 fields; an EventBridge cron has 6`},
		{"FargateProductionWithOneTask", map[string]string{"tastylog:computeMode": "fargate", "tastylog:appMinSize": "1", "tastylog:appDesiredCapacity": "1"},
			`tastylog:appMinSize: "1" keeps fewer than 2 app servers in a production stack`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load("tastylog", "dev", tc.values)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load() error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestLoadReadsFargateKeys(t *testing.T) {
	repo := "123456789012.dkr.ecr.us-west-2.amazonaws.com/shared/tastylog"
	cfg, err := load("tastylog", "dev", map[string]string{
		"aws:region": "us-west-2", "tastylog:availabilityZones": `["us-west-2a","us-west-2b"]`,
		"tastylog:production": "false", "tastylog:computeMode": "fargate", "tastylog:appCpu": "1024", "tastylog:appMemory": "3072",
		"tastylog:appImage": "v1.4.2", "tastylog:appRepository": repo, "tastylog:appRepositoryCrossAccount": "true",
		"tastylog:appFargateSpot": "true", "tastylog:appExec": "true", "tastylog:appImagesKept": "10", "tastylog:appUntaggedImageDays": "3",
		"tastylog:appArchitecture": "x86_64", "tastylog:appHealthCheckGracePeriod": "30",
	})
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	want := computespec.Default()
	want.Mode, want.Cpu, want.Memory, want.Image, want.Repository, want.RepositoryCrossAccount = "fargate", 1024, 3072, "v1.4.2", repo, true
	want.FargateSpot, want.Exec, want.ImagesKept, want.UntaggedImageDays, want.Architecture, want.HealthCheckGracePeriod = true, true, 10, 3, "x86_64", 30
	if !reflect.DeepEqual(cfg.Compute, want) {
		t.Errorf("Compute = %+v\nwant %+v", cfg.Compute, want)
	}
}

// pulumi config set --path 'tastylog:allowedAccountIds[0]' 123456789012 stores a number: it is read as the id.
func TestAllowedAccountIdsAsNumbers(t *testing.T) {
	cfg, err := load("tastylog", "dev", map[string]string{"tastylog:allowedAccountIds": `[123456789012,"012345678901"]`})
	if err != nil || !reflect.DeepEqual(cfg.AllowedAccountIds, []string{"123456789012", "012345678901"}) {
		t.Errorf("Load() = %v, %v; want both ids", cfg.AllowedAccountIds, err)
	}
	for raw, want := range map[string]string{
		`[12345678901]`: `tastylog:allowedAccountIds[0]: "12345678901" is not an AWS account id; want 12 digits`,
		`[true]`:        `tastylog:allowedAccountIds[0]: "true" is not an AWS account id`,
	} {
		if _, err := load("tastylog", "dev", map[string]string{"tastylog:allowedAccountIds": raw}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s) error = %v, want %q", raw, err, want)
		}
	}
}

func TestEnvDefaultsToStackName(t *testing.T) {
	cfg, err := load("tastylog", "prod", map[string]string{"tastylog:env": ""})
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	if cfg.Env != "prod" {
		t.Errorf("Env = %q, want the stack name prod", cfg.Env)
	}
}

func TestDeclaredDefaultsCoverEveryScalarAndArrayKey(t *testing.T) {
	got := DeclaredDefaults()
	for _, key := range []string{"env", "vpcCidr", "natStrategy", "production", "dbInstanceClass", "dbMultiAz", "dbLogExports", "logsExpirationDays"} {
		if _, ok := got[key]; !ok {
			t.Errorf("DeclaredDefaults() lacks %s", key)
		}
	}
	if _, ok := got["subnets"]; ok {
		t.Errorf("DeclaredDefaults() lists the object key subnets, which Pulumi.yaml cannot declare")
	}
	if got["dbAllocatedStorage"] != 20 || got["production"] != true || got["env"] != "" {
		t.Errorf("DeclaredDefaults() = %v, want dbAllocatedStorage 20, production true, env \"\"", got)
	}
	if fields := ObjectFields()["subnets"]; !reflect.DeepEqual(fields, []string{"public", "private", "db"}) {
		t.Errorf("ObjectFields()[subnets] = %v", fields)
	}
}

func TestLoadReportsEveryProblemAtOnceInDeclaredOrder(t *testing.T) {
	_, err := load("tastylog", "dev", map[string]string{
		"tastylog:flowLogs":           "kinesis",    // a value error, declared last of these
		"tastylog:dbAllocatedStorage": "20GB",       // a type error
		"tastylog:natStratgy":         "single",     // a misspelt key
		"tastylog:vpcCidr":            "10.0.0.0/8", // a value error, declared first
		"tastylog:appMinSize":         "three",      // a type error that would otherwise hide the rest
		"tastylog:priceClass":         "cheap",
	})
	if err == nil {
		t.Fatal("Load() error = nil, want every problem")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{
		"the stack config has 6 problems; nothing was created:",
		`  tastylog:vpcCidr: "10.0.0.0/8" has prefix length /8`,
		`  tastylog:dbAllocatedStorage: "20GB" is not a whole number`,
		`  tastylog:appMinSize: "three" is not a whole number`,
		`  tastylog:priceClass: "cheap" is not a CloudFront price class`,
		`  tastylog:flowLogs: "kinesis" is not a flow-log destination`,
		`  tastylog:natStratgy: "single" is not a config key of project tastylog; did you mean tastylog:natStrategy?`,
	}
	if len(got) != len(want) {
		t.Fatalf("Load() error has %d lines, want %d:\n%s", len(got), len(want), err)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("line %d = %q\nwant it to start with %q", i, got[i], want[i])
		}
	}
}

func TestKeyOrderFollowsPulumiYaml(t *testing.T) {
	b, err := os.ReadFile("../../Pulumi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, line := range strings.Split(string(b), "\n") {
		if m := declaredKey.FindStringSubmatch(line); m != nil && m[1] != "pulumi:disable-default-providers" {
			key := m[1]
			if !strings.Contains(key, ":") {
				key = "tastylog:" + key
			}
			declared = append(declared, key)
		}
	}
	var order []string
	for _, k := range KeyOrder("tastylog") {
		if k != KeyProject && k != "tastylog:subnets" && k != "tastylog:vpcPeers" { // object keys are documented in comments
			order = append(order, k)
		}
	}
	if !reflect.DeepEqual(declared, order) {
		t.Errorf("Pulumi.yaml declares\n%v\nbut the program reads, in order,\n%v", declared, order)
	}
}

var declaredKey = regexp.MustCompile(`^  ([A-Za-z0-9:-]+):\s*$`)

// A production stack (the default) must alert someone; a disposable one may not.
func TestProductionMustAlertSomeone(t *testing.T) {
	_, report := Load("tastylog", "prod", map[string]string{})
	if err := report.Err(); err == nil || !strings.Contains(err.Error(), `tastylog:alarmEmails: "[]" is empty and tastylog:alarmTopicArns has no topic`) {
		t.Errorf("Load() error = %v, want the nobody-listens error", err)
	}
	_, report = Load("tastylog", "prod", map[string]string{"tastylog:alarmTopicArns": `["arn:aws:sns:ap-northeast-1:123456789012:pager","arn:aws:sns:us-east-1:123456789012:pager"]`})
	if err := report.Err(); err != nil {
		t.Errorf("Load() with topics in both regions = %v", err)
	}
	_, report = Load("tastylog", "dev", map[string]string{"tastylog:production": "false", "tastylog:dbDeletionProtection": "false"})
	if err := report.Err(); err != nil {
		t.Errorf("Load() of a disposable stack = %v", err)
	}
}

// Audit logs keep a CloudWatch Logs retention, and a production stack keeps them a year.
func TestAuditLogRetention(t *testing.T) {
	for value, want := range map[string]string{
		"100": `tastylog:auditLogRetentionDays: "100" is not a CloudWatch Logs retention`,
		"90":  `tastylog:auditLogRetentionDays: "90" keeps a production stack's trail and flow logs under 365 days`,
		"731": "",
	} {
		_, err := load("tastylog", "prod", map[string]string{"tastylog:auditLogRetentionDays": value})
		if want == "" {
			if err != nil {
				t.Errorf("auditLogRetentionDays %s: %v", value, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("auditLogRetentionDays %s: error = %v, want %q", value, err, want)
		}
	}
}

// A production distribution sits behind a web ACL: the stack's own, or the organisation's.
func TestProductionNeedsAWebAcl(t *testing.T) {
	_, err := load("tastylog", "prod", map[string]string{"tastylog:waf": "false"})
	if err == nil || !strings.Contains(err.Error(), `tastylog:waf: "false" leaves a production stack's distribution without a web ACL`) {
		t.Errorf("Load() error = %v, want the no-web-ACL error", err)
	}
	_, err = load("tastylog", "prod", map[string]string{"tastylog:waf": "false",
		"tastylog:wafWebAclArn": "arn:aws:wafv2:us-east-1:123456789012:global/webacl/central/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"})
	if err != nil {
		t.Errorf("Load() with a central web ACL = %v", err)
	}
}

// Each config key's name is written once: validation code names keys only through the constants in
// the spec packages' keys.go (which the bindings use too), never as a literal in a problem's key or in a
// message's text (%sproduction), and every constant is a key the program reads.
func TestValidationMessagesNameRealKeys(t *testing.T) {
	keys := map[string]bool{}
	for _, k := range Keys("tastylog") {
		keys[strings.TrimPrefix(k, "tastylog:")] = true
	}
	named := regexp.MustCompile(`(?:\bfail\(|configerr\.New\((?:keyPrefix|ns|v\.prefix)\s*\+\s*)"([A-Za-z]+)|%s([a-z][A-Za-z0-9]+)\b`)
	files, err := filepath.Glob("../*spec/*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "stackconfig.go", "names.go")
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range named.FindAllStringSubmatch(string(src), -1) {
			key := m[1] + m[2]
			if key == "aws" { // aws:region, written whole
				continue
			}
			checked++
			t.Logf("%s writes key %q as a literal", f, key)
			if !keys[key] {
				t.Errorf("%s names config key %q, which the program does not read", f, key)
			}
		}
	}
	if checked > 0 {
		t.Errorf("%d config key names are written as literals in validation code; use the key constants, so each name is written once", checked)
	}
	// The key constants each spec package declares (keys.go) are keys the program reads.
	constant := regexp.MustCompile(`(?m)^\s+Key\w+\s+=\s+"([A-Za-z0-9]+)"`)
	declared, err := filepath.Glob("../*spec/keys.go")
	if err != nil || len(declared) != 6 {
		t.Fatalf("keys.go files: %v, %v", declared, err)
	}
	for _, f := range declared {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range constant.FindAllStringSubmatch(string(src), -1) {
			if !keys[m[1]] {
				t.Errorf("%s declares key %q, which the program does not read", f, m[1])
			}
		}
	}
}
