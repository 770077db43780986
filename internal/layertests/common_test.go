package layertests

import "github.com/tastylog/infra/internal/testkit"

// Names the layers' tests share.
const (
	typeBucketPolicy = "aws:s3/bucketPolicy:BucketPolicy"
	typeRole         = "aws:iam/role:Role"
	logsBucket       = "tastylog-dev-logs-" + account
	account          = testkit.AccountID
	componentName    = "tastylog-dev"
	typeLogGroup     = "aws:cloudwatch/logGroup:LogGroup"
)
