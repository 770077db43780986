package appboot

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stubs are stand-ins for what the bootstrap calls on a server. Each records its arguments in calls.log.
// The aws stub serves the release pointer and archive, and Parameter Store, which answers without
// SESSION_SECRET on the first call (as while the database is still being created) and whole afterwards.
var stubs = map[string]string{
	"dnf":       `echo "dnf $*" >> "$STUB_DIR/calls.log"`,
	"systemctl": `echo "systemctl $*" >> "$STUB_DIR/calls.log"`,
	"useradd":   `echo "useradd $*" >> "$STUB_DIR/calls.log"`,
	"id":        `exit 1`,
	"chown":     `exit 0`,
	"logger":    `cat > /dev/null`,
	"node-22":   `exit 0`,
	"install": `
dir=""; while [ $# -gt 0 ]; do case "$1" in -d) shift;; -m|-o|-g) shift 2;; *) dir="$1"; shift;; esac; done
mkdir -p "$dir"`,
	"aws": `
echo "aws $*" >> "$STUB_DIR/calls.log"
case "$1 $2" in
  "s3 cp")
    case "$3" in
      */latest) printf 'tastylog-app-1.2.3.tar.gz\n' ;;
      *) cp "$STUB_DIR/release.tar.gz" "$4" ;;
    esac ;;
  "ssm get-parameters-by-path")
    n=$(cat "$STUB_DIR/ssm-calls" 2>/dev/null || echo 0); echo $((n + 1)) > "$STUB_DIR/ssm-calls"
    printf '/tastylog/dev/app/MYSQL_HOST\tdb.example.internal\n'
    printf '/tastylog/dev/app/MYSQL_PORT\t3306\n'
    printf '/tastylog/dev/app/MYSQL_DATABASE\ttastylog\n'
    printf '/tastylog/dev/app/MYSQL_SSL\tAmazon RDS\n'
    printf '/tastylog/dev/app/MYSQL_USERNAME\tadmin\n'
    printf '/tastylog/dev/app/MYSQL_PASSWORD\tS3cretPassw0rd\n'
    [ "$n" -ge 1 ] && printf '/tastylog/dev/app/SESSION_SECRET\tsessionsecret\n'
    exit 0 ;;
esac`,
}

// release writes a tastylog-app archive holding app.js.
func release(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	body := []byte("console.log('tastylog')\n")
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "app.js", Mode: 0o644, Size: int64(len(body))}))
	_, err = tw.Write(body)
	require.NoError(t, err)
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
}

