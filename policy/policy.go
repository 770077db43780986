// Package policy holds the graph-wide rules of this project as code: no world ingress, private and
// encrypted TLS-only buckets, private encrypted databases, IMDSv2, TLS minimums, CloudFront certificates in
// us-east-1, and stateful resources protected. One implementation has two users: the policy pack in
// policy/pack (run by `pulumi preview --policy-pack`) and the unit tests, which run the same rules over the
// mocked resource graph.
package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tastylog/infra/internal/dataspec"
)

// Resource is what every rule sees of a resource, whoever supplies it: the engine through policyx, or the
// test kit's recording. Props hold plain Go values (string, float64, bool, []any, map[string]any);
// values unknown during a preview are absent from Props and named in Unknown.
type Resource struct {
	Type           string
	Name           string
	URN            string
	Props          map[string]any
	Unknown        map[string]bool
	Protect        bool
	ProviderRegion string
	// Production is the stack's profile, from its provider's default tag Profile ("production").
	Production bool
}

// ProfileTag is the provider default tag that carries the stack's profile to every resource and to the
// rules: ProfileProduction or ProfileDisposable.
const (
	ProfileTag        = "Profile"
	ProfileProduction = "production"
	ProfileDisposable = "disposable"
)

// ProductionProvider reports whether a provider's properties carry the production profile in their
// default tags (an object, or the JSON the engine may pass it as).
func ProductionProvider(props map[string]any) bool {
	tags := props["defaultTags"]
	if s, ok := tags.(string); ok {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) != nil {
			return false
		}
		tags = m
	}
	m, _ := tags.(map[string]any)
	inner, _ := m["tags"].(map[string]any)
	return inner[ProfileTag] == ProfileProduction
}

// Violation is one broken rule.
type Violation struct {
	Rule    string
	URN     string
	Message string
}

func (v Violation) String() string { return fmt.Sprintf("%s: %s: %s", v.Rule, v.URN, v.Message) }

// Rule is one policy: a check of one resource at a time (run before the resource is created), a check of
// the whole stack (run once every resource is registered), or both.
type Rule struct {
	Name        string
	Description string
	Resource    func(r Resource) []string
	Stack       func(rs []Resource) []Violation
}

// Check runs every rule over the resources, in the order the rules are listed.
func Check(rules []Rule, rs []Resource) []Violation {
	var out []Violation
	for _, rule := range rules {
		if rule.Resource != nil {
			for _, r := range rs {
				for _, msg := range rule.Resource(r) {
					out = append(out, Violation{Rule: rule.Name, URN: r.URN, Message: msg})
				}
			}
		}
		if rule.Stack != nil {
			for _, v := range rule.Stack(rs) {
				v.Rule = rule.Name
				out = append(out, v)
			}
		}
	}
	return out
}

// Types the rules inspect.
const (
	typeIngressRule    = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	typeSecurityGroup  = "aws:ec2/securityGroup:SecurityGroup"
	typeBucket         = "aws:s3/bucketV2:BucketV2"
	typePAB            = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	typeEncryption     = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	typeBucketPolicy   = "aws:s3/bucketPolicy:BucketPolicy"
	typeDbInstance     = "aws:rds/instance:Instance"
	typeLaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate"
	typeEc2Instance    = "aws:ec2/instance:Instance"
	typeDistribution   = "aws:cloudfront/distribution:Distribution"
	typeListener       = "aws:lb/listener:Listener"
	typeLoadBalancer   = "aws:lb/loadBalancer:LoadBalancer"
	typeEgressRule     = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
	typeParameterGroup = "aws:rds/parameterGroup:ParameterGroup"
	typeBucketLogging  = "aws:s3/bucketLoggingV2:BucketLoggingV2"
	typeTrail          = "aws:cloudtrail/trail:Trail"
	typeKey            = "aws:kms/key:Key"
	typeAlarm          = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeNetworkAcl     = "aws:ec2/networkAcl:NetworkAcl"
	typeParameter      = "aws:ssm/parameter:Parameter"
	typeLogGroup       = "aws:cloudwatch/logGroup:LogGroup"
	typeTaskDefinition = "aws:ecs/taskDefinition:TaskDefinition"
	typeEcsService     = "aws:ecs/service:Service"
	typeRepository     = "aws:ecr/repository:Repository"
	typeQueue          = "aws:sqs/queue:Queue"
	typeFunction       = "aws:lambda/function:Function"
	typeApiStage       = "aws:apigateway/stage:Stage"
	typeMethodSettings = "aws:apigateway/methodSettings:MethodSettings"
)

