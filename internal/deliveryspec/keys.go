package deliveryspec

// The stack-config keys of the delivery pipeline: the one place each name is written.
const (
	KeyPipeline                     = "pipeline"
	KeyPipelineSource               = "pipelineSource"
	KeyPipelineRepository           = "pipelineRepository"
	KeyPipelineBranch               = "pipelineBranch"
	KeyPipelineApproval             = "pipelineApproval"
	KeyDeployStrategy               = "deployStrategy"
	KeyDeployPercent                = "deployPercent"
	KeyDeployIntervalMinutes        = "deployIntervalMinutes"
	KeyDeployTerminationWaitMinutes = "deployTerminationWaitMinutes"
	KeyDeployTestListenerPort       = "deployTestListenerPort"
)
