package layertests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/data"
	"github.com/tastylog/infra/internal/dataspec"
	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/testkit"
)

const (
	typeInstance       = "aws:rds/instance:Instance"
	typeSubnetGroup    = "aws:rds/subnetGroup:SubnetGroup"
	typeParameterGroup = "aws:rds/parameterGroup:ParameterGroup"
	typeOptionGroup    = "aws:rds/optionGroup:OptionGroup"
	typeParameter      = "aws:ssm/parameter:Parameter"
	typePassword       = "random:index/randomPassword:RandomPassword"
	typeAttachment     = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	typeBucket         = "aws:s3/bucketV2:BucketV2"
	typePAB            = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeOwnership      = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	typeEncryption     = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeVersioning     = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	typeLifecycle      = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	primaryName        = "tastylog-dev-mysql-standalone"
)

// devLike and prodLike mirror the shipped stack files' choices.
func dataDevLike() dataspec.Spec {
	s := dataspec.Default()
	s.Production = false
	s.ForceDestroyBuckets = true
	s.LogsExpirationDays = 30
	d := &s.Database
	d.InstanceClass = "db.t4g.micro"
	d.MultiAz, d.DeletionProtection, d.SkipFinalSnapshot = false, false, true
	d.PerformanceInsights, d.MonitoringInterval, d.LogExports = false, 0, []string{}
	d.BackupRetentionDays = 1
	s.StackKey = false
	return s
}

func dataProdLike() dataspec.Spec {
	s := dataspec.Default()
	s.Database.ReadReplica = true
	return s
}

func dataArgs(spec dataspec.Spec) *data.Args {
	return &data.Args{
		Spec:              spec,
		ParameterPath:     "/tastylog/dev/app/",
		AccountId:         account,
		Region:            "ap-northeast-1",
		AvailabilityZones: []string{"ap-northeast-1a", "ap-northeast-1c"},
		CloudTrail:        true,
		LogGroupPrefix:    "/tastylog/dev",
		SubnetIds:         pulumi.ToStringArray([]string{"subnet-db-1a", "subnet-db-1c"}),
		SecurityGroupId:   pulumi.String("sg-db"),
	}
}

func dataRun(t *testing.T, a *data.Args) (*testkit.Mocks, *data.Data) {
	t.Helper()
	m := testkit.New("tastylog", "dev", a.Region)
	return m, testkit.RunComponent(t, m, a.Region, func(ctx *pulumi.Context, p testkit.Providers) (*data.Data, error) {
		return data.New(ctx, componentName, a, pulumi.Providers(p.App))
	})
}

