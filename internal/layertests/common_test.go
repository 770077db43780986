package layertests

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tastylog/infra/internal/iampolicy"
	"github.com/tastylog/infra/internal/testkit"
)

// Names the layers' tests share.
const (
	typeBucketPolicy = "aws:s3/bucketPolicy:BucketPolicy"
	typeRole         = "aws:iam/role:Role"
	logsBucket       = "tastylog-dev-logs-" + account
	account          = testkit.AccountID
	componentName    = "tastylog-dev"
	typeLogGroup     = "aws:cloudwatch/logGroup:LogGroup"
)

// policyDoc parses a policy document input (a role's, a bucket's, a queue's, a trust policy).
func policyDoc(t *testing.T, raw string) iampolicy.Document {
	t.Helper()
	var d iampolicy.Document
	require.NoError(t, json.Unmarshal([]byte(raw), &d))
	return d
}

// statements parses a policy document into its statements by Sid.
func statements(t *testing.T, raw string) map[string]iampolicy.Statement {
	t.Helper()
	out := map[string]iampolicy.Statement{}
	for _, s := range policyDoc(t, raw).Statement {
		out[s.Sid] = s
	}
	return out
}
