package plugin

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trovato/trovato/app/errs"
)

func init() {
	modules["lifecycle"] = "./app/plugin/testdata/lifecycle"
	modules["hello"] = "./plugins/hello"
}

// memStore is an in-memory Store: rows holds the enabled flag of every
// plugin with a row, uninstalled the rows marked uninstalled.
type memStore struct {
	mu          sync.Mutex
	rows        map[string]bool
	uninstalled map[string]bool
}

func (m *memStore) PluginStatus(context.Context) (map[string]StoredStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]StoredStatus, len(m.rows))
	for name, enabled := range m.rows {
		out[name] = StoredStatus{Enabled: enabled, Installed: !m.uninstalled[name]}
	}
	return out, nil
}

func (m *memStore) SetPluginStatus(_ context.Context, name string, enabled bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows[name] = enabled
	delete(m.uninstalled, name)
	return nil
}

func (m *memStore) SetPluginUninstalled(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.rows[name] = false
	if m.uninstalled == nil {
		m.uninstalled = map[string]bool{}
	}
	m.uninstalled[name] = true
	return nil
}

// get reports the enabled flag of an installed plugin; ok is false for a
// plugin without a row or uninstalled.
func (m *memStore) get(name string) (enabled, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	enabled, ok = m.rows[name]
	return enabled, ok && !m.uninstalled[name]
}

// viewers lists the plugins that rendered something for aboutUs.
func viewers(h *Host) []string {
	var out []string
	for _, r := range h.ItemView(context.Background(), aboutUs(), "full") {
		out = append(out, r.Plugin)
	}
	return out
}

// childOf is a manifest for the lifecycle module named name that depends on dep.
func childOf(t *testing.T, name, dep string) string {
	m := strings.Replace(manifestOf(t, "lifecycle"), `"name": "lifecycle"`, `"name": "`+name+`"`, 1)
	return strings.Replace(m, `"dependencies": []`, `"dependencies": ["`+dep+`"]`, 1)
}

func TestLifecycleDisableStopsTapsAndEnableBringsThemBack(t *testing.T) {
	h, logs := openHost(t, Config{PoolSize: 2}, fixture{name: "page"}, fixture{name: "lifecycle"})
	ctx := context.Background()
	if got := viewers(h); !slices.Equal(got, []string{"page", "lifecycle"}) {
		t.Fatalf("viewers before = %v", got)
	}
	if err := h.Disable(ctx, "lifecycle"); err != nil {
		t.Fatal(err)
	}
	logs.requireLog(t, "lifecycle tap disable", "plugin=lifecycle")
	if got := viewers(h); !slices.Equal(got, []string{"page"}) {
		t.Errorf("viewers after Disable = %v, want [page]", got)
	}
	if got := h.Implements("item_view"); !slices.Equal(got, []string{"page"}) {
		t.Errorf("Implements(item_view) = %v", got)
	}
	if s := statusOf(t, h, "lifecycle"); s.Enabled || s.Instances != 0 || s.State != StateLoaded {
		t.Errorf("status after Disable = %+v, want loaded, disabled, no instances", s)
	}
	if err := h.Disable(ctx, "lifecycle"); err != nil {
		t.Errorf("disabling twice: %v", err)
	}
	if err := h.Enable(ctx, "lifecycle"); err != nil {
		t.Fatal(err)
	}
	logs.requireLog(t, "lifecycle tap enable", "plugin=lifecycle")
	if strings.Contains(logs.String(), "lifecycle tap install") {
		t.Error("install ran for a plugin installed at Open")
	}
	if got := viewers(h); !slices.Equal(got, []string{"page", "lifecycle"}) {
		t.Errorf("viewers after Enable = %v", got)
	}
	if s := statusOf(t, h, "lifecycle"); !s.Enabled || s.Instances < 1 {
		t.Errorf("status after Enable = %+v, want enabled with a warm instance", s)
	}
}

func TestLifecycleDependencies(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "page"},
		fixture{name: "child", module: "lifecycle", manifest: childOf(t, "child", "page")})
	ctx := context.Background()
	err := h.Disable(ctx, "page")
	if !errs.Is(err, errs.Conflict) || !strings.Contains(errs.Public(err), "child depends on it") {
		t.Fatalf("Disable(page) = %v, want a conflict naming child", err)
	}
	if !statusOf(t, h, "page").Enabled {
		t.Fatal("page was disabled despite the refusal")
	}
	if err := h.Disable(ctx, "child"); err != nil {
		t.Fatal(err)
	}
	if err := h.Disable(ctx, "page"); err != nil {
		t.Fatalf("Disable(page) without enabled dependents: %v", err)
	}
	err = h.Enable(ctx, "child")
	if !errs.Is(err, errs.Conflict) || !strings.Contains(errs.Public(err), "depends on page") {
		t.Fatalf("Enable(child) = %v, want a conflict naming page", err)
	}
	if err := h.Enable(ctx, "page"); err != nil {
		t.Fatal(err)
	}
	if err := h.Enable(ctx, "child"); err != nil {
		t.Fatal(err)
	}
	if err := h.Enable(ctx, "nosuch"); !errs.Is(err, errs.NotFound) {
		t.Errorf("Enable(nosuch) = %v, want not found", err)
	}
}

