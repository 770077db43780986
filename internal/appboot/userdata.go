// Package appboot renders what the app's servers and tasks boot from: the servers' user data and their
// CloudWatch agent's configuration, the placeholder release a new stack serves, and the task's container
// definition. It imports no Pulumi package, so its tests (the user data is run under bash with stubs) build
// and run in seconds.
package appboot

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
)

//go:embed userdata.sh.tmpl
var userDataTemplate string

var userDataTmpl = template.Must(template.New("userdata").Option("missingkey=error").Parse(userDataTemplate))

// Paths and versions on the server.
const (
	appDir         = "/opt/tastylog"
	appLogDir      = "/var/log/tastylog"
	envFile        = "/etc/tastylog/env"
	bootstrapLog   = "/var/log/tastylog-bootstrap.log"
	entrypoint     = "app.js"
	nodeMajor      = "22" // the Node.js LTS that Amazon Linux 2023 packages as nodejs22
	AgentNamespace = "CWAgent"
	// waitSeconds is how often a booting server looks again for a release or its settings.
	waitSeconds = 20
)

// RequiredParameters are the settings the app cannot start without; the server waits for all of them.
var RequiredParameters = []string{"MYSQL_HOST", "MYSQL_PORT", "MYSQL_DATABASE", "MYSQL_SSL", "MYSQL_USERNAME", "MYSQL_PASSWORD", "SESSION_SECRET"}

// UserDataInput is everything the bootstrap script is rendered from. None of it is secret.
type UserDataInput struct {
	Region             string
	ParameterPath      string
	DeployBucket       string
	AppLogGroup        string
	SystemLogGroup     string
	AppPort            int
	RequiredParameters []string
}

// UserData renders the bootstrap script.
func UserData(in UserDataInput) (string, error) {
	agent, err := AgentConfig(in)
	if err != nil {
		return "", err
	}
	for _, f := range []struct{ name, value string }{
		{"Region", in.Region}, {"ParameterPath", in.ParameterPath}, {"DeployBucket", in.DeployBucket},
	} {
		if f.value == "" || strings.ContainsAny(f.value, "'\n") {
			return "", fmt.Errorf("user data: %s %q is empty or not safe to quote", f.name, f.value)
		}
	}
	var sb strings.Builder
	err = userDataTmpl.Execute(&sb, map[string]any{
		"Region":             in.Region,
		"ParameterPath":      in.ParameterPath,
		"DeployBucket":       in.DeployBucket,
		"AppDir":             appDir,
		"AppPort":            in.AppPort,
		"AppLogDir":          appLogDir,
		"EnvFile":            envFile,
		"BootstrapLog":       bootstrapLog,
		"Entrypoint":         entrypoint,
		"NodeMajor":          nodeMajor,
		"WaitSeconds":        waitSeconds,
		"RequiredParameters": in.RequiredParameters,
		"AgentConfig":        agent,
	})
	return sb.String(), err
}

// The CloudWatch agent's configuration file, as data.
type (
	agentFile struct {
		FilePath      string `json:"file_path"`
		LogGroupName  string `json:"log_group_name"`
		LogStreamName string `json:"log_stream_name"`
	}
	agentDoc struct {
		Agent struct {
			MetricsCollectionInterval int `json:"metrics_collection_interval"`
		} `json:"agent"`
		Logs struct {
			LogsCollected struct {
				Files struct {
					CollectList []agentFile `json:"collect_list"`
				} `json:"files"`
			} `json:"logs_collected"`
		} `json:"logs"`
		Metrics struct {
			Namespace             string              `json:"namespace"`
			AppendDimensions      map[string]string   `json:"append_dimensions"`
			AggregationDimensions [][]string          `json:"aggregation_dimensions"`
			MetricsCollected      map[string]agentSet `json:"metrics_collected"`
		} `json:"metrics"`
	}
	agentSet struct {
		Measurement []string `json:"measurement"`
		Resources   []string `json:"resources,omitempty"`
	}
)

// AgentConfig ships /var/log/messages and the bootstrap log to the system group and the app's output to
// the app group, one stream per instance, and publishes memory and root-disk use per Auto Scaling group.
func AgentConfig(in UserDataInput) (string, error) {
	var doc agentDoc
	doc.Agent.MetricsCollectionInterval = 60
	doc.Logs.LogsCollected.Files.CollectList = []agentFile{
		{FilePath: "/var/log/messages", LogGroupName: in.SystemLogGroup, LogStreamName: "{instance_id}/messages"},
		{FilePath: bootstrapLog, LogGroupName: in.SystemLogGroup, LogStreamName: "{instance_id}/bootstrap"},
		{FilePath: appLogDir + "/app.log", LogGroupName: in.AppLogGroup, LogStreamName: "{instance_id}/app"},
	}
	doc.Metrics.Namespace = AgentNamespace
	doc.Metrics.AppendDimensions = map[string]string{
		"AutoScalingGroupName": "${aws:AutoScalingGroupName}",
		"InstanceId":           "${aws:InstanceId}",
	}
	doc.Metrics.AggregationDimensions = [][]string{{"AutoScalingGroupName"}}
	doc.Metrics.MetricsCollected = map[string]agentSet{
		"mem":  {Measurement: []string{"mem_used_percent"}},
		"disk": {Measurement: []string{"used_percent"}, Resources: []string{"/"}},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return string(b), err
}
