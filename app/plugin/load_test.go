package plugin

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pageManifest is the page plugin's manifest renamed to name, with edit
// applied as old→new replacements.
func pageManifest(t *testing.T, name string, edits ...string) string {
	t.Helper()
	m := strings.Replace(manifestOf(t, "page"), `"name": "page"`, `"name": "`+name+`"`, 1)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(m, edits[i]) {
			t.Fatalf("manifest has no %q", edits[i])
		}
		m = strings.Replace(m, edits[i], edits[i+1], 1)
	}
	return m
}

func TestLoadFailuresAreIsolated(t *testing.T) {
	fixtures := []fixture{
		{name: "page"},
		{name: "abi2", module: "page", manifest: pageManifest(t, "abi2", `"abi": 1`, `"abi": 2`)},
		{name: "undeclared", module: "page", manifest: pageManifest(t, "undeclared",
			`"taps": ["item_info", "item_view"]`, `"taps": ["item_info", "item_view", "form_alter"]`)},
		{name: "corrupt", wasm: []byte("\x00asm\x01\x00\x00\x00 this is not a module"), manifest: pageManifest(t, "corrupt")},
		{name: "badjson", module: "page", manifest: `{"name": "badjson",`},
		{name: "typo", module: "page", manifest: pageManifest(t, "typo", `"capabilities"`, `"capabilites"`)},
		{name: "nowasm", module: "-", manifest: pageManifest(t, "nowasm")},
		{name: "misnamed", module: "page", manifest: pageManifest(t, "other")},
		{name: "unknowncap", module: "page", manifest: pageManifest(t, "unknowncap", `"log"]`, `"db.write"]`)},
		{name: "lonely", module: "page", manifest: pageManifest(t, "lonely", `"dependencies": []`, `"dependencies": ["absent"]`)},
		{name: "trusting", module: "page", manifest: pageManifest(t, "trusting", `"dependencies": []`, `"dependencies": ["corrupt"]`)},
		{name: "weighty", module: "page", manifest: pageManifest(t, "weighty", `"weight": 0`, `"weight": -5`, `"dependencies": []`, `"dependencies": ["page"]`)},
	}
	h, logs := openHost(t, Config{}, fixtures...)

	wantErr := map[string]string{
		"abi2":       "ABI mismatch: manifest declares abi 2, this host supports abi 1",
		"undeclared": `manifest declares tap "form_alter" but the module does not export tap_form_alter`,
		"corrupt":    "invalid wasm module corrupt.wasm",
		"badjson":    "parse plugin.json",
		"typo":       `unknown field "capabilites"`,
		"nowasm":     "read module",
		"misnamed":   `manifest name "other" does not match directory "misnamed"`,
		"unknowncap": `unknown capability "db.write"`,
		"lonely":     `missing dependency "absent"`,
		"trusting":   `dependency "corrupt" failed to load`,
	}
	var order []string
	for _, s := range h.Status() {
		order = append(order, s.Name)
		want, shouldFail := wantErr[s.Name]
		switch {
		case shouldFail && (s.State != StateFailed || !strings.Contains(s.Error, want)):
			t.Errorf("%s: state %s, error %q; want failed with %q", s.Name, s.State, s.Error, want)
		case !shouldFail && (s.State != StateLoaded || s.Error != "" || s.Instances != 1):
			t.Errorf("%s: status %+v, want loaded with one warm instance", s.Name, s)
		}
		if shouldFail {
			logs.requireLog(t, "plugin failed to load", "plugin="+s.Name)
		}
	}
	wantOrder := []string{"weighty", "abi2", "badjson", "corrupt", "lonely", "misnamed", "nowasm", "page", "trusting", "typo", "undeclared", "unknowncap"}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("Status order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"weighty", "page"}, h.Implements("item_view")); diff != "" {
		t.Errorf("Implements(item_view) (-want +got):\n%s", diff)
	}
	if got := rendered(h.ItemView(context.Background(), aboutUs(), "full")); got["page"] != aboutUsFull || got["weighty"] != aboutUsFull {
		t.Errorf("ItemView = %v, want page and weighty to render", got)
	}
}

func TestUnreadableDirMeansNoPlugins(t *testing.T) {
	h, logs := openHost(t, Config{Dir: "/nonexistent/trovato-plugins"})
	if s := h.Status(); len(s) != 0 {
		t.Errorf("Status = %+v, want none", s)
	}
	if got := h.ItemView(context.Background(), aboutUs(), "full"); got != nil {
		t.Errorf("ItemView = %+v, want nil", got)
	}
	logs.requireLog(t, "plugins directory unreadable", "/nonexistent/trovato-plugins")
}
