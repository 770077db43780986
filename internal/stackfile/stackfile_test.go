package stackfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeProject(t *testing.T, stackYAML string) string {
	t.Helper()
	dir := t.TempDir()
	project := `name: demo
runtime: go
config:
  aws:region:
    value: ap-northeast-1
  size:
    type: string
    default: small
  zones:
    type: array
    items:
      type: string
    default: [a, c]
`
	for name, body := range map[string]string{"Pulumi.yaml": project, "Pulumi.dev.yaml": stackYAML} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestStackConfigOverlaysStackOnProjectDefaults(t *testing.T) {
	dir := writeProject(t, "config:\n  demo:zones: [a, d]\n  demo:net:\n    db: [x]\n")
	got, err := StackConfig(dir, "dev", []string{"net"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"aws:region": "ap-northeast-1",
		"demo:size":  "small",
		"demo:zones": `["a","d"]`,
		"demo:net":   `{"db":["x"]}`,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("StackConfig()[%q] = %q, want %q", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("StackConfig() = %v, want exactly %v", got, want)
	}
}

func TestStackConfigRejectsUndeclaredProjectKeys(t *testing.T) {
	dir := writeProject(t, "config:\n  demo:sise: large\n")
	_, err := StackConfig(dir, "dev", nil)
	if err == nil || !strings.Contains(err.Error(), "demo:sise is not a config key of project demo") {
		t.Fatalf("StackConfig() error = %v, want it to reject demo:sise", err)
	}
}
