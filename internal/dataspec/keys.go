package dataspec

// The stack-config keys (short names, without the project namespace) of the data layer: the one place each
// name is written. The stack config binds them, and every validation message here names them.
const (
	KeyProduction            = "production"
	KeyDbDeletionProtection  = "dbDeletionProtection"
	KeyForceDestroyBuckets   = "forceDestroyBuckets"
	KeyStackKey              = "stackKey"
	KeyDbEngineVersion       = "dbEngineVersion"
	KeyDbInstanceClass       = "dbInstanceClass"
	KeyDbName                = "dbName"
	KeyDbUsername            = "dbUsername"
	KeyDbAllocatedStorage    = "dbAllocatedStorage"
	KeyDbMaxAllocatedStorage = "dbMaxAllocatedStorage"
	KeyDbMultiAz             = "dbMultiAz"
	KeyDbSkipFinalSnapshot   = "dbSkipFinalSnapshot"
	KeyDbBackupRetentionDays = "dbBackupRetentionDays"
	KeyDbBackupWindow        = "dbBackupWindow"
	KeyDbMaintenanceWindow   = "dbMaintenanceWindow"
	KeyDbPerformanceInsights = "dbPerformanceInsights"
	KeyDbMonitoringInterval  = "dbMonitoringInterval"
	KeyDbLogExports          = "dbLogExports"
	KeyDbReadReplica         = "dbReadReplica"
	KeyLogsExpirationDays    = "logsExpirationDays"
	KeyTrailObjectLockDays   = "trailObjectLockDays"
)