func TestDatabase(t *testing.T) {
	cases := []struct {
		name    string
		spec    dataspec.Spec
		protect bool
	}{
		{"DevLike", dataDevLike(), false},
		{"ProdLike", dataProdLike(), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := dataRun(t, dataArgs(tc.spec))
			d := tc.spec.Database
			db := m.One(t, typeInstance, primaryName)

			// Placement and exposure.
			group := m.One(t, typeSubnetGroup, primaryName+"-subnetgroup")
			assert.Equal(t, []string{"subnet-db-1a", "subnet-db-1c"}, group.Strings("subnetIds"))
			assert.Equal(t, group.Name+testkit.AutonameSuffix, db.Str("dbSubnetGroupName"))
			assert.Equal(t, []string{"sg-db"}, db.Strings("vpcSecurityGroupIds"), "only the db security group")
			assert.False(t, db.Bool("publiclyAccessible"))
			assert.True(t, db.Bool("storageEncrypted"))

			// Engine and the seed's settings.
			assert.Equal(t, "mysql", db.Str("engine"))
			assert.Equal(t, "8.0", db.Str("engineVersion"), "major version only")
			assert.True(t, db.Bool("autoMinorVersionUpgrade"))
			assert.Equal(t, d.InstanceClass, db.Str("instanceClass"))
			assert.Equal(t, "tastylog", db.Str("dbName"))
			assert.Equal(t, "tastylog_admin", db.Str("username"), "not the engine default admin")
			assert.Equal(t, "rds-ca-rsa2048-g1", db.Str("caCertIdentifier"))
			assert.Equal(t, 3306, db.Int("port"))
			assert.Equal(t, "04:00-05:00", db.Str("backupWindow"))
			assert.Equal(t, "Mon:05:00-Mon:08:00", db.Str("maintenanceWindow"))
			assert.Equal(t, d.BackupRetentionDays, db.Int("backupRetentionPeriod"))
			assert.Equal(t, "gp3", db.Str("storageType"))
			assert.Equal(t, 20, db.Int("allocatedStorage"))
			assert.Equal(t, 100, db.Int("maxAllocatedStorage"))

			// What the stack decides.
			assert.Equal(t, d.MultiAz, db.Bool("multiAz"))
			assert.Equal(t, d.DeletionProtection, db.Bool("deletionProtection"))
			assert.Equal(t, d.SkipFinalSnapshot, db.Bool("skipFinalSnapshot"))
			if d.SkipFinalSnapshot {
				assert.Empty(t, db.Str("finalSnapshotIdentifier"))
			} else {
				assert.Equal(t, primaryName+"-final", db.Str("finalSnapshotIdentifier"))
			}
			assert.Equal(t, tc.protect, db.Protect, "protect follows production")
			assert.Equal(t, !tc.spec.Production, db.Bool("deleteAutomatedBackups"), "production keeps automated backups after deletion")
			assert.Equal(t, d.PerformanceInsights, db.Bool("performanceInsightsEnabled"))
			assert.Equal(t, d.MonitoringInterval, db.Int("monitoringInterval"))
			assert.ElementsMatch(t, d.LogExports, db.Strings("enabledCloudwatchLogsExports"))
			if d.MultiAz {
				assert.Empty(t, db.Str("availabilityZone"), "Multi-AZ lets RDS place the primary")
			} else {
				assert.Equal(t, "ap-northeast-1a", db.Str("availabilityZone"))
			}
			if d.MonitoringInterval > 0 {
				role := m.One(t, typeRole, "tastylog-dev-rds-monitoring-role")
				assert.Equal(t, "arn:aws:mock:::"+typeRole+"/"+role.ID, db.Str("monitoringRoleArn"))
				assert.JSONEq(t, iampolicy.AssumeRole("monitoring.rds.amazonaws.com").JSON(), role.Str("assumeRolePolicy"))
				att := m.One(t, typeAttachment, "tastylog-dev-rds-monitoring-role-policy")
				assert.Equal(t, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole", att.Str("policyArn"))
			} else {
				assert.Empty(t, m.ByType(typeRole), "no monitoring role without enhanced monitoring")
			}

			pg := m.One(t, typeParameterGroup, primaryName+"-parametergroup")
			assert.Equal(t, "mysql8.0", pg.Str("family"))
			assert.Equal(t, pg.Name+testkit.AutonameSuffix, db.Str("parameterGroupName"))
			params := map[string]any{}
			for _, p := range pg.Objects("parameters") {
				params[p["name"].(string)] = p["value"]
			}
			assert.Equal(t, "utf8mb4", params["character_set_database"])
			assert.Equal(t, "utf8mb4", params["character_set_server"])
			assert.Equal(t, "1", params["require_secure_transport"], "the server refuses clients without TLS")
			if d.ExportsLog("slowquery") {
				assert.Equal(t, "1", params["slow_query_log"], "exporting the slow query log needs it switched on")
				assert.Equal(t, "FILE", params["log_output"])
			} else {
				assert.NotContains(t, params, "slow_query_log")
			}
			og := m.One(t, typeOptionGroup, primaryName+"-optiongroup")
			assert.Equal(t, "mysql", og.Str("engineName"))
			assert.Equal(t, "8.0", og.Str("majorEngineVersion"))
			assert.Equal(t, og.Name+testkit.AutonameSuffix, db.Str("optionGroupName"))
			if d.ExportsLog("audit") {
				assert.Equal(t, []map[string]any{{
					"optionName": "MARIADB_AUDIT_PLUGIN",
					"optionSettings": []any{
						map[string]any{"name": "SERVER_AUDIT_EVENTS", "value": "CONNECT,QUERY_DDL,QUERY_DCL"},
						map[string]any{"name": "SERVER_AUDIT_EXCL_USERS", "value": "rdsadmin"},
					},
				}}, og.Objects("options"), "connections, schema and privilege changes; not every statement")
			} else {
				assert.Empty(t, og.Objects("options"))
			}
		})
	}
}

