// Package iampolicy builds IAM and resource policy documents as Go data, marshalled to JSON once, so no
// policy is ever assembled by string concatenation.
package iampolicy

import (
	"encoding/json"
	"fmt"
)

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Principal maps a principal type ("AWS", "Service") to identifiers;
// Condition maps an operator to keys and values.
type Statement struct {
	Sid         string                         `json:"Sid,omitempty"`
	Effect      string                         `json:"Effect"`
	Principal   map[string][]string            `json:"Principal,omitempty"`
	Action      []string                       `json:"Action"`
	Resource    []string                       `json:"Resource,omitempty"`
	NotResource []string                       `json:"NotResource,omitempty"`
	Condition   map[string]map[string][]string `json:"Condition,omitempty"`
}

// New returns a document of the current policy language version.
func New(statements ...Statement) Document {
	return Document{Version: "2012-10-17", Statement: statements}
}

// JSON marshals the document. A document holds only strings, slices and maps of strings, which always
// marshal, so there is no error to return.
func (d Document) JSON() string {
	b, _ := json.Marshal(d)
	return string(b)
}

// Allow returns an Allow statement.
func Allow(sid string, actions, resources []string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// Deny returns a Deny statement.
func Deny(sid string, actions, resources []string) Statement {
	return Statement{Sid: sid, Effect: "Deny", Action: actions, Resource: resources}
}

// To sets the principal of a statement and returns it.
func (s Statement) To(principalType string, ids ...string) Statement {
	if s.Principal == nil {
		s.Principal = map[string][]string{}
	}
	s.Principal[principalType] = append(s.Principal[principalType], ids...)
	return s
}

// NotOn makes the statement apply to every resource but these (NotResource) and returns it.
func (s Statement) NotOn(resources ...string) Statement {
	s.Resource, s.NotResource = nil, resources
	return s
}

// When adds a condition and returns the statement.
func (s Statement) When(operator, key string, values ...string) Statement {
	if s.Condition == nil {
		s.Condition = map[string]map[string][]string{}
	}
	if s.Condition[operator] == nil {
		s.Condition[operator] = map[string][]string{}
	}
	s.Condition[operator][key] = append(s.Condition[operator][key], values...)
	return s
}

// AssumeRole is the trust policy that lets an AWS service assume a role.
func AssumeRole(service string) Document {
	return New(Allow("", []string{"sts:AssumeRole"}, nil).To("Service", service))
}

// BucketArn is the ARN of an S3 bucket.
func BucketArn(bucket string) string { return "arn:aws:s3:::" + bucket }

// DenyInsecureTransport refuses every request to the bucket that does not use TLS.
func DenyInsecureTransport(bucket string) Statement {
	arn := BucketArn(bucket)
	return Deny("DenyInsecureTransport", []string{"s3:*"}, []string{arn, arn + "/*"}).
		To("AWS", "*").When("Bool", "aws:SecureTransport", "false")
}

// SessionLogs lets an instance stream its Session Manager sessions to the account's session log group
// (the bootstrap's preferences name it; Session Manager checks the group when a session starts).
// DescribeLogGroups is a list action, so it is granted on every group of the account (it reveals names).
func SessionLogs(region, account, group string) []Statement {
	return []Statement{
		Allow("SessionLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
			[]string{fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", region, account, group)}),
		Allow("FindSessionLogs", []string{"logs:DescribeLogGroups"}, []string{fmt.Sprintf("arn:aws:logs:%s:%s:log-group:*", region, account)}),
	}
}

// SessionManagerActions are what the SSM agent needs for Session Manager and Run Command: the
// AmazonSSMManagedInstanceCore policy without its ssm:GetParameter(s) on every parameter in the account.
// These actions support no resource-level permissions, hence "*".
var SessionManagerActions = []string{
	"ssm:UpdateInstanceInformation",
	"ssm:ListAssociations",
	"ssm:ListInstanceAssociations",
	"ssm:DescribeAssociation",
	"ssm:UpdateAssociationStatus",
	"ssm:UpdateInstanceAssociationStatus",
	"ssm:GetDocument",
	"ssm:DescribeDocument",
	"ssmmessages:CreateControlChannel",
	"ssmmessages:CreateDataChannel",
	"ssmmessages:OpenControlChannel",
	"ssmmessages:OpenDataChannel",
	"ec2messages:AcknowledgeMessage",
	"ec2messages:DeleteMessage",
	"ec2messages:FailMessage",
	"ec2messages:GetEndpoint",
	"ec2messages:GetMessages",
	"ec2messages:SendReply",
}