// Rules are the project's policies.
var Rules = []Rule{
	{
		Name:        "no-world-ingress",
		Description: "Security groups admit nothing from the whole internet.",
		Resource:    noWorldIngress,
	},
	{
		Name:        "acls-keep-remote-admin-closed",
		Description: "No network ACL lets the whole internet reach SSH (22) or RDP (3389) (Security Hub EC2.21).",
		Resource:    aclsKeepRemoteAdminClosed,
	},
	{
		Name:        "no-internet-path-to-the-origin",
		Description: "Load balancers are internal, and CloudFront reaches its origins through VPC origins or Origin Access Control, never across the internet.",
		Resource:    originsPrivate,
	},
	{
		Name:        "buckets-block-public-access",
		Description: "Every bucket has a public access block with all four settings on.",
		Resource:    publicAccessBlockComplete,
		Stack:       everyBucketHas(typePAB, "a public access block"),
	},
	{
		Name:        "buckets-encrypted",
		Description: "Every bucket has default server-side encryption.",
		Stack:       everyBucketHas(typeEncryption, "server-side encryption"),
	},
	{
		Name:        "buckets-tls-only",
		Description: "Every bucket's policy denies requests without TLS.",
		Stack:       everyBucketTLSOnly,
	},
	{
		Name:        "databases-encrypted-private",
		Description: "Databases are encrypted at rest and not publicly accessible.",
		Resource:    databaseEncryptedPrivate,
	},
	{
		Name:        "imdsv2-required",
		Description: "Servers require IMDSv2 (session tokens) for the instance metadata service.",
		Resource:    imdsv2Required,
	},
	{
		Name:        "tls-minimums",
		Description: "Viewers and load balancers negotiate TLS 1.2 or newer, and CloudFront never serves plain HTTP.",
		Resource:    tlsMinimums,
	},
	{
		Name:        "cloudfront-certificate-in-us-east-1",
		Description: "CloudFront's certificate comes from ACM in us-east-1, the only region CloudFront reads.",
		Resource:    cloudFrontCertificateRegion,
	},
	{
		Name:        "buckets-access-logged",
		Description: "Every bucket's S3 server access logs go to another bucket, except the buckets that receive them.",
		Stack:       everyBucketAccessLogged,
	},
	{
		Name:        "databases-require-tls",
		Description: "MySQL parameter groups set require_secure_transport, and no database keeps the engine's default master user.",
		Resource:    databasesRequireTLS,
	},
	{
		Name:        "no-plain-http-egress",
		Description: "No security group lets traffic out on port 80: servers fetch packages and artifacts over HTTPS.",
		Resource:    noPlainHTTPEgress,
	},
	{
		Name:        "trails-validated-everywhere",
		Description: "CloudTrail trails record every region with log-file validation.",
		Resource:    trailsValidated,
	},
	{
		Name:        "keys-rotated",
		Description: "Customer-managed KMS keys rotate yearly and wait at least 30 days before deletion.",
		Resource:    keysRotated,
	},
	{
		Name:        "alarms-notify",
		Description: "Every CloudWatch alarm notifies someone when it fires and when it recovers.",
		Resource:    alarmsNotify,
	},
	{
		Name:        "production-controls",
		Description: "In a production stack: the distribution has a web ACL, the database and SecureStrings use the stack key, audit log groups keep a year, servers report every minute.",
		Resource:    productionControls,
	},
	{
		Name:        "containers-hardened",
		Description: "Containers run unprivileged, as a non-root user, on a read-only root filesystem, with secrets only as secrets; services give tasks no public address and production no Spot capacity; repositories keep tags immutable and scan on push.",
		Resource:    containersHardened,
	},
	{
		Name:        "serverless-hardened",
		Description: "Queues are encrypted, functions log to a group of their own and keep no secret in their environment, API stages keep access logs and log no request bodies.",
		Resource:    serverlessHardened,
	},
	{
		Name:        "stateful-resources-protected",
		Description: "A database with deletion protection, and a bucket that is not force-destroyable, are protected in Pulumi state.",
		Resource:    statefulProtected,
	},
}