func TestReadReplica(t *testing.T) {
	spec := dataProdLike()
	spec.Database.MultiAz = false
	m, d := dataRun(t, dataArgs(spec))
	primary := m.One(t, typeInstance, primaryName)
	replica := m.One(t, typeInstance, "tastylog-dev-mysql-replica")

	assert.Equal(t, "ap-northeast-1a", primary.Str("availabilityZone"))
	assert.Equal(t, "ap-northeast-1c", replica.Str("availabilityZone"), "the replica lives in another AZ")
	assert.Equal(t, primaryName+"-abc1234", replica.Str("replicateSourceDb"))
	assert.Equal(t, []string{"sg-db"}, replica.Strings("vpcSecurityGroupIds"))
	assert.False(t, replica.Bool("publiclyAccessible"))
	assert.True(t, replica.Bool("storageEncrypted"))
	assert.Empty(t, replica.Str("password"), "a replica takes its credentials from the source")
	assert.Empty(t, replica.Str("username"))

	addr, err := testkit.Await(d.ReplicaAddress)
	require.NoError(t, err)
	assert.Equal(t, "tastylog-dev-mysql-replica-abc1234.cmock.ap-northeast-1.rds.amazonaws.com", addr)

	m, d = dataRun(t, dataArgs(dataDevLike()))
	assert.Nil(t, m.Find(typeInstance, "tastylog-dev-mysql-replica"))
	addr, err = testkit.Await(d.ReplicaAddress)
	require.NoError(t, err)
	assert.Equal(t, "", addr)
}

func TestParameterStoreContract(t *testing.T) {
	m, d := dataRun(t, dataArgs(dataDevLike()))
	host := primaryName + "-abc1234.cmock.ap-northeast-1.rds.amazonaws.com"
	want := []struct {
		name, typ, value string
	}{
		{"/tastylog/dev/app/MYSQL_HOST", "String", host},
		{"/tastylog/dev/app/MYSQL_PORT", "String", "3306"},
		{"/tastylog/dev/app/MYSQL_DATABASE", "String", "tastylog"},
		{"/tastylog/dev/app/MYSQL_SSL", "String", "Amazon RDS"},
		{"/tastylog/dev/app/MYSQL_USERNAME", "SecureString", "tastylog_admin"},
		{"/tastylog/dev/app/MYSQL_PASSWORD", "SecureString", "mock-secret-tastylog-dev-mysql-master-password"},
		{"/tastylog/dev/app/SESSION_SECRET", "SecureString", "mock-secret-tastylog-dev-session-secret"},
	}
	params := map[string]*testkit.Resource{}
	for _, p := range m.ByType(typeParameter) {
		params[p.Str("name")] = p
	}
	assert.Len(t, params, len(want))
	for _, w := range want {
		p := params[w.name]
		if !assert.NotNil(t, p, "parameter %s", w.name) {
			continue
		}
		assert.Equal(t, w.typ, p.Str("type"), w.name)
		assert.Equal(t, w.value, p.Str("value"), w.name)
		if w.typ == "SecureString" {
			assert.True(t, p.IsSecret("value"), "%s is secret in state", w.name)
		}
	}

	arns, err := testkit.AwaitStrings(d.ParameterArns)
	require.NoError(t, err)
	assert.Len(t, arns, len(want))
	for _, arn := range arns {
		assert.True(t, strings.HasPrefix(arn, "arn:aws:ssm:ap-northeast-1:"+account+":parameter/tastylog/dev/app/"), arn)
	}
}

func TestPasswordsAreGeneratedAndSecret(t *testing.T) {
	m, _ := dataRun(t, dataArgs(dataDevLike()))
	for _, name := range []string{"tastylog-dev-mysql-master-password", "tastylog-dev-session-secret"} {
		p := m.One(t, typePassword, name)
		assert.GreaterOrEqual(t, p.Int("length"), 32, name)
		assert.False(t, p.Bool("special"), "%s: alphanumeric survives shells and env files", name)
	}
	db := m.One(t, typeInstance, primaryName)
	assert.True(t, db.IsSecret("password"), "the master password is secret on the instance")
	assert.Equal(t, "mock-secret-tastylog-dev-mysql-master-password", db.Str("password"))
}

// policyOf returns the parsed policy of the bucket with the given role.
func policyOf(t *testing.T, m *testkit.Mocks, role string) iampolicy.Document {
	t.Helper()
	p := m.One(t, typeBucketPolicy, "tastylog-dev-"+role+"-bucket-policy")
	var doc iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc))
	return doc
}

