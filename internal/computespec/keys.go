package computespec

// The stack-config keys (short names, without the project namespace) of the app servers: the one place each
// name is written. The stack config binds them, and every validation message here names them.
const (
	KeyAppInstanceType                = "appInstanceType"
	KeyAppArchitecture                = "appArchitecture"
	KeyAppMinSize                     = "appMinSize"
	KeyAppDesiredCapacity             = "appDesiredCapacity"
	KeyAppMaxSize                     = "appMaxSize"
	KeyAppHealthCheckGracePeriod      = "appHealthCheckGracePeriod"
	KeyAppHealthCheckPath             = "appHealthCheckPath"
	KeyAppRefreshMinHealthyPercentage = "appRefreshMinHealthyPercentage"
	KeyAppRefreshMaxHealthyPercentage = "appRefreshMaxHealthyPercentage"
	KeyAppCpuTarget                   = "appCpuTarget"
	KeyAppRequestsPerTarget           = "appRequestsPerTarget"
	KeyAppRootVolumeSize              = "appRootVolumeSize"
	KeyAppSshPublicKey                = "appSshPublicKey"
	KeyLogRetentionDays               = "logRetentionDays"
)
