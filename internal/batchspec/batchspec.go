// Package batchspec is the serverless batch path's settings as plain Go values: how jobs are submitted
// (API Gateway's auth and limits), queued (SQS's visibility and redrive), worked (the Lambda function's
// timeout, batches and concurrency), scheduled (an EventBridge cron) and kept (the results' expiry), with
// the rules AWS holds them to. It imports no Pulumi package.
package batchspec

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/configerr"
)

// The stack-config keys of the batch path: the one place each name is written.
const (
	KeyBatch                    = "batch"
	KeyBatchAuth                = "batchAuth"
	KeyBatchSchedule            = "batchSchedule"
	KeyBatchFunctionTimeout     = "batchFunctionTimeout"
	KeyBatchVisibilityTimeout   = "batchVisibilityTimeout"
	KeyBatchMaxReceives         = "batchMaxReceives"
	KeyBatchSize                = "batchSize"
	KeyBatchWindowSeconds       = "batchWindowSeconds"
	KeyBatchMaxConcurrency      = "batchMaxConcurrency"
	KeyBatchReservedConcurrency = "batchReservedConcurrency"
	KeyBatchQuotaPerDay         = "batchQuotaPerDay"
	KeyBatchRateLimit           = "batchRateLimit"
	KeyBatchBurstLimit          = "batchBurstLimit"
	KeyBatchResultDays          = "batchResultDays"
)

// How a caller proves who it is to POST /jobs.
const (
	// AuthApiKey requires an API key of the stack's usage plan (quota and throttling per key).
	AuthApiKey = "apiKey"
	// AuthIam requires a SigV4-signed request from a principal allowed execute-api:Invoke.
	AuthIam = "iam"
)

// Auths lists the allowed modes.
var Auths = []string{AuthApiKey, AuthIam}

// Limits AWS sets (Lambda, SQS, API Gateway quotas) that the settings must fit.
const (
	MaxFunctionTimeout   = 900   // Lambda's timeout, seconds
	MaxVisibilityTimeout = 43200 // SQS's visibility timeout, seconds (12 hours)
	MaxReceives          = 1000  // SQS's redrive maxReceiveCount
	MaxBatchSize         = 10000 // Lambda's SQS batch size (a standard queue; above 10 needs a window)
	MaxUnwindowedBatch   = 10
	MaxWindowSeconds     = 300 // Lambda's MaximumBatchingWindowInSeconds
	MinMaxConcurrency    = 2   // Lambda's event source mapping ScalingConfig.MaximumConcurrency
	MaxMaxConcurrency    = 1000
	// VisibilityFactor is AWS's rule for Lambda on SQS: a visibility timeout of at least six times the
	// function's timeout (plus the batching window), so a batch being worked on is not received again.
	VisibilityFactor = 6
	MaxRateLimit     = 10000 // API Gateway's account throttle, requests a second
	MaxBurstLimit    = 5000
	MaxResultDays    = 3650
)

// Spec is the batch path of one stack.
type Spec struct {
	// Batch turns the path on.
	Batch bool
	// Auth is one of Auths.
	Auth string
	// Schedule is the EventBridge expression (cron(...) or rate(...)) that enqueues the scheduled job; ""
	// is none.
	Schedule string
	// FunctionTimeout is the worker's timeout in seconds; VisibilityTimeout the queue's.
	FunctionTimeout   int
	VisibilityTimeout int
	// MaxReceives is how many times a message is received before it moves to the dead-letter queue.
	MaxReceives int
	// Size and WindowSeconds shape the worker's batches.
	Size          int
	WindowSeconds int
	// MaxConcurrency caps the worker instances the queue's event source mapping runs; ReservedConcurrency
	// reserves that many of the account's (0 reserves none).
	MaxConcurrency      int
	ReservedConcurrency int
	// QuotaPerDay, RateLimit and BurstLimit are the API's limits: per key (apiKey) or per stage.
	QuotaPerDay, RateLimit, BurstLimit int
	// ResultDays is how long a result stays in the results bucket.
	ResultDays int
}

// Default returns a batch path that is off; on, it takes API keys, enqueues a digest at 03:00 JST every
// day, works batches of 10 with up to two workers of 60 s, and keeps results 30 days.
func Default() Spec {
	return Spec{
		Batch: false, Auth: AuthApiKey, Schedule: "cron(0 18 * * ? *)",
		FunctionTimeout: 60, VisibilityTimeout: 360, MaxReceives: 5, Size: 10, WindowSeconds: 0,
		MaxConcurrency: 2, ReservedConcurrency: 0, QuotaPerDay: 10000, RateLimit: 10, BurstLimit: 20, ResultDays: 30,
	}
}

