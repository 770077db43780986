package netspec

// The stack-config keys (short names, without the project namespace) of the network: the one place each
// name is written. The stack config binds them, and every validation message here names them.
const (
	KeyVpcCidr           = "vpcCidr"
	KeyAvailabilityZones = "availabilityZones"
	KeySubnets           = "subnets"
	KeyNatStrategy       = "natStrategy"
	KeyVpcEndpoints      = "vpcEndpoints"
	KeyVpcEndpointAzs    = "vpcEndpointAzs"
	KeyAdminCidrs        = "adminCidrs"
)
