// Command plan shows what a stack will build, what it costs a month, how long its first `pulumi up` takes
// and what it looks like, with no AWS account and no Pulumi CLI: it reads Pulumi.yaml and
// Pulumi.<stack>.yaml the way the CLI hands them to the program, runs the real program (package stack)
// under the test kit's mocks, and reports on the graph it records.
//
//	go run ./cmd/plan --stack dev [--set key=value ...] [--usage name=value ...] [--format text|json|markdown]
//	                  [--mermaid FILE] [--drawio FILE]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tastylog/infra/internal/planrun"
	"github.com/tastylog/infra/internal/pricing"
)

type sets map[string]string

func (s sets) String() string { return fmt.Sprint(map[string]string(s)) }

func (s sets) Set(v string) error {
	key, value, ok := strings.Cut(v, "=")
	if !ok || key == "" {
		return fmt.Errorf("want key=value, such as tastylog:natStrategy=single")
	}
	if !strings.Contains(key, ":") {
		key = "tastylog:" + key
	}
	s[key] = value
	return nil
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("plan", flag.ContinueOnError)
	stackName := fs.String("stack", "", "the stack whose Pulumi.<stack>.yaml to plan (required)")
	dir := fs.String("dir", ".", "the project directory (Pulumi.yaml)")
	format := fs.String("format", "text", "text, json or markdown")
	mermaid := fs.String("mermaid", "", "write the architecture as a Mermaid flowchart to this file")
	drawio := fs.String("drawio", "", "write the architecture as a draw.io file to this file")
	overrides := sets{}
	fs.Var(overrides, "set", "a config value to plan with instead of the stack file's, key=value (repeatable; tastylog: is implied)")
	usage := pricing.DefaultUsage()
	fs.Func("usage", "a usage assumption to price with, name=value such as cloudFrontGB=100 (repeatable)", func(v string) error {
		name, value, ok := strings.Cut(v, "=")
		if !ok {
			return fmt.Errorf("want name=value, such as cloudFrontGB=100")
		}
		return usage.SetUsage(name, value)
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stackName == "" {
		return errors.New("--stack is required, such as --stack dev")
	}
	if *format != "text" && *format != "json" && *format != "markdown" {
		return fmt.Errorf("--format %q: want text, json or markdown", *format)
	}
	report, diagram, err := planrun.PlanWith(*dir, *stackName, overrides, usage)
	if err != nil {
		return err
	}
	for file, body := range map[string]string{*mermaid: diagram.Mermaid(), *drawio: diagram.DrawIO(*stackName)} {
		if file != "" {
			if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
				return err
			}
		}
	}
	switch *format {
	case "json":
		s, err := report.JSON()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(out, s)
		return err
	case "markdown":
		_, err = fmt.Fprint(out, report.Markdown())
	default:
		_, err = fmt.Fprint(out, report.Text())
	}
	return err
}