// Validate checks the spec; keys in errors are stack-config keys with keyPrefix in front.
func (s Spec) Validate(keyPrefix string) error {
	var errs []error
	fail := func(key, value, format string, args ...any) {
		errs = append(errs, configerr.New(keyPrefix+key, value, format, args...))
	}
	intRange := func(key string, v, lo, hi int, unit string) bool {
		if v < lo || v > hi {
			fail(key, strconv.Itoa(v), "must be from %d to %d %s", lo, hi, unit)
			return false
		}
		return true
	}
	if !slices.Contains(Auths, s.Auth) {
		fail(KeyBatchAuth, s.Auth, "is not an auth mode; allowed: %q (an API key of the stack's usage plan), %q (SigV4-signed requests of principals allowed execute-api:Invoke)", AuthApiKey, AuthIam)
	}
	if s.Schedule != "" {
		if err := CheckSchedule(s.Schedule); err != nil {
			fail(KeyBatchSchedule, s.Schedule, "%v", err)
		}
	}
	timeoutOK := intRange(KeyBatchFunctionTimeout, s.FunctionTimeout, 1, MaxFunctionTimeout, "seconds (Lambda's limit)")
	windowOK := intRange(KeyBatchWindowSeconds, s.WindowSeconds, 0, MaxWindowSeconds, "seconds (Lambda's limit)")
	if intRange(KeyBatchVisibilityTimeout, s.VisibilityTimeout, 0, MaxVisibilityTimeout, "seconds (SQS's limit)") && timeoutOK && windowOK {
		if need := VisibilityFactor*s.FunctionTimeout + s.WindowSeconds; s.VisibilityTimeout < need {
			fail(KeyBatchVisibilityTimeout, strconv.Itoa(s.VisibilityTimeout),
				"is shorter than %d x %s + %s = %d s: a message still being worked on would be received again (AWS's rule for Lambda on SQS); set it to at least %d",
				VisibilityFactor, keyPrefix+KeyBatchFunctionTimeout, keyPrefix+KeyBatchWindowSeconds, need, need)
		}
	}
	intRange(KeyBatchMaxReceives, s.MaxReceives, 1, MaxReceives, "receives (SQS's limit)")
	if intRange(KeyBatchSize, s.Size, 1, MaxBatchSize, "messages (Lambda's limit for a standard queue)") && windowOK &&
		s.Size > MaxUnwindowedBatch && s.WindowSeconds < 1 {
		fail(KeyBatchSize, strconv.Itoa(s.Size), "is over %d, which Lambda allows only with a batching window: set %s to at least 1",
			MaxUnwindowedBatch, keyPrefix+KeyBatchWindowSeconds)
	}
	if intRange(KeyBatchMaxConcurrency, s.MaxConcurrency, MinMaxConcurrency, MaxMaxConcurrency, "workers (Lambda's limit for an SQS event source)") &&
		s.ReservedConcurrency != 0 && s.ReservedConcurrency < s.MaxConcurrency {
		fail(KeyBatchReservedConcurrency, strconv.Itoa(s.ReservedConcurrency),
			"is below %s (%d): the queue would start workers Lambda then throttles; reserve at least as many, or 0 for none",
			keyPrefix+KeyBatchMaxConcurrency, s.MaxConcurrency)
	}
	if s.ReservedConcurrency < 0 {
		fail(KeyBatchReservedConcurrency, strconv.Itoa(s.ReservedConcurrency), "must be 0 (none reserved) or a number of workers")
	}
	intRange(KeyBatchQuotaPerDay, s.QuotaPerDay, 1, 1<<31-1, "requests a day")
	intRange(KeyBatchRateLimit, s.RateLimit, 1, MaxRateLimit, "requests a second (API Gateway's account limit)")
	if intRange(KeyBatchBurstLimit, s.BurstLimit, 1, MaxBurstLimit, "requests (API Gateway's account limit)") && s.BurstLimit < s.RateLimit {
		fail(KeyBatchBurstLimit, strconv.Itoa(s.BurstLimit), "is below %s (%d): a burst is at least one second's requests", keyPrefix+KeyBatchRateLimit, s.RateLimit)
	}
	intRange(KeyBatchResultDays, s.ResultDays, 1, MaxResultDays, "days")
	return errors.Join(errs...)
}

