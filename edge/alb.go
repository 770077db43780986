package edge

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/tastylog/infra/internal/layer"
)

const (
	// OriginHeader is the header CloudFront adds to every request to the load balancer; the listener
	// forwards only requests that carry it with the secret value.
	OriginHeader = "X-Origin-Verify"
	// tlsPolicy is the load balancer's TLS policy: TLS 1.3, and 1.2 with forward-secret ciphers only.
	tlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
	// forwardPriority is the listener rule that forwards verified requests.
	forwardPriority = 10
)

// buildOriginSecret generates the header value that proves a request came through CloudFront. It stays
// a secret in state; rotating it (pulumi up --replace on the password) updates CloudFront and the rule.
func (b *builder) buildOriginSecret() error {
	var err error
	b.originSecret, err = layer.Secret(b.ctx, b.name+"-origin-secret", 40, b.opts...)
	return err
}

// buildLoadBalancer creates the internal ALB in the private subnets behind the web group (no public
// address: only CloudFront's VPC origin reaches it), with access logs, invalid header fields dropped and
// deletion protection from config, and its one listener, on the origin port:
//   - with a domain: 443 with the validated certificate for {env}-elb.{domain} and a modern TLS policy;
//   - without one: 80, since no certificate can name the load balancer's AWS host name. The hop stays
//     inside the VPC, between CloudFront's VPC-origin interfaces and the load balancer.
//
// The listener's default answer is 403; a rule forwards to the app only requests with the origin header.
// There is no port-80 redirect in domain mode: nothing but the VPC origin can reach the load balancer,
// and it uses 443 only.
func (b *builder) buildLoadBalancer() error {
	name := b.name + "-app-alb"
	var err error
	b.alb, err = lb.NewLoadBalancer(b.ctx, name, &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(true),
		IpAddressType:            pulumi.String("ipv4"),
		Subnets:                  b.args.SubnetIds,
		SecurityGroups:           pulumi.StringArray{b.args.WebSecurityGroupId},
		IdleTimeout:              pulumi.Int(b.args.AlbIdleTimeout),
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("defensive"),
		EnableHttp2:              pulumi.Bool(true),
		EnableDeletionProtection: pulumi.Bool(b.args.AlbDeletionProtection),
		AccessLogs: &lb.LoadBalancerAccessLogsArgs{
			Bucket:  b.args.LogsBucketName,
			Prefix:  pulumi.String(b.args.AlbLogPrefix),
			Enabled: pulumi.Bool(true),
		},
		Tags: layer.NameTags(name),
	}, b.opts...)
	if err != nil {
		return err
	}

	forbidden := lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
		Type: pulumi.String("fixed-response"),
		FixedResponse: &lb.ListenerDefaultActionFixedResponseArgs{
			StatusCode:  pulumi.String("403"),
			ContentType: pulumi.String("text/plain"),
			MessageBody: pulumi.String("Forbidden"),
		},
	}}
	listener := &lb.ListenerArgs{
		LoadBalancerArn: b.alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions:  forbidden,
		Tags:            layer.NameTags(name + "-http"),
	}
	listenerName := name + "-http"
	if b.args.HasDomain() {
		listenerName = name + "-https"
		listener.Port, listener.Protocol = pulumi.Int(443), pulumi.String("HTTPS")
		listener.SslPolicy, listener.CertificateArn = pulumi.String(tlsPolicy), b.albCert
		listener.Tags = layer.NameTags(listenerName)
	}
	origin, err := lb.NewListener(b.ctx, listenerName, listener, b.opts...)
	if err != nil {
		return err
	}
	b.production = origin
	// With blue/green deployments CodeDeploy moves the forwarding to the group of the new tasks: the
	// rule's target is then CodeDeploy's, and a later `pulumi up` leaves it.
	var codeDeployOwns []pulumi.ResourceOption
	if b.args.TestPort != 0 {
		codeDeployOwns = []pulumi.ResourceOption{pulumi.IgnoreChanges([]string{"actions", "defaultActions"})}
		test := &lb.ListenerArgs{
			LoadBalancerArn: b.alb.Arn,
			Port:            pulumi.Int(b.args.TestPort),
			Protocol:        listener.Protocol,
			SslPolicy:       listener.SslPolicy,
			CertificateArn:  listener.CertificateArn,
			DefaultActions: lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
				Type: pulumi.String("forward"), TargetGroupArn: b.args.TargetGroupArn,
			}},
			Tags: layer.NameTags(name + "-test"),
		}
		if b.test, err = lb.NewListener(b.ctx, name+"-test", test, b.with(codeDeployOwns...)...); err != nil {
			return err
		}
	}

	b.forward, err = lb.NewListenerRule(b.ctx, name+"-from-cloudfront", &lb.ListenerRuleArgs{
		ListenerArn: origin.Arn,
		Priority:    pulumi.Int(forwardPriority),
		Conditions: lb.ListenerRuleConditionArray{lb.ListenerRuleConditionArgs{
			HttpHeader: &lb.ListenerRuleConditionHttpHeaderArgs{
				HttpHeaderName: pulumi.String(OriginHeader),
				Values:         pulumi.StringArray{b.originSecret},
			},
		}},
		Actions: lb.ListenerRuleActionArray{lb.ListenerRuleActionArgs{
			Type:           pulumi.String("forward"),
			TargetGroupArn: b.args.TargetGroupArn,
		}},
		Tags: layer.NameTags(name + "-from-cloudfront"),
	}, b.with(codeDeployOwns...)...)
	return err
}
