// Package configerr is the one error shape every config check reports: the key, the value, and what is
// wrong or allowed.
package configerr

import "fmt"

// FieldError is one invalid setting.
type FieldError struct {
	Key     string
	Value   string
	Problem string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %q %s", e.Key, e.Value, e.Problem)
}

// Abbreviate shortens a value for a message to its first max characters.
func Abbreviate(s string, max int) string {
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// New returns a FieldError with a formatted problem.
func New(key, value, format string, args ...any) *FieldError {
	return &FieldError{Key: key, Value: value, Problem: fmt.Sprintf(format, args...)}
}