var (
	ratePattern = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	cronPattern = regexp.MustCompile(`^cron\((.*)\)$`)
)

// cronField is one field of an EventBridge cron expression: its name, range, names and wildcards.
type cronField struct {
	name     string
	lo, hi   int
	names    []string // JAN-DEC, SUN-SAT
	question bool     // may be ?
	extra    string   // L, W, # where allowed
}

var cronFields = []cronField{
	{name: "minutes", lo: 0, hi: 59},
	{name: "hours", lo: 0, hi: 23},
	{name: "day-of-month", lo: 1, hi: 31, question: true, extra: "LW"},
	{name: "month", lo: 1, hi: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", lo: 1, hi: 7, question: true, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, extra: "L#"},
	{name: "year", lo: 1970, hi: 2199},
}

// CheckSchedule reports why EventBridge would refuse expr: it takes rate(N unit) with N >= 1 (the unit
// singular only for 1), or cron( of six fields (minutes hours day-of-month month day-of-week year),
// exactly one of the two day fields ?.
func CheckSchedule(expr string) error {
	if m := ratePattern.FindStringSubmatch(expr); m != nil {
		n, _ := strconv.Atoi(m[1])
		switch {
		case n < 1:
			return errors.New("is a rate of 0; want rate(1 hour) or more")
		case n == 1 && strings.HasSuffix(m[2], "s"):
			return fmt.Errorf("says %q for 1, which EventBridge refuses; want rate(1 %s)", m[2], strings.TrimSuffix(m[2], "s"))
		case n > 1 && !strings.HasSuffix(m[2], "s"):
			return fmt.Errorf("says %q for %d, which EventBridge refuses; want rate(%d %ss)", m[2], n, n, m[2])
		}
		return nil
	}
	m := cronPattern.FindStringSubmatch(expr)
	if m == nil {
		return errors.New("is not an EventBridge schedule; want cron(minutes hours day-of-month month day-of-week year), such as cron(0 18 * * ? *) for 03:00 JST daily, or rate(1 hour)")
	}
	parts := strings.Fields(m[1])
	if len(parts) != len(cronFields) {
		return fmt.Errorf("has %d fields; an EventBridge cron has 6 (minutes hours day-of-month month day-of-week year), unlike Unix cron's 5", len(parts))
	}
	for i, f := range cronFields {
		if err := f.check(parts[i]); err != nil {
			return fmt.Errorf("has %s %q: %v", f.name, parts[i], err)
		}
	}
	if (parts[2] == "?") == (parts[4] == "?") {
		return errors.New("must have ? in exactly one of day-of-month and day-of-week (EventBridge's rule): cron(0 18 * * ? *)")
	}
	return nil
}

func (f cronField) check(s string) error {
	if s == "?" {
		if !f.question {
			return errors.New("? is allowed only in day-of-month and day-of-week")
		}
		return nil
	}
	for _, item := range strings.Split(s, ",") {
		if err := f.item(item); err != nil {
			return err
		}
	}
	return nil
}

func (f cronField) item(s string) error {
	if base, step, ok := strings.Cut(s, "/"); ok {
		n, err := strconv.Atoi(step)
		if err != nil || n < 1 {
			return fmt.Errorf("step %q is not a positive number", step)
		}
		if base == "*" {
			return nil
		}
		s = base
	}
	switch {
	case s == "*":
		return nil
	case strings.ContainsAny(s, "LW#"):
		if f.extra == "" || strings.Trim(s, "0123456789"+f.extra+strings.Join(f.names, "")) != "" {
			return fmt.Errorf("L, W and # are allowed only in the day fields")
		}
		return nil
	}
	lo, hi, isRange := strings.Cut(s, "-")
	for _, v := range []string{lo, hi} {
		if v == "" && !isRange {
			continue
		}
		if _, err := f.value(v); err != nil {
			return err
		}
	}
	return nil
}

func (f cronField) value(v string) (int, error) {
	if i := slices.Index(f.names, strings.ToUpper(v)); i >= 0 {
		return f.lo + i, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < f.lo || n > f.hi {
		if len(f.names) > 0 {
			return 0, fmt.Errorf("%q is outside %d-%d (or %s-%s)", v, f.lo, f.hi, f.names[0], f.names[len(f.names)-1])
		}
		return 0, fmt.Errorf("%q is outside %d-%d", v, f.lo, f.hi)
	}
	return n, nil
}