func TestLifecycleUninstall(t *testing.T) {
	st := &memStore{rows: map[string]bool{}}
	h, _ := openHost(t, Config{}, fixture{name: "lifecycle"}, fixture{name: "page"})
	ctx := context.Background()
	if err := h.UseStore(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := h.Uninstall(ctx, "lifecycle"); !errs.Is(err, errs.Conflict) || !strings.Contains(errs.Public(err), "disable it") {
		t.Errorf("Uninstall of an enabled plugin = %v", err)
	}
	if err := h.Disable(ctx, "lifecycle"); err != nil {
		t.Fatal(err)
	}
	err := h.Uninstall(ctx, "lifecycle")
	if got := errs.Public(err); got != "lifecycle refused to uninstall: export your data first" {
		t.Errorf("Uninstall = %q (%v), want the plugin's refusal", got, err)
	}
	if _, ok := st.get("lifecycle"); !ok {
		t.Error("a refused uninstall forgot the plugin")
	}
	// page declares no uninstall tap: it is marked uninstalled, and its
	// next enable installs it afresh.
	if err := h.Disable(ctx, "page"); err != nil {
		t.Fatal(err)
	}
	if err := h.Uninstall(ctx, "page"); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.get("page"); ok || h.Installed("page") {
		t.Error("page is still installed after Uninstall")
	}
	// It stays uninstalled and disabled across a restart.
	h2, _ := openHost(t, Config{Dir: h.cfg.Dir})
	if err := h2.UseStore(ctx, st); err != nil {
		t.Fatal(err)
	}
	if statusOf(t, h2, "page").Enabled || h2.Installed("page") {
		t.Error("an uninstalled plugin came back at the next start")
	}
	if err := h.Enable(ctx, "page"); err != nil {
		t.Fatal(err)
	}
	if enabled, ok := st.get("page"); !ok || !enabled {
		t.Error("page not recorded as enabled")
	}
}

func TestLifecycleStoredFlagsAppliedAtStartup(t *testing.T) {
	dir := pluginsDir(t, fixture{name: "page"}, fixture{name: "lifecycle"},
		fixture{name: "child", module: "lifecycle", manifest: childOf(t, "child", "page")})
	ctx := context.Background()
	st := &memStore{rows: map[string]bool{"page": false, "child": true}}
	h, logs := openHost(t, Config{Dir: dir})
	if err := h.UseStore(ctx, st); err != nil {
		t.Fatal(err)
	}
	// page is stored disabled, child is switched off with it, lifecycle is
	// new: installed, enabled and recorded.
	want := map[string]bool{"page": false, "child": false, "lifecycle": true}
	for name, enabled := range want {
		if s := statusOf(t, h, name); s.Enabled != enabled {
			t.Errorf("%s enabled = %v, want %v", name, s.Enabled, enabled)
		}
	}
	if got := viewers(h); !slices.Equal(got, []string{"lifecycle"}) {
		t.Errorf("viewers = %v, want [lifecycle]", got)
	}
	logs.requireLog(t, "lifecycle tap install", "plugin=lifecycle")
	logs.requireLog(t, "lifecycle tap enable", "plugin=lifecycle")
	if enabled, ok := st.get("lifecycle"); !ok || !enabled {
		t.Error("the new plugin was not recorded as enabled")
	}
	if enabled, _ := st.get("child"); !enabled {
		t.Error("the cascade was stored: child should come back with page")
	}
	if err := h.Enable(ctx, "page"); err != nil {
		t.Fatal(err)
	}
	if enabled, _ := st.get("page"); !enabled {
		t.Error("Enable(page) was not recorded")
	}

	// A second start with the same store: nothing is installed again.
	h2, logs2 := openHost(t, Config{Dir: dir})
	if err := h2.UseStore(ctx, st); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs2.String(), "lifecycle tap install") {
		t.Error("install ran again on the second start")
	}
	if !statusOf(t, h2, "page").Enabled || !statusOf(t, h2, "child").Enabled {
		t.Error("page and child should be enabled on the second start")
	}
}
