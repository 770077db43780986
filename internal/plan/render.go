package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/tastylog/infra/internal/pricing"
)

// Summary is the one line a stack's plan comes down to: what README shows for each shipped stack.
func (r Report) Summary() string {
	return fmt.Sprintf("%s: %d resources, $%.2f a month ($%.2f by the hour and the month, the rest by use), first up about %d min",
		r.Stack, r.Count, r.Bill.Total(), r.Bill.Fixed(), (r.Path.Seconds+59)/60)
}

// Markdown renders the whole report for a page.
func (r Report) Markdown() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "## Plan of `%s` (%s)\n\n%s.\n\n", r.Stack, r.Region, r.Summary())
	sb.WriteString("### Monthly cost\n\n")
	fmt.Fprintf(&sb, "List prices recorded %s (`internal/pricing/prices.go`, each with its page); usage: %s.\n\n", pricing.AsOf, usageLine(r.Usage))
	sb.WriteString(r.Bill.Markdown())
	if len(r.Variations) > 0 {
		sb.WriteString("\n| variation | changes | a month | against this stack |\n| --- | --- | ---: | ---: |\n")
		for _, v := range r.Variations {
			fmt.Fprintf(&sb, "| %s | %s | $%.2f | %+.2f |\n", v.Name, setLine(v), v.Total, v.Total-r.Bill.Total())
		}
	}
	fmt.Fprintf(&sb, "\n### First `up`: the critical path (%d min)\n\n| resource | type | min | why that long |\n| --- | --- | ---: | --- |\n", (r.Path.Seconds+59)/60)
	for _, s := range r.Path.Steps {
		fmt.Fprintf(&sb, "| %s | `%s` | %.1f | %s |\n", s.Name, s.Type, float64(s.Seconds)/60, s.Source)
	}
	fmt.Fprintf(&sb, "\nWaiting on the database (%d): %s.\n", len(r.DatabaseWaiters), strings.Join(r.DatabaseWaiters, ", "))
	if len(r.Warnings) > 0 {
		sb.WriteString("\n### Warnings\n\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&sb, "- %s\n", w)
		}
	}
	fmt.Fprintf(&sb, "\n### Resources by layer (%d)\n\n| layer | type | count | names |\n| --- | --- | ---: | --- |\n", r.Count)
	for _, l := range r.Layers {
		for _, t := range l.Types {
			fmt.Fprintf(&sb, "| %s | `%s` | %d | %s |\n", l.Layer, t.Type, len(t.Names), strings.Join(t.Names, ", "))
		}
	}
	return sb.String()
}

// Text renders the report for a terminal.
func (r Report) Text() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s\n\n", r.Summary())
	fmt.Fprintf(&sb, "Resources by layer (%d):\n", r.Count)
	for _, l := range r.Layers {
		n := 0
		for _, t := range l.Types {
			n += len(t.Names)
		}
		fmt.Fprintf(&sb, "  %s (%d)\n", l.Layer, n)
		for _, t := range l.Types {
			fmt.Fprintf(&sb, "    %-70s %3d  %s\n", t.Type, len(t.Names), abbreviate(strings.Join(t.Names, ", "), 90))
		}
	}
	fmt.Fprintf(&sb, "\nMonthly cost (list prices of %s; usage: %s):\n", pricing.AsOf, usageLine(r.Usage))
	lines := append([]pricing.Line(nil), r.Bill.Lines...)
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].USD > lines[j].USD })
	for _, usage := range []bool{false, true} {
		for _, l := range lines {
			if l.Usage == usage {
				fmt.Fprintf(&sb, "  %9s  %s (%s)\n", fmt.Sprintf("$%.2f", l.USD), l.Item, l.How)
			}
		}
		if !usage {
			fmt.Fprintf(&sb, "  %9s  by the hour and the month\n", fmt.Sprintf("$%.2f", r.Bill.Fixed()))
		}
	}
	fmt.Fprintf(&sb, "  %9s  total\n", fmt.Sprintf("$%.2f", r.Bill.Total()))
	for _, v := range r.Variations {
		fmt.Fprintf(&sb, "  %9s  %s: %s (%+.2f)\n", fmt.Sprintf("$%.2f", v.Total), v.Name, setLine(v), v.Total-r.Bill.Total())
	}
	fmt.Fprintf(&sb, "\nFirst up, the critical path: about %d min\n", (r.Path.Seconds+59)/60)
	for _, s := range r.Path.Steps {
		fmt.Fprintf(&sb, "  %5.1f min  %s (%s)\n", float64(s.Seconds)/60, s.Name, s.Type)
	}
	fmt.Fprintf(&sb, "Waiting on the database: %d resources (%s)\n", len(r.DatabaseWaiters), abbreviate(strings.Join(r.DatabaseWaiters, ", "), 120))
	if len(r.Warnings) > 0 {
		sb.WriteString("\nWarnings:\n")
		for _, w := range r.Warnings {
			fmt.Fprintf(&sb, "  - %s\n", w)
		}
	}
	return sb.String()
}

// JSON renders the report as one JSON document.
func (r Report) JSON() (string, error) {
	out, err := json.MarshalIndent(struct {
		Report
		Total, Fixed float64
	}{r, r.Bill.Total(), r.Bill.Fixed()}, "", "  ")
	return string(out), err
}

func usageLine(u pricing.Usage) string {
	return fmt.Sprintf("%g LCU, %g GB and %g M requests from CloudFront, %g GB out through NAT, %g GB of logs, %g GB in S3, %d jobs",
		u.ALBLCUs, u.CloudFrontGB, u.CloudFrontRequestsMillion, u.InternetOutGB, u.LogsGB, u.S3GB, u.Jobs)
}

func setLine(v Variation) string {
	var parts []string
	for _, k := range sortedKeys(v.Set) {
		parts = append(parts, fmt.Sprintf("`%s=%s`", strings.TrimPrefix(k, "tastylog:"), v.Set[k]))
	}
	if len(parts) == 0 {
		parts = append(parts, "none apply")
	}
	s := strings.Join(parts, ", ")
	if len(v.Skipped) > 0 {
		s += fmt.Sprintf(" (not %s: the stack refuses them)", strings.Join(v.Skipped, ", "))
	}
	return s
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