func noWorldIngress(r Resource) []string {
	switch r.Type {
	case typeIngressRule:
		if !world(str(r.Props, "cidrIpv4")) && !world(str(r.Props, "cidrIpv6")) {
			return nil
		}
		from, to := num(r.Props, "fromPort"), num(r.Props, "toPort")
		return []string{fmt.Sprintf("ingress %v-%v from the whole internet", from, to)}
	case typeSecurityGroup:
		for _, rule := range list(r.Props, "ingress") {
			m, _ := rule.(map[string]any)
			for _, c := range append(list(m, "cidrBlocks"), list(m, "ipv6CidrBlocks")...) {
				if s, _ := c.(string); world(s) {
					return []string{"inline ingress from the whole internet"}
				}
			}
		}
	}
	return nil
}

func aclsKeepRemoteAdminClosed(r Resource) []string {
	if r.Type != typeNetworkAcl {
		return nil
	}
	var out []string
	for _, e := range list(r.Props, "ingress") {
		m, _ := e.(map[string]any)
		if m == nil || m["action"] != "allow" || !world(str(m, "cidrBlock")) && !world(str(m, "ipv6CidrBlock")) {
			continue
		}
		from, _ := m["fromPort"].(float64)
		to, _ := m["toPort"].(float64)
		all := m["protocol"] == "-1" || m["protocol"] == "all"
		for _, port := range []float64{22, 3389} {
			if all || from <= port && port <= to {
				out = append(out, fmt.Sprintf("rule %v admits %v from the whole internet", m["ruleNo"], port))
			}
		}
	}
	return out
}

func originsPrivate(r Resource) []string {
	switch r.Type {
	case typeLoadBalancer:
		if internal, known := r.Props["internal"]; known && internal != true {
			return []string{"load balancer is internet-facing; make it internal and reach it through a CloudFront VPC origin"}
		}
	case typeDistribution:
		var out []string
		for _, o := range list(r.Props, "origins") {
			if m, _ := o.(map[string]any); m != nil && m["customOriginConfig"] != nil {
				out = append(out, fmt.Sprintf("origin %v is reached across the internet (customOriginConfig); use a VPC origin", m["originId"]))
			}
		}
		return out
	}
	return nil
}

func everyBucketAccessLogged(rs []Resource) []Violation {
	targets := map[string]bool{}
	for _, r := range rs {
		if r.Type == typeBucketLogging {
			targets[str(r.Props, "targetBucket")] = true
		}
	}
	return bucketsCoveredBy(rs, typeBucketLogging, anyCompanion, "bucket has no S3 server access logging", targets)
}

func databasesRequireTLS(r Resource) []string {
	switch r.Type {
	case typeParameterGroup:
		family, known := r.Props["family"].(string)
		if !known || !strings.HasPrefix(family, "mysql") {
			return nil
		}
		for _, p := range list(r.Props, "parameters") {
			if m, _ := p.(map[string]any); m["name"] == "require_secure_transport" && (m["value"] == "1" || m["value"] == "ON") {
				return nil
			}
		}
		return []string{"parameter group does not set require_secure_transport: clients may connect without TLS"}
	case typeDbInstance:
		if u, _ := r.Props["username"].(string); strings.EqualFold(u, dataspec.DefaultUsername) {
			return []string{"master user is the engine default " + u + " (Security Hub RDS.25)"}
		}
	}
	return nil
}

func noPlainHTTPEgress(r Resource) []string {
	if r.Type != typeEgressRule {
		return nil
	}
	from, fromKnown := r.Props["fromPort"].(float64)
	to, toKnown := r.Props["toPort"].(float64)
	if fromKnown && toKnown && from <= 80 && 80 <= to && r.Props["ipProtocol"] != "udp" {
		return []string{fmt.Sprintf("egress %v-%v lets plain HTTP out", from, to)}
	}
	return nil
}

func trailsValidated(r Resource) []string {
	if r.Type != typeTrail {
		return nil
	}
	var out []string
	if v, known := r.Props["enableLogFileValidation"]; known && v != true {
		out = append(out, "log-file validation is off")
	}
	if v, known := r.Props["isMultiRegionTrail"]; known && v != true {
		out = append(out, "the trail records one region only")
	}
	return out
}

func keysRotated(r Resource) []string {
	if r.Type != typeKey {
		return nil
	}
	var out []string
	if r.Props["enableKeyRotation"] != true {
		out = append(out, "key rotation is off")
	}
	if days, known := r.Props["deletionWindowInDays"].(float64); known && days < 30 {
		out = append(out, fmt.Sprintf("deletion window of %v days is under 30", days))
	}
	return out
}

