package configerr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Report collects every problem of one stack's config, so one run shows them all: type errors, values
// AWS would refuse, misspelt keys, and what the account look-ups found. It prints them grouped by key in
// the order the keys are declared, under one header that counts them.
type Report struct {
	order    map[string]int
	problems []*FieldError
}

// NewReport returns an empty report that orders problems by keys (fully qualified, as declared); a key
// not listed sorts after them, by name.
func NewReport(keys ...string) *Report {
	r := &Report{order: map[string]int{}}
	for i, k := range keys {
		r.order[k] = i
	}
	return r
}

// Add records the field errors in errs (nil, one, or joined). Any other error is recorded under the key
// "config" so that nothing is lost.
func (r *Report) Add(errs ...error) {
	for _, err := range errs {
		for _, e := range Flatten(err) {
			var fe *FieldError
			if errors.As(e, &fe) {
				r.problems = append(r.problems, fe)
			} else {
				r.problems = append(r.problems, &FieldError{Key: "config", Problem: e.Error()})
			}
		}
	}
}

// Has reports whether any problem is about key (fully qualified) or one of its elements or fields.
func (r *Report) Has(key string) bool {
	for _, p := range r.problems {
		if BaseKey(p.Key) == key {
			return true
		}
	}
	return false
}

// Problems returns the problems in report order.
func (r *Report) Problems() []*FieldError {
	out := append([]*FieldError(nil), r.problems...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := BaseKey(out[i].Key), BaseKey(out[j].Key)
		ia, oka := r.order[a]
		ib, okb := r.order[b]
		switch {
		case oka && okb:
			return ia < ib
		case oka != okb:
			return oka
		default:
			return a < b
		}
	})
	return out
}

// Err is nil for an empty report, else the report itself.
func (r *Report) Err() error {
	if len(r.problems) == 0 {
		return nil
	}
	return r
}

func (r *Report) Error() string {
	var b strings.Builder
	noun := "problems"
	if len(r.problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "the stack config has %d %s; nothing was created:", len(r.problems), noun)
	for _, p := range r.Problems() {
		b.WriteString("\n  ")
		if p.Value == "" && p.Key == "config" {
			b.WriteString(p.Problem)
			continue
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap exposes the problems to errors.As and errors.Is.
func (r *Report) Unwrap() []error {
	out := make([]error, len(r.problems))
	for i, p := range r.Problems() {
		out[i] = p
	}
	return out
}

// BaseKey is the declared key a problem is about: tastylog:subnets of tastylog:subnets.public[0].
func BaseKey(key string) string {
	ns, rest, ok := strings.Cut(key, ":")
	if !ok {
		rest, ns = key, ""
	}
	if i := strings.IndexAny(rest, ".["); i >= 0 {
		rest = rest[:i]
	}
	if ns == "" {
		return rest
	}
	return ns + ":" + rest
}

// Flatten returns the errors joined in err (errors.Join, nested), or err alone.
func Flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, Flatten(e)...)
		}
		return out
	}
	return []error{err}
}
