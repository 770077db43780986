// Package stackfile reads Pulumi.yaml and Pulumi.<stack>.yaml the way the Pulumi CLI hands their values
// to a program: declared defaults, then the stack file, each value as the engine passes it. It imports no
// Pulumi package, so its tests build in a second.
package stackfile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// projectFile is the part of Pulumi.yaml the kit reads.
type projectFile struct {
	Name   string                   `yaml:"name"`
	Config map[string]projectConfig `yaml:"config"`
}

// projectConfig is one entry of Pulumi.yaml's config block: a declared key (type and default, or a
// default alone) or a value.
type projectConfig struct {
	Type        string `yaml:"type"`
	Description string `yaml:"description"`
	Default     any    `yaml:"default"`
	Value       any    `yaml:"value"`
}

type stackFile struct {
	Config map[string]any `yaml:"config"`
}

// Project is Pulumi.yaml as the kit reads it.
type Project struct {
	Name string
	// Declared holds the declared keys (short names, no namespace) with their type and default.
	Declared map[string]projectConfig
	// Values holds keys set with value: (fully qualified), such as aws:region.
	Values map[string]any
}

// ReadProject reads dir/Pulumi.yaml.
func ReadProject(dir string) (*Project, error) {
	var pf projectFile
	if err := readYAML(filepath.Join(dir, "Pulumi.yaml"), &pf); err != nil {
		return nil, err
	}
	p := &Project{Name: pf.Name, Declared: map[string]projectConfig{}, Values: map[string]any{}}
	for key, c := range pf.Config {
		if c.Value == nil { // declared with a type, or only a default (a key the program checks itself)
			p.Declared[key] = c
		} else {
			p.Values[key] = c.Value
		}
	}
	return p, nil
}

// Defaults returns the declared keys' defaults, short names to Go values.
func (p *Project) Defaults() map[string]any {
	out := map[string]any{}
	for key, c := range p.Declared {
		out[key] = c.Default
	}
	return out
}

// StackConfig returns the config the Pulumi CLI hands the program for stack: the project's values and
// declared defaults, overlaid with dir/Pulumi.<stack>.yaml, keys fully qualified, arrays and objects as
// JSON. It also rejects a stack key in the project namespace that Pulumi.yaml does not declare and
// objectKeys does not list (object-valued keys cannot be declared), so a misspelt key fails a test.
func StackConfig(dir, stack string, objectKeys []string) (map[string]string, error) {
	p, err := ReadProject(dir)
	if err != nil {
		return nil, err
	}
	values := map[string]any{}
	for key, v := range p.Values {
		values[key] = v
	}
	for key, c := range p.Declared {
		values[p.Name+":"+key] = c.Default
	}
	var sf stackFile
	if err := readYAML(filepath.Join(dir, "Pulumi."+stack+".yaml"), &sf); err != nil {
		return nil, err
	}
	for key, v := range sf.Config {
		short, inProject := strings.CutPrefix(key, p.Name+":")
		if _, declared := p.Declared[short]; inProject && !declared && !slices.Contains(objectKeys, short) {
			return nil, fmt.Errorf("Pulumi.%s.yaml: %s is not a config key of project %s", stack, key, p.Name)
		}
		values[key] = v
	}
	out := map[string]string{}
	for key, v := range values {
		s, err := configString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[key] = s
	}
	return out, nil
}

// configString renders a config value the way the engine passes it to a program.
func configString(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case bool, int, float64:
		return fmt.Sprint(v), nil
	default:
		b, err := json.Marshal(v)
		return string(b), err
	}
}

func readYAML(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// StackFileValues returns only what Pulumi.<stack>.yaml sets, each value as the engine passes it.
func StackFileValues(dir, stack string) (map[string]string, error) {
	var sf stackFile
	if err := readYAML(filepath.Join(dir, "Pulumi."+stack+".yaml"), &sf); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for key, v := range sf.Config {
		s, err := configString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[key] = s
	}
	return out, nil
}
