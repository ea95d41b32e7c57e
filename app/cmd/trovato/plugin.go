package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/trovato/trovato/app/extend"
	"github.com/trovato/trovato/app/server"
)

const pluginUsage = `Usage: trovato plugin COMMAND

  list          list the plugins of TROVATO_PLUGINS_DIR with their stored status
  enable NAME   mark NAME enabled in the database (plugin_status)
  disable NAME  mark NAME disabled in the database (plugin_status)
  new NAME      scaffold plugins/NAME/ (plugin.json, an item_view tap, a native test)
  build NAME    build plugins/NAME into TROVATO_PLUGINS_DIR/NAME/ (as make plugins does)

enable and disable change the database only: a running server picks them
up when it restarts, and the plugin's enable/disable taps do not run. To
switch a plugin at once, with its taps, use /admin/plugins on the running
site. A plugin the database does not know yet is enabled by default.`

func runPlugin(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, pluginUsage)
		if len(args) == 0 {
			return errors.New("plugin: name a subcommand (list, enable, disable, new, build)")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	if sub != "list" && len(rest) != 1 {
		fmt.Fprintln(stdout, pluginUsage)
		return fmt.Errorf("plugin %s: name exactly one plugin", sub)
	}
	switch sub {
	case "list":
		return pluginList(ctx, stdout)
	case "enable":
		return pluginSet(ctx, rest[0], true, stdout)
	case "disable":
		return pluginSet(ctx, rest[0], false, stdout)
	case "new":
		return pluginNew(rest[0], stdout)
	case "build":
		return pluginBuild(rest[0], stdout)
	}
	fmt.Fprintln(stdout, pluginUsage)
	return fmt.Errorf("plugin: unknown subcommand %q", sub)
}

// pluginManifest is the part of plugin.json the CLI needs.
type pluginManifest struct {
	Name         string   `json:"name"`
	Version      string   `json:"version"`
	Description  string   `json:"description"`
	Dependencies []string `json:"dependencies"`
}

// installedPlugins reads the manifests under the plugins directory.
func installedPlugins() (map[string]pluginManifest, error) {
	dir := server.FromEnv().PluginsDir
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read plugins directory %s (TROVATO_PLUGINS_DIR): %w", dir, err)
	}
	out := map[string]pluginManifest{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		m := pluginManifest{Name: e.Name()}
		if b, err := os.ReadFile(filepath.Join(dir, e.Name(), "plugin.json")); err == nil {
			_ = json.Unmarshal(b, &m) // a broken manifest still lists by its directory
		}
		m.Name = e.Name()
		out[m.Name] = m
	}
	return out, nil
}

