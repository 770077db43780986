package layertests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/bootstrap"
	"github.com/tastylog/infra/internal/bootstrapspec"
	"github.com/tastylog/infra/internal/testkit"
	policypack "github.com/tastylog/infra/policy"
)

func bootstrapRun(t *testing.T, mutate ...func(*bootstrapspec.Spec)) (*testkit.Mocks, *bootstrap.Account) {
	t.Helper()
	spec := bootstrapspec.Default()
	spec.GithubRepository, spec.Environments, spec.BudgetEmails = "example/tastylog-infra", []string{"dev", "prod"}, []string{"oncall@example.com"}
	for _, f := range mutate {
		f(&spec)
	}
	m := testkit.New(bootstrapspec.Project, "sandbox", "ap-northeast-1")
	return m, testkit.RunComponent(t, m, "ap-northeast-1", func(ctx *pulumi.Context, p testkit.Providers) (*bootstrap.Account, error) {
		return bootstrap.New(ctx, "tastylog", &bootstrap.Args{Spec: spec, AccountId: account, Region: "ap-northeast-1"}, pulumi.Providers(p.App))
	})
}

// Each role trusts one subject of GitHub's tokens, exactly: pull requests of the repository for the
// preview role, one environment of the repository for each deploy role; no wildcard anywhere.
func TestBootstrapTrustIsScopedToTheRepositoryAndEnvironment(t *testing.T) {
	m, a := bootstrapRun(t)
	oidc := m.One(t, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "tastylog-github-oidc")
	assert.Equal(t, "https://token.actions.githubusercontent.com", oidc.Str("url"))
	assert.Equal(t, []string{"sts.amazonaws.com"}, oidc.Strings("clientIdLists"))
	for name, subject := range map[string]string{
		"tastylog-github-preview":     "repo:example/tastylog-infra:pull_request",
		"tastylog-github-main":        "repo:example/tastylog-infra:ref:refs/heads/main",
		"tastylog-github-deploy-dev":  "repo:example/tastylog-infra:environment:dev",
		"tastylog-github-deploy-prod": "repo:example/tastylog-infra:environment:prod",
	} {
		role := m.One(t, typeRole, name)
		trust := policyDoc(t, role.Str("assumeRolePolicy"))
		require.Len(t, trust.Statement, 1, name)
		st := trust.Statement[0]
		assert.Equal(t, []string{"sts:AssumeRoleWithWebIdentity"}, st.Action, name)
		assert.Equal(t, []string{"arn:aws:mock:::aws:iam/openIdConnectProvider:OpenIdConnectProvider/tastylog-github-oidc-id"}, st.Principal["Federated"], name)
		assert.Equal(t, []string{subject}, st.Condition["StringEquals"]["token.actions.githubusercontent.com:sub"], name)
		assert.Equal(t, []string{"sts.amazonaws.com"}, st.Condition["StringEquals"]["token.actions.githubusercontent.com:aud"], name)
		assert.NotContains(t, st.Condition, "StringLike", "%s: no wildcard subjects", name)
		assert.NotContains(t, role.Str("assumeRolePolicy"), "*", name)
		assert.Equal(t, 3600, role.Int("maxSessionDuration"), name)
	}
	arns, err := testkit.Await(a.DeployRoleArns)
	require.NoError(t, err)
	assert.Len(t, arns, 2)

	// The deploy role manages its environment's roles only, no people or keys, nothing of the bootstrap.
	st := statements(t, m.One(t, typeRolePolicy, "tastylog-github-deploy-dev-policy").Str("policy"))
	assert.Equal(t, []string{"arn:aws:iam::" + account + ":role/tastylog-dev-*", "arn:aws:iam::" + account + ":instance-profile/tastylog-dev-*"}, st["ManageTheStacksRoles"].Resource)
	assert.Equal(t, []string{"arn:aws:iam::" + account + ":role/tastylog-dev-*"}, st["PassTheStacksRoles"].Resource)
	for _, deny := range []string{"NoPeopleNoKeys", "NotTheBootstrap", "NotTheKey", "NotTheGuards", "NotTheSessionPreferences"} {
		assert.Equal(t, "Deny", st[deny].Effect, deny)
	}
	assert.NotContains(t, st["ManageTheStacksServices"].Action, "iam:*")

	// The preview role reads, but not the stacks' data.
	pv := statements(t, m.One(t, typeRolePolicy, "tastylog-github-preview-policy").Str("policy"))
	assert.Equal(t, "Deny", pv["NoDataReads"].Effect)
	assert.Equal(t, []string{"arn:aws:s3:::tastylog-pulumi-state-" + account + "/*"}, pv["NoDataReads"].NotResource)
	assert.Equal(t, []string{"s3:PutObject", "s3:DeleteObject"}, pv["LockState"].Action, "a preview writes nothing but its lock")
	assert.Equal(t, "arn:aws:iam::aws:policy/ReadOnlyAccess", m.One(t, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "tastylog-github-preview-read-only").Str("policyArn"))
}

