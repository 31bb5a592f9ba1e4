// Command stackfile-readings records how the Pulumi CLI itself reads stack files: it loads each
// file with the CLI's own loader (sdk/go/common/workspace.LoadProjectStack, the version in
// .pulumi.version) and prints, as JSON, the config the CLI would hand the program, or its error.
//
//	cd tools/stackfile-readings && go run . ../../Pulumi.yaml ../../tests/stackfiles/*.yaml \
//	    > ../../tests/golden/pulumi-cli-stack-readings.json
//
// tests/test_stackfile_vs_cli.py checks the offline plan's reader against this record: it must
// refuse a file or read exactly what the CLI reads. Each file is loaded several times because
// the CLI builds config from Go maps, whose iteration order is random: a file whose keys collide
// reads differently from run to run, and is recorded as such.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

const loads = 50

type reading struct {
	Error         string            `json:"error,omitempty"`
	Config        map[string]string `json:"config,omitempty"`
	Secret        []string          `json:"secret,omitempty"`
	Deterministic bool              `json:"deterministic"`
}

func load(project *workspace.Project, path string) reading {
	stack, err := workspace.LoadProjectStack(nil, project, path)
	if err != nil {
		return reading{Error: err.Error(), Deterministic: true}
	}
	out := reading{Config: map[string]string{}, Secret: []string{}, Deterministic: true}
	for key, value := range stack.Config {
		if value.Secure() {
			out.Secret = append(out.Secret, key.String())
			continue
		}
		text, err := value.Value(config.NopDecrypter)
		if err != nil {
			return reading{Error: err.Error(), Deterministic: true}
		}
		out.Config[key.String()] = text
	}
	return out
}

func main() {
	project, err := workspace.LoadProject(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	readings := map[string]reading{}
	for _, path := range os.Args[2:] {
		first := load(project, path)
		for i := 1; i < loads && first.Deterministic; i++ {
			next := load(project, path)
			next.Secret, first.Secret = sorted(next.Secret), sorted(first.Secret)
			first.Deterministic = reflect.DeepEqual(first, next)
		}
		first.Secret = sorted(first.Secret)
		readings[filepath.Base(path)] = first
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(readings); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func sorted(keys []string) []string {
	out := append([]string{}, keys...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
