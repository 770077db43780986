package obsspec

import (
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	s := Default()
	s.AlarmEmails = []string{"ops@example.com", "oncall+tastylog@example.co.jp"}
	s.AlarmTopicArns = []string{appTopic, globalTopic}
	if err := s.Validate("tastylog:", "ap-northeast-1"); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
}

const (
	appTopic    = "arn:aws:sns:ap-northeast-1:123456789012:pager"
	globalTopic = "arn:aws:sns:us-east-1:123456789012:pager"
)

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"EmailWithoutAt", func(s *Spec) { s.AlarmEmails = []string{"ops.example.com"} },
			`tastylog:alarmEmails[0]: "ops.example.com" is not an email address`},
		{"EmailWithName", func(s *Spec) { s.AlarmEmails = []string{"Ops <ops@example.com>"} },
			`tastylog:alarmEmails[0]: "Ops <ops@example.com>" is not an email address`},
		{"EmailWithoutDomainDot", func(s *Spec) { s.AlarmEmails = []string{"ops@localhost"} },
			`tastylog:alarmEmails[0]: "ops@localhost" is not an email address`},
		{"EmailTwice", func(s *Spec) { s.AlarmEmails = []string{"a@example.com", "a@example.com"} },
			`tastylog:alarmEmails[1]: "a@example.com" is listed twice`},
		{"TopicMalformed", func(s *Spec) { s.AlarmTopicArns = []string{"arn:aws:sns:ap-northeast-1:123456789012:pager.fifo"} },
			`tastylog:alarmTopicArns[0]: "arn:aws:sns:ap-northeast-1:123456789012:pager.fifo" is not an SNS topic ARN`},
		{"TopicElsewhere", func(s *Spec) { s.AlarmTopicArns = []string{"arn:aws:sns:eu-west-1:123456789012:pager"} },
			`tastylog:alarmTopicArns[0]: "arn:aws:sns:eu-west-1:123456789012:pager" is in eu-west-1; an alarm notifies topics of its own region only, ap-northeast-1 (the app's alarms) or us-east-1 (CloudFront's)`},
		{"TopicTwice", func(s *Spec) { s.AlarmTopicArns = []string{appTopic, appTopic} }, `tastylog:alarmTopicArns[1]: "` + appTopic + `" is listed twice`},
		{"CpuOver100", func(s *Spec) { s.Thresholds.AppCpuPercent = 120 },
			`tastylog:alarmAppCpuPercent: "120" is outside 1-100 percent`},
		{"DbCpuZero", func(s *Spec) { s.Thresholds.DbCpuPercent = 0 }, `tastylog:alarmDbCpuPercent: "0" is outside 1-100 percent`},
		{"ResponseTime", func(s *Spec) { s.Thresholds.ResponseTimeP95Ms = 5 }, `tastylog:alarmResponseTimeP95Ms: "5" is outside 10-120000 milliseconds`},
		{"CloudFrontRate", func(s *Spec) { s.Thresholds.CloudFront5xxRatePercent = 101 }, `tastylog:alarmCloudFront5xxRatePercent: "101" is outside 1-100 percent`},
		{"Connections", func(s *Spec) { s.Thresholds.DbConnections = 0 }, `tastylog:alarmDbConnections: "0" is outside`},
		{"FlowLogs", func(s *Spec) { s.FlowLogs = "kinesis" }, `tastylog:flowLogs: "kinesis" is not a flow-log destination; allowed: off, cloudwatch, s3`},
		{"FlowTraffic", func(s *Spec) { s.FlowLogTraffic = "ACCEPTED" }, `tastylog:flowLogTraffic: "ACCEPTED" is not a traffic type; allowed: REJECT, ALL`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			tc.mutate(&s)
			err := s.Validate("tastylog:", "ap-northeast-1")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestCheckStorage(t *testing.T) {
	s := Default()
	if err := s.CheckStorage("tastylog:", 100); err != nil {
		t.Errorf("CheckStorage(100) = %v", err)
	}
	s.Thresholds.DbFreeStorageGiB = 100
	if err := s.CheckStorage("tastylog:", 100); err == nil || !strings.Contains(err.Error(), "the alarm would never clear") {
		t.Errorf("CheckStorage() = %v, want the never-clears error", err)
	}
}

func TestCheckSomeoneListens(t *testing.T) {
	for _, tc := range []struct {
		name       string
		emails     []string
		topics     []string
		region     string
		production bool
		want       string // "" passes
	}{
		{"DevNeedsNobody", nil, nil, "ap-northeast-1", false, ""},
		{"ProdWithAnEmail", []string{"ops@example.com"}, nil, "ap-northeast-1", true, ""},
		{"ProdWithTopicsInBothRegions", nil, []string{appTopic, globalTopic}, "ap-northeast-1", true, ""},
		{"ProdInUsEast1WithOneTopic", nil, []string{globalTopic}, "us-east-1", true, ""},
		{"ProdWithNobody", nil, nil, "ap-northeast-1", true,
			`tastylog:alarmEmails: "[]" is empty and tastylog:alarmTopicArns has no topic in ap-northeast-1 or us-east-1, so nobody hears this production stack's alarms`},
		{"ProdWithoutAGlobalTopic", nil, []string{appTopic}, "ap-northeast-1", true,
			`has no topic in us-east-1, so nobody hears`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			s.AlarmEmails, s.AlarmTopicArns = tc.emails, tc.topics
			err := s.CheckSomeoneListens("tastylog:", tc.region, tc.production)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckSomeoneListens() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckSomeoneListens() = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