func TestBuckets(t *testing.T) {
	cases := []struct {
		name string
		spec dataspec.Spec
	}{{"DevLike", dataDevLike()}, {"ProdLike", dataProdLike()}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := dataRun(t, dataArgs(tc.spec))
			assert.Len(t, m.ByType(typeBucket), 4)
			for _, role := range []string{"static", "deploy", "logs", "trail"} {
				base := "tastylog-dev-" + role + "-bucket"
				name := "tastylog-dev-" + role + "-" + account
				bucket := m.One(t, typeBucket, base)
				assert.Equal(t, name, bucket.Str("bucket"))
				assert.LessOrEqual(t, len(name), 63, "S3 bucket names are at most 63 characters")
				assert.Equal(t, tc.spec.ForceDestroyBuckets, bucket.Bool("forceDestroy"), role)
				assert.Equal(t, tc.spec.Production, bucket.Protect, "%s bucket is protected in production", role)
				assert.Equal(t, tc.spec.Production && role == "trail", bucket.RetainOnDelete, "%s: only the audit record outlives a destroy", role)

				pab := m.One(t, typePAB, base+"-public-access-block")
				assert.Equal(t, name, pab.Str("bucket"))
				for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
					assert.True(t, pab.Bool(k), "%s: %s", role, k)
				}
				own := m.One(t, typeOwnership, base+"-ownership")
				assert.Equal(t, map[string]any{"objectOwnership": "BucketOwnerEnforced"}, own.Input("rule"), role)

				enc := m.One(t, typeEncryption, base+"-encryption")
				rules := enc.Objects("rules")
				require.Len(t, rules, 1)
				sse := rules[0]["applyServerSideEncryptionByDefault"].(map[string]any)
				if role == "trail" && tc.spec.StackKey {
					assert.Equal(t, "aws:kms", sse["sseAlgorithm"], "the trail bucket uses the stack key")
					assert.Contains(t, sse["kmsMasterKeyId"], "tastylog-dev-stack-key")
					assert.Equal(t, true, rules[0]["bucketKeyEnabled"])
				} else {
					assert.Equal(t, "AES256", sse["sseAlgorithm"], "%s: SSE-S3, which log deliveries accept", role)
				}
				logging := m.Find("aws:s3/bucketLoggingV2:BucketLoggingV2", "tastylog-dev-"+role+"-bucket-logging")
				if role == "logs" {
					assert.Nil(t, logging, "the logs bucket does not log into itself")
				} else if assert.NotNil(t, logging, "%s has S3 server access logging", role) {
					assert.Equal(t, "tastylog-dev-logs-"+account, logging.Str("targetBucket"))
					assert.Equal(t, "s3/"+name+"/", logging.Str("targetPrefix"))
					assert.Contains(t, logging.DependsOn, m.One(t, typeBucketPolicy, "tastylog-dev-logs-bucket-policy").URN, "after the logs bucket admits the logging service")
				}

				versioning := m.Find(typeVersioning, base+"-versioning")
				if role == "logs" {
					assert.Nil(t, versioning, "logs are not versioned")
				} else if assert.NotNil(t, versioning, "%s is versioned", role) {
					assert.Equal(t, "Enabled", versioning.Input("versioningConfiguration").(map[string]any)["status"])
				}

				lifecycle := m.One(t, typeLifecycle, base+"-lifecycle").Objects("rules")
				require.Len(t, lifecycle, 1)
				if role == "logs" {
					assert.EqualValues(t, tc.spec.LogsExpirationDays, lifecycle[0]["expiration"].(map[string]any)["days"])
				} else {
					assert.EqualValues(t, 90, lifecycle[0]["noncurrentVersionExpiration"].(map[string]any)["noncurrentDays"])
				}

				if role == "static" {
					assert.Nil(t, m.Find(typeBucketPolicy, base+"-policy"), "the edge layer owns the static bucket's policy")
					continue
				}
				policy := m.One(t, typeBucketPolicy, base+"-policy")
				assert.Contains(t, policy.DependsOn, pab.URN, "%s policy waits for the public access block", role)
				doc := policyOf(t, m, role)
				deny := doc.Statement[0]
				assert.Equal(t, "Deny", deny.Effect)
				assert.Equal(t, []string{"s3:*"}, deny.Action)
				assert.Equal(t, []string{"arn:aws:s3:::" + name, "arn:aws:s3:::" + name + "/*"}, deny.Resource)
				assert.Equal(t, map[string]map[string][]string{"Bool": {"aws:SecureTransport": {"false"}}}, deny.Condition)
				if role == "deploy" {
					assert.Len(t, doc.Statement, 1, "%s: no one but TLS clients of this account", role)
				}
			}
		})
	}
}

