package appboot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlaceholderArchiveIsDeterministic(t *testing.T) {
	a, err := PlaceholderArchive(3000, "/favicon.ico")
	require.NoError(t, err)
	b, err := PlaceholderArchive(3000, "/favicon.ico")
	require.NoError(t, err)
	assert.Equal(t, a, b, "a second up changes nothing")
	zr, err := gzip.NewReader(bytes.NewReader(a))
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	h, err := tr.Next()
	require.NoError(t, err)
	assert.Equal(t, "app.js", h.Name)
}

// The placeholder app answers the health check with 200 and everything else with 503; run with Node when
// the machine has it.
func TestPlaceholderAppServes(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	a, err := PlaceholderArchive(3000, "/favicon.ico")
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(a))
	require.NoError(t, err)
	tr := tar.NewReader(zr)
	_, err = tr.Next()
	require.NoError(t, err)
	app, err := io.ReadAll(tr)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "app.js"), app, 0o644))
	port := "38911"
	cmd := exec.Command(node, filepath.Join(dir, "app.js"))
	cmd.Env = append(os.Environ(), "PORT="+port)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	get := func(path string) int {
		for i := 0; i < 50; i++ {
			resp, err := http.Get("http://127.0.0.1:" + port + path)
			if err == nil {
				resp.Body.Close()
				return resp.StatusCode
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("the placeholder did not answer on %s", port)
		return 0
	}
	assert.Equal(t, 200, get("/favicon.ico"), "the target group's health check passes")
	assert.Equal(t, 503, get("/"), "visitors learn there is no release yet")
}

func TestAgentConfigIsValidJSON(t *testing.T) {
	cfg, err := AgentConfig(UserDataInput{AppLogGroup: "/a", SystemLogGroup: "/s"})
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(cfg), &doc))
	assert.Contains(t, cfg, "${aws:AutoScalingGroupName}")
}

func TestRenderUserDataRefusesUnquotable(t *testing.T) {
	_, err := UserData(UserDataInput{Region: "ap-northeast-1", ParameterPath: "/x/'; rm -rf /'", DeployBucket: "b"})
	assert.ErrorContains(t, err, "not safe to quote")
}

func TestContainerDefinitionsHealthCheck(t *testing.T) {
	out, err := ContainerDefinitions(Container{Image: "i", Port: 3000, HealthPath: "/favicon.ico", Region: "r", LogGroup: "/g",
		HealthCheck: HealthCheck{Interval: 15, Timeout: 5, Retries: 3}})
	require.NoError(t, err)
	var defs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &defs))
	hc := defs[0]["healthCheck"].(map[string]any)
	assert.Equal(t, map[string]any{"interval": 15.0, "timeout": 5.0, "retries": 3.0, "startPeriod": 30.0}, map[string]any{
		"interval": hc["interval"], "timeout": hc["timeout"], "retries": hc["retries"], "startPeriod": hc["startPeriod"]})
	assert.True(t, strings.Contains(hc["command"].([]any)[3].(string), `port:3000,path:"/favicon.ico"`))
	// Run the health command's script with Node when the machine has it: it must at least parse.
	if node, err := exec.LookPath("node"); err == nil {
		script := filepath.Join(t.TempDir(), "health.js")
		require.NoError(t, os.WriteFile(script, []byte(hc["command"].([]any)[3].(string)), 0o600))
		out, err := exec.Command(node, "--check", script).CombinedOutput()
		assert.NoError(t, err, "%s", out)
	}
}
