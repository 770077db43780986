package obsspec

// The stack-config keys (short names, without the project namespace) of alerting and audit: the one place each
// name is written. The stack config binds them, and every validation message here names them.
const (
	KeyAlarmEmails                   = "alarmEmails"
	KeyAlarmTopicArns                = "alarmTopicArns"
	KeyAlarmAlb5xx                   = "alarmAlb5xx"
	KeyAlarmTarget5xx                = "alarmTarget5xx"
	KeyAlarmResponseTimeP95Ms        = "alarmResponseTimeP95Ms"
	KeyAlarmAppCpuPercent            = "alarmAppCpuPercent"
	KeyAlarmAppMemoryPercent         = "alarmAppMemoryPercent"
	KeyAlarmDbCpuPercent             = "alarmDbCpuPercent"
	KeyAlarmDbFreeStorageGiB         = "alarmDbFreeStorageGiB"
	KeyAlarmDbFreeableMemoryMiB      = "alarmDbFreeableMemoryMiB"
	KeyAlarmDbConnections            = "alarmDbConnections"
	KeyAlarmCloudFront5xxRatePercent = "alarmCloudFront5xxRatePercent"
	KeyCloudTrail                    = "cloudTrail"
	KeyFlowLogs                      = "flowLogs"
	KeyFlowLogTraffic                = "flowLogTraffic"
	KeyAuditLogRetentionDays         = "auditLogRetentionDays"
)