func TestLogsBucketAdmitsOnlyTheStacksDeliveries(t *testing.T) {
	m, d := dataRun(t, dataArgs(dataDevLike()))
	bucket := "arn:aws:s3:::tastylog-dev-logs-" + account
	trail := "arn:aws:cloudtrail:ap-northeast-1:" + account + ":trail/tastylog-dev-trail"
	assert.Equal(t, "tastylog-dev-trail", d.TrailName)

	allows := map[string]iampolicy.Statement{}
	for _, s := range policyOf(t, m, "logs").Statement[1:] {
		assert.Equal(t, "Allow", s.Effect)
		allows[s.Sid] = s
	}
	assert.Len(t, allows, 4)

	alb := allows["AlbAccessLogs"]
	assert.Equal(t, []string{"s3:PutObject"}, alb.Action)
	assert.Equal(t, []string{bucket + "/alb/AWSLogs/" + account + "/*"}, alb.Resource)
	assert.Equal(t, map[string][]string{
		"AWS":     {testkit.ElbAccountArn},
		"Service": {"logdelivery.elasticloadbalancing.amazonaws.com"},
	}, alb.Principal)

	access := allows["S3ServerAccessLogs"]
	assert.Equal(t, []string{"s3:PutObject"}, access.Action)
	assert.Equal(t, []string{bucket + "/s3/*"}, access.Resource)
	assert.Equal(t, map[string][]string{"Service": {"logging.s3.amazonaws.com"}}, access.Principal)
	assert.Equal(t, []string{"arn:aws:s3:::tastylog-dev-static-" + account, "arn:aws:s3:::tastylog-dev-deploy-" + account,
		"arn:aws:s3:::tastylog-dev-trail-" + account}, access.Condition["ArnLike"]["aws:SourceArn"], "the stack's own buckets only")
	assert.Equal(t, []string{account}, access.Condition["StringEquals"]["aws:SourceAccount"])

	// The trail's bucket admits the stack's trail and nothing else.
	trailBucket := "arn:aws:s3:::tastylog-dev-trail-" + account
	trailAllows := map[string]iampolicy.Statement{}
	for _, s := range policyOf(t, m, "trail").Statement[1:] {
		trailAllows[s.Sid] = s
	}
	assert.Len(t, trailAllows, 2)
	acl := trailAllows["CloudTrailAclCheck"]
	assert.Equal(t, []string{"s3:GetBucketAcl"}, acl.Action)
	assert.Equal(t, []string{trailBucket}, acl.Resource)
	assert.Equal(t, []string{trail}, acl.Condition["StringEquals"]["aws:SourceArn"])
	write := trailAllows["CloudTrailWrite"]
	assert.Equal(t, []string{"s3:PutObject"}, write.Action)
	assert.Equal(t, []string{trailBucket + "/AWSLogs/" + account + "/*"}, write.Resource)
	assert.Equal(t, map[string][]string{"Service": {"cloudtrail.amazonaws.com"}}, write.Principal)
	assert.Equal(t, []string{trail}, write.Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, []string{"bucket-owner-full-control"}, write.Condition["StringEquals"]["s3:x-amz-acl"])

	delivery := allows["AWSLogDeliveryWrite"]
	assert.Equal(t, []string{"s3:PutObject"}, delivery.Action)
	assert.Equal(t, []string{bucket + "/cloudfront/*"}, delivery.Resource, "CloudFront's v2 logs only, unless flow logs go to the bucket")
	assert.Equal(t, map[string][]string{"Service": {"delivery.logs.amazonaws.com"}}, delivery.Principal)
	assert.Equal(t, []string{"arn:aws:logs:us-east-1:" + account + ":*"}, delivery.Condition["ArnLike"]["aws:SourceArn"])
	assert.Equal(t, []string{account}, delivery.Condition["StringEquals"]["aws:SourceAccount"])
	check := allows["AWSLogDeliveryAclCheck"]
	assert.Equal(t, []string{"s3:GetBucketAcl", "s3:ListBucket"}, check.Action)
	assert.Equal(t, []string{bucket}, check.Resource)

	assert.Len(t, m.Invokes(testkit.TokenGetElbServiceAccount), 1)
}

