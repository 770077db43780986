package testkit

import (
	"fmt"
	"sync/atomic"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Invoke tokens and resource types the kit answers for every test.
const (
	TokenGetAvailabilityZones = "aws:index/getAvailabilityZones:getAvailabilityZones"
	TypeEip                   = "aws:ec2/eip:Eip"
	TypeVpcEndpoint           = "aws:ec2/vpcEndpoint:VpcEndpoint"
	TypeNatGateway            = "aws:ec2/natGateway:NatGateway"
)

// AvailableZones are the AZ suffixes the mocked account can use in any region: a, c and d, like most
// accounts in ap-northeast-1 (where b is closed to new accounts).
var AvailableZones = []string{"a", "c", "d"}

// registerAWS installs the answers and computed outputs the AWS resources of this program need.
func registerAWS(m *Mocks, region string) {
	m.Answer(TokenGetAvailabilityZones, func(resource.PropertyMap) (resource.PropertyMap, error) {
		names, ids := []any{}, []any{}
		for i, s := range AvailableZones {
			names = append(names, region+s)
			ids = append(ids, fmt.Sprintf("apne1-az%d", i+1))
		}
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": region, "names": names, "zoneIds": ids, "state": "available",
		}), nil
	})

	var eips atomic.Int32
	m.Outputs(TypeEip, func(r *Resource, state resource.PropertyMap) {
		n := eips.Add(1)
		state["publicIp"] = resource.NewStringProperty(fmt.Sprintf("203.0.113.%d", n))
		state["allocationId"] = resource.NewStringProperty("eipalloc-" + r.Name)
	})
	m.Outputs(TypeVpcEndpoint, func(r *Resource, state resource.PropertyMap) {
		if r.Str("vpcEndpointType") == "Gateway" {
			state["prefixListId"] = resource.NewStringProperty("pl-" + r.Name)
		}
	})
}
