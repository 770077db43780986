// Package obsspec is the observability layer's settings as plain Go values: who is alerted, alarm
// thresholds, and the audit trail and flow logs, with the rules that keep them valid. It imports no
// Pulumi package.
package obsspec

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/configerr"
	"github.com/tastylog/infra/internal/dataspec"
)

// Flow-log destinations and traffic types.
const (
	FlowLogsOff        = "off"
	FlowLogsCloudWatch = "cloudwatch"
	FlowLogsS3         = "s3"
)

var (
	FlowLogDestinations = []string{FlowLogsOff, FlowLogsCloudWatch, FlowLogsS3}
	FlowLogTrafficTypes = []string{"REJECT", "ALL"}
)

// Thresholds are the alarm limits.
type Thresholds struct {
	// Alb5xx and Target5xx are 5xx responses per 5 minutes from the load balancer itself and from the app.
	Alb5xx    int
	Target5xx int
	// ResponseTimeP95Ms is the app's p95 response time, in milliseconds.
	ResponseTimeP95Ms int
	// AppCpuPercent and DbCpuPercent are average CPU limits.
	AppCpuPercent int
	// AppMemoryPercent is the tasks' average memory limit (fargate; the servers' memory is on the dashboard).
	AppMemoryPercent int
	DbCpuPercent     int
	// DbFreeStorageGiB and DbFreeableMemoryMiB are lower limits.
	DbFreeStorageGiB    int
	DbFreeableMemoryMiB int
	// DbConnections is the upper limit of open connections.
	DbConnections int
	// CloudFront5xxRatePercent is the share of viewer requests answered with 5xx.
	CloudFront5xxRatePercent int
}

// Spec is the observability of one stack.
type Spec struct {
	// AlarmEmails receive every alarm and event notification (each must confirm the subscription).
	AlarmEmails []string
	// AlarmTopicArns are existing SNS topics (a pager or chat integration) that also receive the alarms
	// and events of their region: those in the app region the app's, those in us-east-1 CloudFront's.
	AlarmTopicArns []string
	Thresholds     Thresholds
	// CloudTrail creates a multi-region trail; turn it off where an organization trail already records.
	CloudTrail bool
	// FlowLogs is one of FlowLogDestinations; FlowLogTraffic one of FlowLogTrafficTypes.
	FlowLogs       string
	FlowLogTraffic string
	// AuditLogRetentionDays is the retention of the audit log groups (trail, flow logs): a CloudWatch Logs
	// retention, at least ProductionAuditDays in production.
	AuditLogRetentionDays int
}

// ProductionAuditDays is the least a production stack keeps its audit logs: a year (CIS AWS Foundations
// and most audit regimes).
const ProductionAuditDays = 365

// Default alerts nobody until emails are configured, and records the trail and rejected traffic.
func Default() Spec {
	return Spec{
		AlarmEmails:    []string{},
		AlarmTopicArns: []string{},
		Thresholds: Thresholds{
			Alb5xx:                   10,
			Target5xx:                10,
			ResponseTimeP95Ms:        1500,
			AppCpuPercent:            80,
			AppMemoryPercent:         80,
			DbCpuPercent:             80,
			DbFreeStorageGiB:         2,
			DbFreeableMemoryMiB:      128,
			DbConnections:            100,
			CloudFront5xxRatePercent: 5,
		},
		CloudTrail:            true,
		FlowLogs:              FlowLogsCloudWatch,
		FlowLogTraffic:        "REJECT",
		AuditLogRetentionDays: ProductionAuditDays,
	}
}

// FlowLogsToBucket reports whether the flow logs go to the logs bucket, which must then admit them.
func (s Spec) FlowLogsToBucket() bool { return s.FlowLogs == FlowLogsS3 }

// topicArnPattern is an SNS standard topic ARN; the first group is its region.
var topicArnPattern = regexp.MustCompile(`^arn:aws:sns:([a-z0-9-]+):[0-9]{12}:[A-Za-z0-9_-]{1,256}$`)

// GlobalRegion is where CloudFront publishes its metrics, so where its alarms and their topic live.
const GlobalRegion = "us-east-1"

// TopicsIn returns the AlarmTopicArns in region.
func (s Spec) TopicsIn(region string) []string {
	var out []string
	for _, arn := range s.AlarmTopicArns {
		if m := topicArnPattern.FindStringSubmatch(arn); m != nil && m[1] == region {
			out = append(out, arn)
		}
	}
	return out
}