func TestEveryChildIsParentedAndOnTheProvider(t *testing.T) {
	m, _ := dataRun(t, dataArgs(dataProdLike()))
	component := m.ByType(data.Type)
	require.Len(t, component, 1)
	provider := m.One(t, "pulumi:providers:aws", "aws-app")
	count := 0
	for _, r := range m.All() {
		if r.Type == data.Type || strings.HasPrefix(r.Type, "pulumi:") {
			continue
		}
		count++
		assert.Equal(t, component[0].URN, r.Parent, "%s %s", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, componentName+"-"), r.Name)
		if strings.HasPrefix(r.Type, "aws:") {
			if p := m.ProviderOf(r); assert.NotNil(t, p, r.Name) {
				assert.Equal(t, provider.URN, p.URN, r.Name)
			}
		}
	}
	assert.Greater(t, count, 25)
	for _, inv := range m.Invokes(testkit.TokenGetElbServiceAccount) {
		assert.True(t, strings.HasPrefix(inv.Provider, provider.URN+"::"), "the ELB account lookup uses the app provider")
	}
}

func TestOutputs(t *testing.T) {
	_, d := dataRun(t, dataArgs(dataDevLike()))
	for _, c := range []struct {
		out  pulumi.Output
		want any
	}{
		{d.DbAddress, primaryName + "-abc1234.cmock.ap-northeast-1.rds.amazonaws.com"},
		{d.DbPort, 3306},
		{d.DbIdentifier, primaryName + "-abc1234"},
		{d.DbArn, "arn:aws:rds:ap-northeast-1:" + account + ":db:" + primaryName + "-abc1234"},
		{d.ParameterPath, "/tastylog/dev/app/"},
		{d.StaticBucket.Name, "tastylog-dev-static-" + account},
		{d.StaticBucket.RegionalDomainName, "tastylog-dev-static-" + account + ".s3.ap-northeast-1.amazonaws.com"},
		{d.DeployBucket.Arn, "arn:aws:s3:::tastylog-dev-deploy-" + account},
		{d.LogsBucket.Name, "tastylog-dev-logs-" + account},
	} {
		got, err := testkit.Await(c.out)
		require.NoError(t, err)
		assert.EqualValues(t, c.want, got)
	}
}

func TestDataNewRejectsInvalidArgs(t *testing.T) {
	a := dataArgs(dataDevLike())
	a.Database.EngineVersion = "9.9"
	a.ParameterPath = "tastylog/dev/app"
	m := testkit.New("tastylog", "dev", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := data.New(ctx, componentName, a)
		return err
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `data: invalid args: dbEngineVersion: "9.9" is not a supported MySQL major version`)
	assert.Contains(t, err.Error(), `ParameterPath "tastylog/dev/app" must be a path`)
	assert.Empty(t, m.All())
}

func TestFlowLogsToTheBucketOnlyWhenAsked(t *testing.T) {
	bucket := "arn:aws:s3:::tastylog-dev-logs-" + account
	statements := func(a *data.Args) map[string]iampolicy.Statement {
		m, _ := dataRun(t, a)
		out := map[string]iampolicy.Statement{}
		for _, s := range policyOf(t, m, "logs").Statement {
			out[s.Sid] = s
		}
		return out
	}
	without := statements(dataArgs(dataDevLike()))
	assert.NotContains(t, without["AWSLogDeliveryWrite"].Resource, bucket+"/flowlogs/AWSLogs/"+account+"/*")

	a := dataArgs(dataDevLike())
	a.FlowLogsToBucket = true
	with := statements(a)
	assert.Equal(t, []string{bucket + "/cloudfront/*", bucket + "/flowlogs/AWSLogs/" + account + "/*"}, with["AWSLogDeliveryWrite"].Resource)
	assert.Equal(t, []string{"arn:aws:logs:us-east-1:" + account + ":*", "arn:aws:logs:ap-northeast-1:" + account + ":*"},
		with["AWSLogDeliveryAclCheck"].Condition["ArnLike"]["aws:SourceArn"])
}