// An account that already has GitHub's provider names it rather than creating a second.
func TestBootstrapExistingOidcProvider(t *testing.T) {
	m, _ := bootstrapRun(t, func(s *bootstrapspec.Spec) { s.CreateOidcProvider = false })
	assert.Empty(t, m.ByType("aws:iam/openIdConnectProvider:OpenIdConnectProvider"))
	trust := policyDoc(t, m.One(t, typeRole, "tastylog-github-preview").Str("assumeRolePolicy"))
	assert.Equal(t, []string{"arn:aws:iam::" + account + ":oidc-provider/token.actions.githubusercontent.com"}, trust.Statement[0].Principal["Federated"])
}

// The state bucket: private, TLS only, versioned with old versions expiring, encrypted with the key,
// protected and kept; the key rotates and is protected.
func TestBootstrapStateBucketIsHardened(t *testing.T) {
	m, a := bootstrapRun(t, func(s *bootstrapspec.Spec) { s.StateVersionDays = 30 })
	bucket := m.One(t, typeBucket, "tastylog-state-bucket")
	assert.Equal(t, "tastylog-pulumi-state-"+account, bucket.Str("bucket"))
	assert.True(t, bucket.Protect)
	assert.True(t, bucket.RetainOnDelete)
	pab := m.One(t, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "tastylog-state-bucket-public-access-block")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		assert.True(t, pab.Bool(k), k)
	}
	enc := m.One(t, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "tastylog-state-bucket-encryption")
	rule := enc.Objects("rules")[0]["applyServerSideEncryptionByDefault"].(map[string]any)
	assert.Equal(t, "aws:kms", rule["sseAlgorithm"])
	assert.Contains(t, rule["kmsMasterKeyId"], "tastylog-pulumi-key")
	life := m.One(t, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "tastylog-state-bucket-lifecycle").Objects("rules")[0]
	assert.EqualValues(t, 30, life["noncurrentVersionExpiration"].(map[string]any)["noncurrentDays"])
	assert.Equal(t, "Enabled", m.One(t, "aws:s3/bucketVersioningV2:BucketVersioningV2", "tastylog-state-bucket-versioning").Input("versioningConfiguration").(map[string]any)["status"])
	policy := policyDoc(t, m.One(t, "aws:s3/bucketPolicy:BucketPolicy", "tastylog-state-bucket-policy").Str("policy"))
	assert.Equal(t, "DenyInsecureTransport", policy.Statement[0].Sid)
	logging := m.One(t, "aws:s3/bucketLoggingV2:BucketLoggingV2", "tastylog-state-bucket-logging")
	assert.Equal(t, "tastylog-pulumi-state-logs-"+account, logging.Str("targetBucket"), "who read or wrote which state is logged")
	logsPolicy := policyDoc(t, m.One(t, "aws:s3/bucketPolicy:BucketPolicy", "tastylog-state-logs-bucket-policy").Str("policy"))
	assert.Equal(t, []string{"logging.s3.amazonaws.com"}, logsPolicy.Statement[1].Principal["Service"])
	assert.Equal(t, []string{"arn:aws:s3:::tastylog-pulumi-state-" + account}, logsPolicy.Statement[1].Condition["ArnLike"]["aws:SourceArn"])
	assert.Empty(t, policypack.Check(policypack.Rules, m.PolicyResources()), "the bootstrap passes the project's policy pack")
	key := m.One(t, "aws:kms/key:Key", "tastylog-pulumi-key")
	assert.True(t, key.Bool("enableKeyRotation"))
	assert.True(t, key.Protect)
	backend, err := testkit.Await(a.BackendUrl)
	require.NoError(t, err)
	assert.Equal(t, "s3://tastylog-pulumi-state-"+account, backend)
	secrets, err := testkit.Await(a.SecretsProvider)
	require.NoError(t, err)
	assert.Equal(t, "awskms://alias/tastylog-pulumi?region=ap-northeast-1", secrets)

	// Nothing in the bootstrap is world-readable: no policy names a principal "*" but to deny.
	for _, r := range m.All() {
		for _, prop := range []string{"policy", "assumeRolePolicy"} {
			if raw := r.Str(prop); raw != "" {
				for _, s := range policyDoc(t, raw).Statement {
					if s.Effect == "Allow" {
						assert.NotContains(t, s.Principal["AWS"], "*", "%s allows anyone", r.Name)
					}
				}
			}
		}
	}
}