// CheckSomeoneListens reports a production stack whose alarms reach nobody: no email, and no existing
// topic in the app region or in us-east-1 (CloudFront's alarms). Alarms nobody hears are no alarms.
func (s Spec) CheckSomeoneListens(keyPrefix, region string, production bool) error {
	if !production || len(s.AlarmEmails) > 0 {
		return nil
	}
	var missing []string
	for _, r := range slices.Compact([]string{region, GlobalRegion}) {
		if len(s.TopicsIn(r)) == 0 {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return configerr.New(keyPrefix+KeyAlarmEmails, "[]",
		"is empty and %s has no topic in %s, so nobody hears this production stack's alarms (%s is true); add an on-call address, or existing SNS topics in %s and %s",
		keyPrefix+KeyAlarmTopicArns, strings.Join(missing, " or "), keyPrefix+dataspec.KeyProduction, region, GlobalRegion)
}

// Validate checks the spec for the app region; keys in errors are stack-config keys with keyPrefix in front.
func (s Spec) Validate(keyPrefix, region string) error {
	var errs []error
	fail := func(key, value, format string, args ...any) {
		errs = append(errs, configerr.New(keyPrefix+key, value, format, args...))
	}
	for i, e := range s.AlarmEmails {
		key := fmt.Sprintf("alarmEmails[%d]", i)
		addr, err := mail.ParseAddress(e)
		switch {
		case err != nil || addr.Address != e || !strings.Contains(e[strings.Index(e, "@")+1:], "."):
			fail(key, e, "is not an email address such as ops@example.com")
		case slices.Index(s.AlarmEmails, e) != i:
			fail(key, e, "is listed twice")
		}
	}
	for i, arn := range s.AlarmTopicArns {
		key := fmt.Sprintf("alarmTopicArns[%d]", i)
		m := topicArnPattern.FindStringSubmatch(arn)
		switch {
		case m == nil:
			fail(key, arn, "is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>; FIFO topics cannot receive alarms)")
		case m[1] != region && m[1] != GlobalRegion:
			fail(key, arn, "is in %s; an alarm notifies topics of its own region only, %s (the app's alarms) or %s (CloudFront's)", m[1], region, GlobalRegion)
		case slices.Index(s.AlarmTopicArns, arn) != i:
			fail(key, arn, "is listed twice")
		}
	}
	t := s.Thresholds
	for _, c := range []struct {
		key      string
		value    int
		min, max int
		unit     string
	}{
		{KeyAlarmAlb5xx, t.Alb5xx, 1, 1000000, "responses per 5 minutes"},
		{KeyAlarmTarget5xx, t.Target5xx, 1, 1000000, "responses per 5 minutes"},
		{KeyAlarmResponseTimeP95Ms, t.ResponseTimeP95Ms, 10, 120000, "milliseconds (the load balancer times out at its idle timeout)"},
		{KeyAlarmAppCpuPercent, t.AppCpuPercent, 1, 100, "percent"},
		{KeyAlarmAppMemoryPercent, t.AppMemoryPercent, 1, 100, "percent"},
		{KeyAlarmDbCpuPercent, t.DbCpuPercent, 1, 100, "percent"},
		{KeyAlarmDbFreeStorageGiB, t.DbFreeStorageGiB, 1, 65536, "GiB"},
		{KeyAlarmDbFreeableMemoryMiB, t.DbFreeableMemoryMiB, 1, 4194304, "MiB"},
		{KeyAlarmDbConnections, t.DbConnections, 1, 100000, "connections"},
		{KeyAlarmCloudFront5xxRatePercent, t.CloudFront5xxRatePercent, 1, 100, "percent"},
	} {
		if c.value < c.min || c.value > c.max {
			fail(c.key, strconv.Itoa(c.value), "is outside %d-%d %s", c.min, c.max, c.unit)
		}
	}
	if !slices.Contains(FlowLogDestinations, s.FlowLogs) {
		fail(KeyFlowLogs, s.FlowLogs, "is not a flow-log destination; allowed: %s", strings.Join(FlowLogDestinations, ", "))
	}
	if !slices.Contains(FlowLogTrafficTypes, s.FlowLogTraffic) {
		fail(KeyFlowLogTraffic, s.FlowLogTraffic, "is not a traffic type; allowed: %s", strings.Join(FlowLogTrafficTypes, ", "))
	}
	return errors.Join(errs...)
}

// CheckStorage reports a free-storage alarm that could never clear: its limit at or above the storage
// ceiling. It is a separate check because it needs the database's settings.
func (s Spec) CheckStorage(keyPrefix string, maxAllocatedGiB int) error {
	if s.Thresholds.DbFreeStorageGiB >= maxAllocatedGiB {
		return configerr.New(keyPrefix+KeyAlarmDbFreeStorageGiB, strconv.Itoa(s.Thresholds.DbFreeStorageGiB),
			"is not below the database's storage ceiling %s (%d GiB); the alarm would never clear", keyPrefix+dataspec.KeyDbMaxAllocatedStorage, maxAllocatedGiB)
	}
	return nil
}
