package obsspec

import (
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	s := Default()
	s.AlarmEmails = []string{"ops@example.com", "oncall+tastylog@example.co.jp"}
	if err := s.Validate("tastylog:"); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
}

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
			err := s.Validate("tastylog:")
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
