package iampolicy

import (
	"encoding/json"
	"testing"
)

func TestDocumentJSON(t *testing.T) {
	doc := New(
		Deny("DenyInsecureTransport", []string{"s3:*"}, []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*"}).
			To("AWS", "*").When("Bool", "aws:SecureTransport", "false"),
	)
	want := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny",` +
		`"Principal":{"AWS":["*"]},"Action":["s3:*"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],` +
		`"Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]}`
	if got := doc.JSON(); got != want {
		t.Errorf("JSON() =\n%s\nwant\n%s", got, want)
	}
	var round Document
	if err := json.Unmarshal([]byte(doc.JSON()), &round); err != nil {
		t.Fatal(err)
	}
}

func TestAssumeRole(t *testing.T) {
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`
	if got := AssumeRole("ec2.amazonaws.com").JSON(); got != want {
		t.Errorf("AssumeRole() =\n%s\nwant\n%s", got, want)
	}
}