func alarmsNotify(r Resource) []string {
	if r.Type != typeAlarm {
		return nil
	}
	var out []string
	for _, key := range []string{"alarmActions", "okActions"} {
		if _, known := r.Props[key]; known && len(list(r.Props, key)) == 0 {
			out = append(out, key+" is empty: nobody hears this alarm")
		}
	}
	return out
}

// auditLogGroup matches the audit log groups' names (/{project}/{env}/cloudtrail, .../vpc-flow-logs).
func auditLogGroup(name string) bool {
	return strings.HasSuffix(name, "/cloudtrail") || strings.HasSuffix(name, "/vpc-flow-logs")
}

// set reports whether a resource has a value for key, known or not yet known.
func set(r Resource, key string) bool {
	v, known := r.Props[key]
	return r.Unknown[key] || (known && v != nil && v != "")
}

func productionControls(r Resource) []string {
	if !r.Production {
		return nil
	}
	switch r.Type {
	case typeDistribution:
		if !set(r, "webAclId") {
			return []string{"the distribution has no web ACL (set waf, or wafWebAclArn)"}
		}
	case typeDbInstance:
		if str(r.Props, "replicateSourceDb") == "" && !r.Unknown["replicateSourceDb"] && !set(r, "kmsKeyId") {
			return []string{"the database is encrypted with the AWS-managed key, not the stack key (stackKey)"}
		}
	case typeParameter:
		if r.Props["type"] == "SecureString" && !set(r, "keyId") {
			return []string{"the SecureString uses the AWS-managed aws/ssm key, not the stack key (stackKey)"}
		}
	case typeLogGroup:
		days, known := r.Props["retentionInDays"].(float64)
		if auditLogGroup(str(r.Props, "name")) && known && days < 365 {
			return []string{fmt.Sprintf("audit log group keeps %v days, under a year (auditLogRetentionDays)", days)}
		}
	case typeLaunchTemplate:
		if m, _ := r.Props["monitoring"].(map[string]any); m["enabled"] != true && !r.Unknown["monitoring"] {
			return []string{"servers report every five minutes: detailed monitoring is off"}
		}
	}
	return nil
}

func world(cidr string) bool { return cidr == "0.0.0.0/0" || cidr == "::/0" }

func publicAccessBlockComplete(r Resource) []string {
	if r.Type != typePAB {
		return nil
	}
	var off []string
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if v, known := r.Props[k]; known && v != true {
			off = append(off, k)
		}
	}
	if len(off) > 0 {
		return []string{"public access block leaves off " + strings.Join(off, ", ")}
	}
	return nil
}

// bucketNames maps each bucket's name (its "bucket" property) to its URN.
func bucketNames(rs []Resource) map[string]string {
	out := map[string]string{}
	for _, r := range rs {
		if r.Type == typeBucket {
			if name := str(r.Props, "bucket"); name != "" {
				out[name] = r.URN
			}
		}
	}
	return out
}

// everyBucketHas reports buckets that no resource of typ names in its "bucket" property.
func everyBucketHas(typ, what string) func([]Resource) []Violation {
	return func(rs []Resource) []Violation {
		return bucketsCoveredBy(rs, typ, anyCompanion, "bucket has no "+what, nil)
	}
}

func everyBucketTLSOnly(rs []Resource) []Violation {
	return bucketsCoveredBy(rs, typeBucketPolicy, func(r Resource) (covers, known bool) {
		policy, known := r.Props["policy"].(string)
		return strings.Contains(policy, `"aws:SecureTransport":["false"]`), known
	}, "bucket policy does not deny requests without TLS", nil)
}

// anyCompanion is the coverage test of rules where the companion's existence is enough.
func anyCompanion(Resource) (covers, known bool) { return true, true }

// bucketsCoveredBy reports the buckets that no resource of typ covers (names in its "bucket" property,
// with covers true) and that are not exempt. A companion whose bucket or deciding value is unknown, as in the preview of a first
// up, might cover any bucket: a bucket is reported only when more buckets are uncovered than such
// companions could account for, so a preview never fails on what it cannot see.
func bucketsCoveredBy(rs []Resource, typ string, covers func(Resource) (covers, known bool), msg string, exempt map[string]bool) []Violation {
	covered := map[string]bool{}
	for name := range exempt {
		covered[name] = true
	}
	unknown := 0
	for _, r := range rs {
		if r.Type != typ {
			continue
		}
		bucket := str(r.Props, "bucket")
		ok, known := covers(r)
		switch {
		case bucket == "" || !known:
			unknown++
		case ok:
			covered[bucket] = true
		}
	}
	out := uncovered(bucketNames(rs), covered, msg)
	if len(out) <= unknown {
		return nil
	}
	return out
}

