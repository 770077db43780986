package awstables

import (
	"os"
	"slices"
	"testing"
)

func TestTablesMatchTheSDK(t *testing.T) {
	want, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("tables.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("tables.go is stale for the pulumi-aws in go.mod; run go generate ./internal/awstables")
	}
}

func TestTablesHoldWhatTheStacksUse(t *testing.T) {
	for _, c := range []struct {
		table []string
		value string
	}{
		{EC2InstanceTypes, "t4g.micro"}, {EC2InstanceTypes, "c7g.large"}, {RDSInstanceClasses, "db.t4g.micro"},
		{RDSInstanceClasses, "db.m6g.16xlarge"}, {Regions, "ap-northeast-1"}, {Regions, "mx-central-1"},
	} {
		if !slices.Contains(c.table, c.value) {
			t.Errorf("a table lacks %s", c.value)
		}
	}
	for _, absent := range []string{"t3.4xlarge", "c7g.small", "m5.nano"} {
		if slices.Contains(EC2InstanceTypes, absent) {
			t.Errorf("EC2InstanceTypes lists %s, which AWS does not offer", absent)
		}
	}
}
