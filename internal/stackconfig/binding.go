package stackconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tastylog/infra/internal/configerr"
)

// binding reads one config key into one field of Config.
type binding struct {
	key      string
	isObject bool
	fields   []string // allowed fields of an object
	get      func() any
	set      func(raw string) error
}

func str[T ~string](key string, p *T) binding {
	return binding{key: key,
		get: func() any { return string(*p) },
		set: func(raw string) error { *p = T(raw); return nil },
	}
}

func list(key string, p *[]string) binding {
	return binding{key: key,
		get: func() any { return append([]string{}, *p...) },
		set: func(raw string) error {
			var v []string
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				return configerr.New(key, raw, "is not a list of strings")
			}
			*p = append([]string{}, v...)
			return nil
		},
	}
}

// accountIds reads a list of AWS account ids written as strings or as numbers (what `pulumi config set
// --path` stores for 123456789012); a number is its decimal digits (the CLI keeps a leading zero as a string).
func accountIds(key string, p *[]string) binding {
	return binding{key: key,
		get: func() any { return append([]string{}, *p...) },
		set: func(raw string) error {
			dec := json.NewDecoder(strings.NewReader(raw))
			dec.UseNumber()
			var v []any
			if err := dec.Decode(&v); err != nil {
				return configerr.New(key, raw, "is not a list of account ids")
			}
			out := make([]string, len(v))
			for i, id := range v {
				switch id := id.(type) {
				case string:
					out[i] = id
				case json.Number:
					out[i] = id.String()
				default:
					return configerr.New(fmt.Sprintf("%s[%d]", key, i), fmt.Sprint(id), "is not an AWS account id; want 12 digits")
				}
			}
			*p = out
			return nil
		},
	}
}

func integer(key string, p *int) binding {
	return scalar(key, p, strconv.Atoi, "is not a whole number")
}

func boolean(key string, p *bool) binding {
	return scalar(key, p, strconv.ParseBool, "is not true or false")
}

// scalar reads a key with parse, reporting problem when the value does not parse.
func scalar[T any](key string, p *T, parse func(string) (T, error), problem string) binding {
	return binding{key: key,
		get: func() any { return *p },
		set: func(raw string) error {
			v, err := parse(strings.TrimSpace(raw))
			if err != nil {
				return configerr.New(key, raw, "%s", problem)
			}
			*p = v
			return nil
		},
	}
}

// object decodes a JSON object over the defaults already in *p. Unknown fields are an error naming the
// allowed ones: a misspelt field would otherwise be dropped and its default used in silence.
func object(key string, p any, fields ...string) binding {
	return binding{key: key, isObject: true, fields: fields,
		get: func() any { return p },
		set: func(raw string) error {
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(raw), &m); err != nil {
				return configerr.New(key, raw, "is not an object")
			}
			var unknown []string
			for name := range m {
				if !slices.Contains(fields, name) {
					unknown = append(unknown, name)
				}
			}
			if len(unknown) > 0 {
				sort.Strings(unknown)
				allowed := slices.Clone(fields)
				sort.Strings(allowed)
				var errs []error
				for _, name := range unknown {
					hint := ""
					if guess := closest(name, allowed); guess != "" {
						hint = fmt.Sprintf("; did you mean %q?", guess)
					}
					errs = append(errs, configerr.New(key+"."+name, string(m[name]),
						"is under an unknown key %q; allowed keys: %s%s", name, strings.Join(allowed, ", "), hint))
				}
				return errors.Join(errs...)
			}
			if err := json.NewDecoder(bytes.NewReader([]byte(raw))).Decode(p); err != nil {
				return configerr.New(key, raw, "does not fit the expected shape: %v", err)
			}
			return nil
		},
	}
}

// objectList decodes a JSON list of objects into *p, each checked for unknown fields as object does.
func objectList[T any](key string, p *[]T, fields ...string) binding {
	return binding{key: key, isObject: true, fields: fields,
		get: func() any { return p },
		set: func(raw string) error {
			var items []map[string]json.RawMessage
			if err := json.Unmarshal([]byte(raw), &items); err != nil {
				return configerr.New(key, raw, "is not a list of objects")
			}
			var errs []error
			for i, m := range items {
				for _, name := range slices.Sorted(maps.Keys(m)) {
					if slices.Contains(fields, name) {
						continue
					}
					allowed := slices.Sorted(slices.Values(fields))
					hint := ""
					if guess := closest(name, allowed); guess != "" {
						hint = fmt.Sprintf("; did you mean %q?", guess)
					}
					errs = append(errs, configerr.New(fmt.Sprintf("%s[%d].%s", key, i, name), string(m[name]),
						"is under an unknown key %q; allowed keys: %s%s", name, strings.Join(allowed, ", "), hint))
				}
			}
			if len(errs) > 0 {
				return errors.Join(errs...)
			}
			var v []T
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				return configerr.New(key, raw, "does not fit the expected shape: %v", err)
			}
			*p = v
			return nil
		},
	}
}

// prefixKey puts the project namespace in front of the keys of the field errors in err.
func prefixKey(ns string, err error) error {
	var out []error
	for _, e := range configerr.Flatten(err) {
		var fe *configerr.FieldError
		if errors.As(e, &fe) {
			out = append(out, &configerr.FieldError{Key: ns + fe.Key, Value: fe.Value, Problem: fe.Problem})
		} else {
			out = append(out, fmt.Errorf("%s%w", ns, e))
		}
	}
	return errors.Join(out...)
}