func pluginList(ctx context.Context, stdout io.Writer) error {
	plugins, err := installedPlugins()
	if err != nil {
		return err
	}
	pool, err := openPool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	stored, err := extend.NewStore(pool).PluginStatus(ctx)
	if err != nil {
		return err
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range plugins {
			if !yield(n) {
				return
			}
		}
	})
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tSTATUS\tDESCRIPTION")
	for _, n := range names {
		m := plugins[n]
		status := "new (enabled at next start)"
		if row, ok := stored[n]; ok {
			status = map[bool]string{true: "enabled", false: "disabled"}[row.Enabled]
			if !row.Installed {
				status = "uninstalled"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", n, m.Version, status, m.Description)
	}
	return tw.Flush()
}

func pluginSet(ctx context.Context, name string, enabled bool, stdout io.Writer) error {
	plugins, err := installedPlugins()
	if err != nil {
		return err
	}
	if _, ok := plugins[name]; !ok {
		return fmt.Errorf("there is no plugin %q in %s", name, server.FromEnv().PluginsDir)
	}
	pool, err := openPool(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	st := extend.NewStore(pool)
	stored, err := st.PluginStatus(ctx)
	if err != nil {
		return err
	}
	isOn := func(n string) bool {
		if _, ok := plugins[n]; !ok {
			return false
		}
		row, known := stored[n]
		return row.Enabled || !known
	}
	if enabled {
		var off []string
		for _, d := range plugins[name].Dependencies {
			if !isOn(d) {
				off = append(off, d)
			}
		}
		if len(off) > 0 {
			return fmt.Errorf("%s depends on %s, which is disabled or missing; enable it first", name, strings.Join(off, ", "))
		}
	} else {
		var deps []string
		for n, m := range plugins {
			if isOn(n) && slices.Contains(m.Dependencies, name) {
				deps = append(deps, n)
			}
		}
		if len(deps) > 0 {
			slices.Sort(deps)
			return fmt.Errorf("%s cannot be disabled: %s depend(s) on it; disable them first", name, strings.Join(deps, ", "))
		}
	}
	if row, known := stored[name]; enabled && known && !row.Installed {
		// An uninstalled plugin is installed by the server: forgetting it
		// makes the next start install and enable it like a new one.
		if err := st.DeletePluginStatus(ctx, name); err != nil {
			return err
		}
	} else if err := st.SetPluginStatus(ctx, name, enabled); err != nil {
		return err
	}
	word := map[bool]string{true: "enabled", false: "disabled"}[enabled]
	fmt.Fprintf(stdout, "Plugin %s %s. A running server applies this when it restarts (or use /admin/plugins).\n", name, word)
	return nil
}

var pluginName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

func pluginNew(name string, stdout io.Writer) error {
	if !pluginName.MatchString(name) || name == "sdk" {
		return fmt.Errorf("invalid plugin name %q: use lower case letters, digits and _, starting with a letter", name)
	}
	dir := filepath.Join("plugins", name)
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("%s already exists", dir)
	}
	if _, err := os.Stat(filepath.Join("plugins", "sdk")); err != nil {
		return errors.New("run trovato plugin new from the root of the Trovato repository (plugins/sdk not found)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"plugin.json":     scaffoldManifest,
		name + ".go":      scaffoldMain,
		"taps.go":         scaffoldTaps,
		name + "_test.go": scaffoldTest,
	}
	for file, text := range files {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(strings.ReplaceAll(text, "NAME", name)), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Created %s/. Next:\n  go test ./%s\n  trovato plugin build %s\nthen restart the server and see /admin/plugins.\n", dir, dir, name)
	return nil
}

func pluginBuild(name string, stdout io.Writer) error {
	if !pluginName.MatchString(name) {
		return fmt.Errorf("invalid plugin name %q", name)
	}
	src := filepath.Join("plugins", name)
	manifest, err := os.ReadFile(filepath.Join(src, "plugin.json"))
	if err != nil {
		return fmt.Errorf("run from the repository root; %w", err)
	}
	dest := filepath.Join(server.FromEnv().PluginsDir, name)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	wasm, err := filepath.Abs(filepath.Join(dest, name+".wasm"))
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", wasm, "./"+src)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	cmd.Stdout, cmd.Stderr = stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build %s: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(dest, "plugin.json"), manifest, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Built %s. Restart the server to load it.\n", dest)
	return nil
}

const scaffoldManifest = `{
  "name": "NAME",
  "version": "0.1.0",
  "abi": 1,
  "description": "Describe what NAME does.",
  "weight": 10,
  "dependencies": [],
  "taps": ["item_view"],
  "capabilities": ["item.read"]
}
`

const scaffoldMain = `// Command NAME is a Trovato plugin. Build it with
//
//	trovato plugin build NAME
package main

import "github.com/trovato/trovato/plugins/sdk"

// main does not run in a reactor module; the host calls the taps.
func main() {}

// view adds an element below every item shown on its own page.
func view(it sdk.Item, mode string) (sdk.Element, error) {
	if mode != "full" {
		return sdk.Element{}, nil // nothing to add
	}
	return sdk.Text("NAME saw " + it.Title()).WithClass("NAME"), nil
}
`

const scaffoldTaps = `package main

import "github.com/trovato/trovato/plugins/sdk"

// The exported taps: one line of glue each; list them in plugin.json.

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }
`

const scaffoldTest = `//go:build !wasip1

package main

import (
	"reflect"
	"testing"

	"github.com/trovato/trovato/plugins/sdk"
)

func TestView(t *testing.T) {
	got, err := view(sdk.FakeItem{ItemType: "page", ItemTitle: "About us"}, "full")
	if err != nil {
		t.Fatal(err)
	}
	if want := sdk.Text("NAME saw About us").WithClass("NAME"); !reflect.DeepEqual(got, want) {
		t.Errorf("view() = %+v, want %+v", got, want)
	}
}
`
