package batchspec

import (
	"strings"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	s := Default()
	s.Batch = true
	if err := s.Validate("tastylog:"); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
}

func TestSchedules(t *testing.T) {
	for _, ok := range []string{
		"cron(0 18 * * ? *)", "cron(0/15 * * * ? *)", "cron(0 9 ? * MON-FRI *)", "cron(30 2 1 * ? 2027)",
		"cron(0 0 L * ? *)", "cron(0 0 ? * 6#3 *)", "cron(0 8,12,17 ? JAN-MAR SUN,SAT *)", "rate(1 hour)", "rate(5 minutes)", "rate(2 days)",
	} {
		if err := CheckSchedule(ok); err != nil {
			t.Errorf("CheckSchedule(%q) = %v, want nil", ok, err)
		}
	}
	for expr, want := range map[string]string{
		"0 18 * * *":           "is not an EventBridge schedule",
		"cron(0 18 * * *)":     "has 5 fields; an EventBridge cron has 6",
		"cron(0 18 * * * *)":   "must have ? in exactly one of day-of-month and day-of-week",
		"cron(0 18 ? * ? *)":   "must have ? in exactly one",
		"cron(60 18 * * ? *)":  `has minutes "60": "60" is outside 0-59`,
		"cron(0 24 * * ? *)":   `has hours "24"`,
		"cron(0 1 * 13 ? *)":   `has month "13": "13" is outside 1-12 (or JAN-DEC)`,
		"cron(0 1 ? * 8 *)":    `has day-of-week "8"`,
		"cron(0 1 * * ? 1969)": `has year "1969"`,
		"cron(? 1 * * ? *)":    `? is allowed only in day-of-month and day-of-week`,
		"cron(0/0 1 * * ? *)":  `step "0" is not a positive number`,
		"cron(0 1L * * ? *)":   `L, W and # are allowed only in the day fields`,
		"rate(1 hours)":        `says "hours" for 1`,
		"rate(5 minute)":       `says "minute" for 5`,
		"rate(0 minutes)":      "is a rate of 0",
	} {
		err := CheckSchedule(expr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckSchedule(%q) = %v, want %q", expr, err, want)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Spec)
		want   string
	}{
		{"UnknownAuth", func(s *Spec) { s.Auth = "cognito" }, `tastylog:batchAuth: "cognito" is not an auth mode; allowed: "apiKey"`},
		{"BadSchedule", func(s *Spec) { s.Schedule = "cron(0 3 * * *)" }, `tastylog:batchSchedule: "cron(0 3 * * *)" has 5 fields`},
		{"VisibilityBelowSixTimes", func(s *Spec) { s.FunctionTimeout, s.VisibilityTimeout = 60, 300 },
			`tastylog:batchVisibilityTimeout: "300" is shorter than 6 x tastylog:batchFunctionTimeout + tastylog:batchWindowSeconds = 360 s`},
		{"VisibilityCountsTheWindow", func(s *Spec) { s.WindowSeconds = 30 }, `= 390 s`},
		{"TimeoutOverLambdas", func(s *Spec) { s.FunctionTimeout = 901 }, `tastylog:batchFunctionTimeout: "901" must be from 1 to 900 seconds`},
		{"VisibilityOverSqs", func(s *Spec) { s.VisibilityTimeout = 43201 }, `must be from 0 to 43200 seconds (SQS's limit)`},
		{"ReceivesZero", func(s *Spec) { s.MaxReceives = 0 }, `tastylog:batchMaxReceives: "0" must be from 1 to 1000`},
		{"BigBatchWithoutWindow", func(s *Spec) { s.Size = 100 }, `tastylog:batchSize: "100" is over 10, which Lambda allows only with a batching window`},
		{"BatchTooBig", func(s *Spec) { s.Size, s.WindowSeconds, s.VisibilityTimeout = 10001, 1, 400 }, `tastylog:batchSize: "10001" must be from 1 to 10000`},
		{"WindowOverLambdas", func(s *Spec) { s.WindowSeconds = 301 }, `tastylog:batchWindowSeconds: "301" must be from 0 to 300`},
		{"OneWorker", func(s *Spec) { s.MaxConcurrency = 1 }, `tastylog:batchMaxConcurrency: "1" must be from 2 to 1000`},
		{"ReservedBelowMax", func(s *Spec) { s.MaxConcurrency, s.ReservedConcurrency = 5, 3 }, `tastylog:batchReservedConcurrency: "3" is below tastylog:batchMaxConcurrency (5)`},
		{"BurstBelowRate", func(s *Spec) { s.RateLimit, s.BurstLimit = 50, 10 }, `tastylog:batchBurstLimit: "10" is below tastylog:batchRateLimit (50)`},
		{"ResultsForever", func(s *Spec) { s.ResultDays = 0 }, `tastylog:batchResultDays: "0" must be from 1 to 3650 days`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			s.Batch = true
			tc.mutate(&s)
			err := s.Validate("tastylog:")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate() = %v\nwant %q", err, tc.want)
			}
		})
	}
}
