package appboot

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// PlaceholderImage runs a new fargate stack's placeholder page until appImage names a release: the official
// Node.js image from the ECR Public mirror of Docker Hub's library, pulled through the NAT. Its user 1000
// is "node".
const PlaceholderImage = "public.ecr.aws/docker/library/node:22-alpine"

// ContainerName is the app container's name in the task definition and the service's load balancer entry.
const ContainerName = "app"

const (
	// stopTimeout is how long the app gets between SIGTERM and SIGKILL: its graceful shutdown waits up to
	// 10 s for connections. ECS sends SIGTERM only after the target group has drained the task for its
	// deregistration delay (30 s), so the two add up; the timeout stays below the delay so a stop never
	// outlasts the drain that preceded it.
	StopTimeout = 20
	// appUser is the unprivileged user the container runs as (node in the official images).
	appUser = "1000"
)

// Container is what the app container's definition is made of; ContainerDefinitions turns it into the
// task definition's JSON.
type Container struct {
	Image      string
	Command    []string // empty: the image's own
	Port       int
	HealthPath string
	Region     string
	LogGroup   string
	// Secrets maps each environment variable to the Parameter Store ARN the agent reads it from.
	Secrets map[string]string
	// Exec adds the writable paths ECS Exec's agent needs under a read-only root (it writes its binaries
	// and state there), and keeps the capabilities it uses.
	Exec bool
	// HealthCheck is how often the container health check runs, how long it waits, and after how many
	// failures the task is unhealthy: the target group's values.
	HealthCheck HealthCheck
}

// HealthCheck is a health check's timing.
type HealthCheck struct {
	Interval, Timeout, Retries int
}

// execPaths are the directories ECS Exec's managed agent writes to; with a read-only root filesystem it
// needs them as volumes (aws/containers-roadmap#1359, the workaround AWS's exec checker points to).
var execPaths = map[string]string{"exec-agents": "/managed-agents", "exec-ssm-lib": "/var/lib/amazon/ssm", "exec-ssm-log": "/var/log/amazon/ssm"}

// tmpVolume is the one writable path of the app container.
const tmpVolume = "tmp"

// Volumes are the task's scratch volumes (Fargate's ephemeral storage), by name.
func (c Container) Volumes() []string {
	names := []string{tmpVolume}
	if c.Exec {
		for _, name := range slices.Sorted(maps.Keys(execPaths)) {
			names = append(names, name)
		}
	}
	return names
}

// healthCommand asks the app for its health path with the Node runtime the image has (no curl in the
// slim images), so ECS replaces a task whose process lives but no longer answers.
func healthCommand(port int, path string) []string {
	script := fmt.Sprintf(`require("http").get({host:"127.0.0.1",port:%d,path:%q,timeout:4000},r=>process.exit(r.statusCode===200?0:1)).on("error",()=>process.exit(1))`, port, path)
	return []string{"CMD", "node", "-e", script}
}

// ContainerDefinitions is the task definition's container list: one essential app container, unprivileged,
// with a read-only root and only /tmp writable, its settings as secrets (never values), its logs to the
// app log group, a health check, and the stop timeout.
func ContainerDefinitions(c Container) (string, error) {
	type kv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	type secret struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	}
	type mount struct {
		SourceVolume  string `json:"sourceVolume"`
		ContainerPath string `json:"containerPath"`
		ReadOnly      bool   `json:"readOnly"`
	}
	var secrets []secret
	for _, name := range slices.Sorted(maps.Keys(c.Secrets)) {
		secrets = append(secrets, secret{name, c.Secrets[name]})
	}
	mounts := []mount{{tmpVolume, "/tmp", false}}
	if c.Exec {
		for _, name := range slices.Sorted(maps.Keys(execPaths)) {
			mounts = append(mounts, mount{name, execPaths[name], false})
		}
	}
	linux := map[string]any{"initProcessEnabled": true} // PID 1 that forwards SIGTERM and reaps children
	if !c.Exec {
		linux["capabilities"] = map[string]any{"drop": []string{"ALL"}} // a web server on port 3000 needs none
	}
	def := map[string]any{
		"name":                   ContainerName,
		"image":                  c.Image,
		"essential":              true,
		"portMappings":           []map[string]any{{"containerPort": c.Port, "protocol": "tcp", "name": "http"}},
		"environment":            []kv{{"NODE_ENV", "production"}, {"PORT", fmt.Sprint(c.Port)}},
		"secrets":                secrets,
		"user":                   appUser,
		"readonlyRootFilesystem": true,
		"privileged":             false,
		"mountPoints":            mounts,
		"linuxParameters":        linux,
		"stopTimeout":            StopTimeout,
		"healthCheck": map[string]any{
			"command": healthCommand(c.Port, c.HealthPath), "interval": c.HealthCheck.Interval, "timeout": c.HealthCheck.Timeout,
			"retries": c.HealthCheck.Retries, "startPeriod": 30,
		},
		"logConfiguration": map[string]any{
			"logDriver": "awslogs",
			"options": map[string]string{
				"awslogs-group": c.LogGroup, "awslogs-region": c.Region, "awslogs-stream-prefix": ContainerName,
				// A slow CloudWatch must not stall the app's writes to stdout.
				"mode": "non-blocking", "max-buffer-size": "25m",
			},
		},
	}
	if len(c.Command) > 0 {
		def["command"] = c.Command
	}
	out, err := json.Marshal([]any{def})
	return string(out), err
}

// PlaceholderCommand runs the placeholder app (the ec2 mode's, from the same template) with the image's
// Node.js: no file is written, so it runs under the read-only root.
func PlaceholderCommand(port int, healthPath string) ([]string, error) {
	app, err := PlaceholderApp(port, healthPath)
	if err != nil {
		return nil, err
	}
	return []string{"node", "-e", strings.TrimSpace(string(app))}, nil
}
