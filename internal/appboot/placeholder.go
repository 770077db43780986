package appboot

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"text/template"
)

// PlaceholderRelease is the archive a new stack's `latest` names until the first real release.
const PlaceholderRelease = "tastylog-app-0.0.0-placeholder.tar.gz"

// LatestKey is the deploy bucket's pointer to the release the servers install (userdata.sh.tmpl).
const LatestKey = "latest"

//go:embed placeholder/app.js.tmpl
var placeholderSource string

var placeholderTemplate = template.Must(template.New("app.js").Parse(placeholderSource))

// PlaceholderArchive renders the placeholder app for the port and health-check path and packs it as the
// release layout the servers unpack (app.js at the top). The archive is byte-for-byte the same on every
// run (no timestamps, fixed owner), so a second `pulumi up` sees no change.
func PlaceholderArchive(port int, healthPath string) ([]byte, error) {
	source, err := PlaceholderApp(port, healthPath)
	if err != nil {
		return nil, err
	}
	app := bytes.NewBuffer(source)
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "app.js", Mode: 0o644, Size: int64(app.Len()), Format: tar.FormatPAX}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(app.Bytes()); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// PlaceholderApp renders the placeholder app (app.js) for the port and health-check path.
func PlaceholderApp(port int, healthPath string) ([]byte, error) {
	path, err := json.Marshal(healthPath)
	if err != nil {
		return nil, err
	}
	var app bytes.Buffer
	if err := placeholderTemplate.Execute(&app, map[string]any{"Port": port, "HealthPath": string(path)}); err != nil {
		return nil, err
	}
	return app.Bytes(), nil
}
