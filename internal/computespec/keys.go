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

// The keys of the compute mode and of the Fargate service, its task and its image repository.
const (
	KeyComputeMode               = "computeMode"
	KeyAppCpu                    = "appCpu"
	KeyAppMemory                 = "appMemory"
	KeyAppImage                  = "appImage"
	KeyAppRepository             = "appRepository"
	KeyAppRepositoryCrossAccount = "appRepositoryCrossAccount"
	KeyAppFargateSpot            = "appFargateSpot"
	KeyAppExec                   = "appExec"
	KeyAppImagesKept             = "appImagesKept"
	KeyAppUntaggedImageDays      = "appUntaggedImageDays"
)

// EC2Keys are the keys only the ec2 mode reads, FargateKeys those only the fargate mode reads: a stack that
// sets one for the other mode is told so rather than ignored.
var (
	EC2Keys = []string{
		KeyAppInstanceType, KeyAppRefreshMinHealthyPercentage, KeyAppRefreshMaxHealthyPercentage,
		KeyAppRootVolumeSize, KeyAppSshPublicKey,
	}
	FargateKeys = []string{
		KeyAppCpu, KeyAppMemory, KeyAppImage, KeyAppRepository, KeyAppRepositoryCrossAccount,
		KeyAppFargateSpot, KeyAppExec, KeyAppImagesKept, KeyAppUntaggedImageDays,
	}
)