// The guards: EBS encryption by default, the account's public access block, Session Manager's preferences
// logging to the encrypted group, Access Analyzer, the budget's three alerts.
func TestBootstrapAccountGuards(t *testing.T) {
	m, a := bootstrapRun(t)
	assert.True(t, m.One(t, "aws:ebs/encryptionByDefault:EncryptionByDefault", "tastylog-ebs-encryption").Bool("enabled"))
	pab := m.One(t, "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "tastylog-account-public-access-block")
	assert.True(t, pab.Bool("blockPublicPolicy") && pab.Bool("restrictPublicBuckets") && pab.Bool("blockPublicAcls") && pab.Bool("ignorePublicAcls"))
	prefs := m.One(t, "aws:ssm/document:Document", "tastylog-session-preferences")
	assert.Equal(t, bootstrap.SessionPreferencesDocument, prefs.Str("name"))
	assert.Equal(t, "Session", prefs.Str("documentType"))
	var content struct {
		Inputs map[string]any `json:"inputs"`
	}
	require.NoError(t, json.Unmarshal([]byte(prefs.Str("content")), &content))
	assert.Equal(t, bootstrap.SessionLogGroup, content.Inputs["cloudWatchLogGroupName"])
	assert.Equal(t, true, content.Inputs["cloudWatchEncryptionEnabled"])
	assert.Equal(t, "20", content.Inputs["idleSessionTimeout"])
	logs := m.One(t, typeLogGroup, "tastylog-session-logs")
	assert.Contains(t, logs.Str("kmsKeyId"), "tastylog-pulumi-key", "the session logs are encrypted with the key")
	keyPolicy := policyDoc(t, m.One(t, "aws:kms/key:Key", "tastylog-pulumi-key").Str("policy"))
	assert.Equal(t, []string{"logs.ap-northeast-1.amazonaws.com"}, keyPolicy.Statement[1].Principal["Service"])
	assert.Equal(t, "ACCOUNT", m.One(t, "aws:accessanalyzer/analyzer:Analyzer", "tastylog-access-analyzer").Str("type"))
	budget := m.One(t, "aws:budgets/budget:Budget", "tastylog-monthly")
	assert.Equal(t, "200", budget.Str("limitAmount"))
	var alerts []string
	for _, n := range budget.Objects("notifications") {
		alerts = append(alerts, n["notificationType"].(string)+" "+strings.TrimSuffix(strings.TrimSuffix(fmtNum(n["threshold"]), ".0"), ".00"))
		assert.Equal(t, []any{"oncall@example.com"}, n["subscriberEmailAddresses"])
	}
	assert.Equal(t, []string{"ACTUAL 80", "ACTUAL 100", "FORECASTED 100"}, alerts)
	name, err := testkit.Await(a.BudgetName)
	require.NoError(t, err)
	assert.Equal(t, "tastylog-monthly", name)
}

func fmtNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestBootstrapRejectsInvalidArgs(t *testing.T) {
	m := testkit.New(bootstrapspec.Project, "sandbox", "ap-northeast-1")
	err := m.Run(nil, func(ctx *pulumi.Context) error {
		_, err := bootstrap.New(ctx, "tastylog", &bootstrap.Args{Spec: bootstrapspec.Default(), AccountId: account, Region: "ap-northeast-1"})
		return err
	})
	assert.ErrorContains(t, err, "tastylog-bootstrap:githubRepository")
	assert.ErrorContains(t, err, "tastylog-bootstrap:budgetEmails")
	assert.Empty(t, m.All())
}