// In a region opened since August 2022 ELB writes access logs as its service principal, and the
// provider's account look-up would fail with "Unknown region": the program does not make it.
func TestLogsBucketInARegionWithoutAnElbAccount(t *testing.T) {
	a := dataArgs(dataDevLike())
	a.Region, a.AvailabilityZones = "mx-central-1", []string{"mx-central-1a", "mx-central-1b"}
	m, _ := dataRun(t, a)
	for _, s := range policyOf(t, m, "logs").Statement {
		if s.Sid == "AlbAccessLogs" {
			assert.Equal(t, map[string][]string{"Service": {"logdelivery.elasticloadbalancing.amazonaws.com"}}, s.Principal)
		}
	}
	assert.Empty(t, m.Invokes(testkit.TokenGetElbServiceAccount), "no ELB account look-up where AWS has none")
}

// The stack key: rotated, a 30-day window, protected in production; the database, Performance Insights
// and the SecureStrings use it; its policy admits CloudTrail for this trail and CloudWatch Logs for the
// stack's groups, besides the account.
func TestStackKey(t *testing.T) {
	m, d := dataRun(t, dataArgs(dataProdLike()))
	key := m.One(t, "aws:kms/key:Key", "tastylog-dev-stack-key")
	assert.True(t, key.Bool("enableKeyRotation"))
	assert.Equal(t, 30, key.Int("deletionWindowInDays"))
	assert.True(t, key.Protect, "protected in production")
	assert.Equal(t, "alias/tastylog-dev", m.One(t, "aws:kms/alias:Alias", "tastylog-dev-stack-key-alias").Str("name"))
	var policy iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(key.Str("policy")), &policy))
	sids := map[string]iampolicy.Statement{}
	for _, st := range policy.Statement {
		sids[st.Sid] = st
	}
	trail := "arn:aws:cloudtrail:ap-northeast-1:" + account + ":trail/tastylog-dev-trail"
	assert.Equal(t, []string{trail}, sids["CloudTrailEncryptsThisTrail"].Condition["StringEquals"]["aws:SourceArn"])
	assert.Equal(t, []string{"kms:GenerateDataKey*"}, sids["CloudTrailEncryptsThisTrail"].Action)
	assert.Equal(t, []string{"arn:aws:logs:ap-northeast-1:" + account + ":log-group:/tastylog/dev/*"},
		sids["LogsEncryptTheStacksGroups"].Condition["ArnLike"]["kms:EncryptionContext:aws:logs:arn"])
	assert.Len(t, sids, 4)

	arn, err := testkit.Await(d.KeyArn)
	require.NoError(t, err)
	db := m.One(t, typeInstance, primaryName)
	assert.Equal(t, arn, db.Str("kmsKeyId"))
	assert.Equal(t, arn, db.Str("performanceInsightsKmsKeyId"))
	for _, p := range m.ByType(typeParameter) {
		if p.Str("type") == "SecureString" {
			assert.Equal(t, arn, p.Str("keyId"), p.Name)
		} else {
			assert.Empty(t, p.Str("keyId"), p.Name)
		}
	}

	m, d = dataRun(t, dataArgs(dataDevLike()))
	assert.Empty(t, m.ByType("aws:kms/key:Key"), "dev uses AWS-managed keys")
	assert.Empty(t, m.One(t, typeInstance, primaryName).Str("kmsKeyId"))
	arn, err = testkit.Await(d.KeyArn)
	require.NoError(t, err)
	assert.Empty(t, arn)
}

func TestTrailBucketObjectLock(t *testing.T) {
	spec := dataProdLike()
	spec.TrailObjectLockDays = 365
	m, _ := dataRun(t, dataArgs(spec))
	assert.True(t, m.One(t, typeBucket, "tastylog-dev-trail-bucket").Bool("objectLockEnabled"))
	lock := m.One(t, "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", "tastylog-dev-trail-bucket-object-lock")
	assert.Equal(t, map[string]any{"defaultRetention": map[string]any{"mode": "GOVERNANCE", "days": float64(365)}}, lock.Input("rule"))
	assert.False(t, m.One(t, typeBucket, "tastylog-dev-logs-bucket").Bool("objectLockEnabled"))
}