// TestBootstrapRuns runs the rendered user data with the server's commands stubbed and its paths moved
// under a temporary directory: it waits for the missing setting, installs the release, writes the
// environment file from Parameter Store and starts the service.
func TestBootstrapRuns(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	root := t.TempDir()
	stubDir := filepath.Join(root, "stubs")
	require.NoError(t, os.MkdirAll(stubDir, 0o755))
	for name, body := range stubs {
		require.NoError(t, os.WriteFile(filepath.Join(stubDir, name), []byte("#!/bin/bash\n"+body+"\n"), 0o755))
	}
	agentCtl := filepath.Join(root, "agent", "bin", "amazon-cloudwatch-agent-ctl")
	require.NoError(t, os.MkdirAll(filepath.Dir(agentCtl), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "agent", "etc"), 0o755))
	require.NoError(t, os.WriteFile(agentCtl, []byte("#!/bin/bash\necho \"agent $*\" >> \"$STUB_DIR/calls.log\"\n"), 0o755))
	release(t, filepath.Join(stubDir, "release.tar.gz"))

	script, err := UserData(UserDataInput{
		Region: "ap-northeast-1", ParameterPath: "/tastylog/dev/app/", DeployBucket: "tastylog-dev-deploy-123456789012",
		AppLogGroup: "/tastylog/dev/app", SystemLogGroup: "/tastylog/dev/system", AppPort: 3000,
		RequiredParameters: RequiredParameters,
	})
	require.NoError(t, err)
	// Move every server path under root, longest first, and do not sleep between checks.
	for _, p := range []struct{ from, to string }{
		{"/opt/aws/amazon-cloudwatch-agent", filepath.Join(root, "agent")},
		{"/var/log/tastylog-bootstrap.log", filepath.Join(root, "bootstrap.log")},
		{"/tmp/tastylog-app.tar.gz", filepath.Join(root, "download.tar.gz")},
		{"/etc/systemd/system", filepath.Join(root, "systemd")},
		{"/etc/logrotate.d", filepath.Join(root, "logrotate")},
		{"/etc/tastylog/env", filepath.Join(root, "etc", "env")},
		{"/var/log/tastylog", filepath.Join(root, "applog")},
		{"/opt/tastylog", filepath.Join(root, "app")},
		{"sleep 20", "sleep 0"},
		{"retry 10 15", "retry 10 0"},
	} {
		script = strings.ReplaceAll(script, p.from, p.to)
	}
	for _, dir := range []string{"systemd", "logrotate"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, dir), 0o755))
	}
	path := filepath.Join(root, "userdata.sh")
	require.NoError(t, os.WriteFile(path, []byte(script), 0o700))

	// A bootstrap that never finds what it waits for would loop forever: give it a deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", path)
	cmd.WaitDelay = 5 * time.Second // the log's tee may outlive a killed script
	cmd.Env = append(os.Environ(), "PATH="+stubDir+":"+os.Getenv("PATH"), "STUB_DIR="+stubDir)
	out, err := cmd.CombinedOutput()
	bootLog, _ := os.ReadFile(filepath.Join(root, "bootstrap.log"))
	require.NoError(t, ctx.Err(), "bootstrap did not finish in 30 s:\n%s", bootLog)
	require.NoError(t, err, "bootstrap failed: %s\n%s", out, bootLog)

	env, err := os.ReadFile(filepath.Join(root, "etc", "env"))
	require.NoError(t, err)
	assert.Equal(t, strings.Join([]string{
		"MYSQL_HOST=db.example.internal", "MYSQL_PORT=3306", "MYSQL_DATABASE=tastylog", "MYSQL_SSL=Amazon RDS", "MYSQL_USERNAME=admin",
		"MYSQL_PASSWORD=S3cretPassw0rd", "SESSION_SECRET=sessionsecret", "PORT=3000",
	}, "\n")+"\n", string(env))
	info, err := os.Stat(filepath.Join(root, "etc", "env"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the settings file is readable by root alone")

	_, err = os.Stat(filepath.Join(root, "app", "app.js"))
	assert.NoError(t, err, "the release is unpacked into the app directory")
	unit, err := os.ReadFile(filepath.Join(root, "systemd", "tastylog.service"))
	require.NoError(t, err)
	assert.Contains(t, string(unit), "ExecStart="+filepath.Join(stubDir, "node-22")+" "+filepath.Join(root, "app", "app.js"))
	assert.Contains(t, string(unit), "EnvironmentFile="+filepath.Join(root, "etc", "env"))

	calls, err := os.ReadFile(filepath.Join(stubDir, "calls.log"))
	require.NoError(t, err)
	for _, want := range []string{
		"dnf install -y nodejs22 rsyslog amazon-cloudwatch-agent tar gzip",
		"systemctl enable --now rsyslog",
		"agent -a fetch-config -m ec2 -s -c file:" + filepath.Join(root, "agent", "etc", "tastylog.json"),
		"aws s3 cp s3://tastylog-dev-deploy-123456789012/latest -",
		"aws s3 cp s3://tastylog-dev-deploy-123456789012/tastylog-app-1.2.3.tar.gz",
		"systemctl enable --now tastylog",
	} {
		assert.Contains(t, string(calls), want)
	}
	ssmCalls, err := os.ReadFile(filepath.Join(stubDir, "ssm-calls"))
	require.NoError(t, err)
	assert.Equal(t, "2\n", string(ssmCalls), "it waited for SESSION_SECRET and asked again")
	assert.Contains(t, string(bootLog), "waiting for /tastylog/dev/app/SESSION_SECRET")
	assert.NotContains(t, string(bootLog), "S3cretPassw0rd", "setting values are never logged")
	assert.Contains(t, string(bootLog), "done: tastylog is listening on :3000")
}