func uncovered(buckets map[string]string, covered map[string]bool, msg string) []Violation {
	var out []Violation
	for name, urn := range buckets {
		if !covered[name] {
			out = append(out, Violation{URN: urn, Message: msg + ": " + name})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

func databaseEncryptedPrivate(r Resource) []string {
	if r.Type != typeDbInstance {
		return nil
	}
	var out []string
	// A replica inherits its source's encryption; anything else must ask for it.
	encrypted, set := r.Props["storageEncrypted"]
	replica := str(r.Props, "replicateSourceDb") != ""
	if (set && encrypted != true) || (!set && !replica) {
		out = append(out, "storage is not encrypted")
	}
	if r.Props["publiclyAccessible"] == true {
		out = append(out, "the database is publicly accessible")
	}
	return out
}

func imdsv2Required(r Resource) []string {
	if r.Type != typeLaunchTemplate && r.Type != typeEc2Instance {
		return nil
	}
	meta, _ := r.Props["metadataOptions"].(map[string]any)
	if meta["httpTokens"] != "required" {
		return []string{"metadataOptions.httpTokens is not \"required\""}
	}
	return nil
}

// Policies and protocol versions that allow only TLS 1.2 and newer.
var (
	modernALBPolicies = []string{
		"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
		"ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
		"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10",
	}
	modernViewerProtocols = []string{"TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}
)

func tlsMinimums(r Resource) []string {
	var out []string
	switch r.Type {
	case typeListener:
		if str(r.Props, "protocol") == "HTTPS" {
			if p, known := r.Props["sslPolicy"]; known && !slices.Contains(modernALBPolicies, fmt.Sprint(p)) {
				out = append(out, fmt.Sprintf("listener TLS policy %v allows protocols older than TLS 1.2", p))
			}
		}
	case typeDistribution:
		cert, _ := r.Props["viewerCertificate"].(map[string]any)
		if cert != nil && cert["cloudfrontDefaultCertificate"] != true {
			if v := cert["minimumProtocolVersion"]; !slices.Contains(modernViewerProtocols, fmt.Sprint(v)) {
				out = append(out, fmt.Sprintf("viewer minimum protocol %v is older than TLSv1.2_2021", v))
			}
		}
		behaviors := []any{r.Props["defaultCacheBehavior"]}
		behaviors = append(behaviors, list(r.Props, "orderedCacheBehaviors")...)
		for _, b := range behaviors {
			if m, _ := b.(map[string]any); m != nil && m["viewerProtocolPolicy"] == "allow-all" {
				out = append(out, fmt.Sprintf("behavior %v serves plain HTTP (viewerProtocolPolicy allow-all)", m["pathPattern"]))
			}
		}
	}
	return out
}

func cloudFrontCertificateRegion(r Resource) []string {
	if r.Type != typeDistribution {
		return nil
	}
	cert, _ := r.Props["viewerCertificate"].(map[string]any)
	arn, _ := cert["acmCertificateArn"].(string)
	if arn == "" {
		return nil
	}
	if parts := strings.Split(arn, ":"); len(parts) < 4 || parts[3] != "us-east-1" {
		return []string{"certificate " + arn + " is not in us-east-1"}
	}
	return nil
}

// statefulProtected holds the graph to the data layer's decision (dataspec.ProtectDatabase and
// ProtectBuckets): a database with deletion protection, and a bucket a destroy would not empty, are
// protected in state. The messages name the config keys that decide it.
func statefulProtected(r Resource) []string {
	ns := project(r.URN) + ":"
	switch r.Type {
	case typeDbInstance:
		replica := str(r.Props, "replicateSourceDb") != ""
		if r.Props["deletionProtection"] == true && !replica && !r.Protect {
			return []string{fmt.Sprintf("database has deletion protection but is not protected in Pulumi state (protect); "+
				"it is protected when %s%s or %s%s is true", ns, dataspec.KeyProduction, ns, dataspec.KeyDbDeletionProtection)}
		}
	case typeBucket:
		if r.Props["forceDestroy"] == false && !r.Protect {
			return []string{fmt.Sprintf("bucket keeps its data on destroy (forceDestroy false) but is not protected in Pulumi state (protect); "+
				"it is protected unless %s%s is true", ns, dataspec.KeyForceDestroyBuckets)}
		}
	}
	return nil
}

// project is the project part of a URN (urn:pulumi:stack::project::type::name).
func project(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 2 {
		return "project"
	}
	return parts[1]
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func num(m map[string]any, key string) any {
	if f, ok := m[key].(float64); ok {
		return int(f)
	}
	return m[key]
}

func list(m map[string]any, key string) []any {
	l, _ := m[key].([]any)
	return l
}

// secretLooking is an environment variable name that says it holds a secret, which belongs in secrets.
var secretLooking = []string{"PASSWORD", "SECRET", "TOKEN", "PRIVATE_KEY", "API_KEY"}

func containersHardened(r Resource) []string {
	var out []string
	switch r.Type {
	case typeTaskDefinition:
		if r.Unknown["containerDefinitions"] {
			return nil // decided at `up`, when the engine checks the resource again
		}
		var defs []map[string]any
		if err := json.Unmarshal([]byte(str(r.Props, "containerDefinitions")), &defs); err != nil {
			return []string{"containerDefinitions is not a JSON list of containers"}
		}
		for _, c := range defs {
			name, _ := c["name"].(string)
			if c["privileged"] == true {
				out = append(out, fmt.Sprintf("container %s is privileged", name))
			}
			if c["readonlyRootFilesystem"] != true {
				out = append(out, fmt.Sprintf("container %s has a writable root filesystem", name))
			}
			if user, _ := c["user"].(string); user == "" || user == "0" || user == "root" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root:") {
				out = append(out, fmt.Sprintf("container %s runs as root", name))
			}
			for _, e := range list(c, "environment") {
				m, _ := e.(map[string]any)
				n, _ := m["name"].(string)
				for _, word := range secretLooking {
					if strings.Contains(strings.ToUpper(n), word) {
						out = append(out, fmt.Sprintf("container %s has %s as a plain environment value; pass it as a secret", name, n))
						break
					}
				}
			}
		}
	case typeEcsService:
		if nc, _ := r.Props["networkConfiguration"].(map[string]any); nc["assignPublicIp"] == true {
			out = append(out, "tasks get public addresses")
		}
		if r.Production {
			for _, s := range list(r.Props, "capacityProviderStrategies") {
				if m, _ := s.(map[string]any); m["capacityProvider"] == "FARGATE_SPOT" {
					out = append(out, "a production service runs on FARGATE_SPOT")
				}
			}
		}
	case typeRepository:
		if str(r.Props, "imageTagMutability") != "IMMUTABLE" {
			out = append(out, "image tags are mutable")
		}
		if scan, _ := r.Props["imageScanningConfiguration"].(map[string]any); scan["scanOnPush"] != true {
			out = append(out, "images are not scanned on push")
		}
	}
	return out
}

func serverlessHardened(r Resource) []string {
	var out []string
	switch r.Type {
	case typeQueue:
		if r.Props["sqsManagedSseEnabled"] != true && str(r.Props, "kmsMasterKeyId") == "" && !r.Unknown["kmsMasterKeyId"] {
			out = append(out, "the queue is not encrypted")
		}
	case typeFunction:
		if lc, _ := r.Props["loggingConfig"].(map[string]any); lc == nil || lc["logGroup"] == nil || lc["logGroup"] == "" {
			if !r.Unknown["loggingConfig"] {
				out = append(out, "the function logs to a group Lambda creates, with no retention")
			}
		}
		env, _ := r.Props["environment"].(map[string]any)
		vars, _ := env["variables"].(map[string]any)
		for name := range vars {
			for _, word := range secretLooking {
				if strings.Contains(strings.ToUpper(name), word) {
					out = append(out, fmt.Sprintf("the function has %s in its environment; read it from Parameter Store", name))
					break
				}
			}
		}
		sort.Strings(out)
	case typeApiStage:
		if als, _ := r.Props["accessLogSettings"].(map[string]any); als == nil && !r.Unknown["accessLogSettings"] {
			out = append(out, "the stage keeps no access log")
		}
	case typeMethodSettings:
		if s, _ := r.Props["settings"].(map[string]any); s["dataTraceEnabled"] == true {
			out = append(out, "the stage logs request and response bodies (dataTraceEnabled)")
		}
	}
	return out
}
