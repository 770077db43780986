package naming

import (
	"strings"
	"testing"
)

func TestRules(t *testing.T) {
	cases := []struct {
		name, typ, value, want string // want "" means accepted
	}{
		{"AlbAtLimit", "aws:lb/loadBalancer:LoadBalancer", strings.Repeat("a", 32), ""},
		{"AlbOverLimit", "aws:lb/loadBalancer:LoadBalancer", strings.Repeat("a", 33), "is 33 characters, over the 32 allowed"},
		{"AlbEndsWithHyphen", "aws:lb/loadBalancer:LoadBalancer", "tastylog-dev-", "does not end with a letter or digit"},
		{"RdsDoubleHyphen", "aws:rds/instance:Instance", "tastylog-qa--1-mysql", "has two separators in a row"},
		{"RdsUppercase", "aws:rds/instance:Instance", "Tastylog-dev", "is not lowercase"},
		{"RdsStartsWithDigit", "aws:rds/instance:Instance", "1tastylog", "does not begin with a letter"},
		{"TrailDoubleHyphen", "aws:cloudtrail/trail:Trail", "tastylog-qa--1-trail", "has two separators in a row"},
		{"BucketAt63", "aws:s3/bucketV2:BucketV2", strings.Repeat("b", 63), ""},
		{"BucketUnderscore", "aws:s3/bucketV2:BucketV2", "tastylog_dev", "has characters outside"},
		{"EventRuleOver64", "aws:cloudwatch/eventRule:EventRule", strings.Repeat("e", 65), "over the 64 allowed"},
		{"KmsAliasNeedsPrefix", "aws:kms/alias:Alias", "tastylog-dev", "has characters outside"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Rules[tc.typ].Check(tc.value)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Check(%q) = %v, want nil", tc.value, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Check(%q) = %v, want it to contain %q", tc.value, err, tc.want)
			}
		})
	}
}

func TestNamePart(t *testing.T) {
	for s, want := range map[string]string{
		"dev": "", "prod-2": "", "": "is empty", "Dev": "does not begin with a lowercase letter",
		"2dev": "does not begin with a lowercase letter", "dev_1": "has characters other than",
		"dev-": "ends with a hyphen", "qa--1": "has two hyphens in a row",
	} {
		err := NamePart(s)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("NamePart(%q) = %v, want %q", s, err, want)
		}
	}
}

func TestTypesAreClassifiedOnce(t *testing.T) {
	for _, typ := range Unnamed {
		if _, ok := Rules[typ]; ok {
			t.Errorf("%s is both in Rules and Unnamed", typ)
		}
	}
}
