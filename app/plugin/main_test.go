package plugin

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// modules maps each plugin the tests build to its package, relative to the
// repository root. TestMain builds them with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o <tmp>/<name>.wasm <package>.
var modules = map[string]string{
	"page":      "./plugins/page",
	"panic":     "./app/plugin/testdata/panic",
	"loop":      "./app/plugin/testdata/loop",
	"oom":       "./app/plugin/testdata/oom",
	"bench":     "./app/plugin/testdata/bench",
	"probe":     "./app/plugin/testdata/probe",
	"inspect":   "./app/plugin/testdata/inspect",
	"blog":      "./plugins/blog",
	"formtap":   "./app/plugin/testdata/formtap",
	"formbench": "./app/plugin/testdata/formbench",
	"events":    "./app/plugin/testdata/events",
	"sandbox":   "./app/plugin/testdata/sandbox",
	"hostapi":   "./app/plugin/testdata/hostapi",
}

var (
	repoRoot string // the module root
	wasmDir  string // built modules, <wasmDir>/<name>.wasm
	cacheDir string // compilation cache shared by every host in the tests
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	tmp, err := os.MkdirTemp("", "trovato-plugin-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	repoRoot, _ = filepath.Abs(filepath.Join("..", ".."))
	wasmDir, cacheDir = filepath.Join(tmp, "wasm"), filepath.Join(tmp, "cache")
	if err := buildModules(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// buildModules builds every test module in parallel.
func buildModules() error {
	var wg sync.WaitGroup
	errc := make(chan error, len(modules))
	for name, pkg := range modules {
		wg.Go(func() {
			cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", filepath.Join(wasmDir, name+".wasm"), pkg)
			cmd.Dir = repoRoot
			cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
			if out, err := cmd.CombinedOutput(); err != nil {
				errc <- fmt.Errorf("build %s: %v\n%s", pkg, err, out)
			}
		})
	}
	wg.Wait()
	close(errc)
	return <-errc
}

// fixture is one plugin directory of a test's plugins dir.
type fixture struct {
	name     string // directory name
	module   string // built module to install as <name>.wasm; "" = name, "-" = none
	wasm     []byte // raw module contents instead of a built one
	manifest string // plugin.json contents; "" = the module's own manifest
}

// manifestOf reads the checked-in manifest of a built module.
func manifestOf(t testing.TB, module string) string {
	t.Helper()
	pkg := modules[module]
	b, err := os.ReadFile(filepath.Join(repoRoot, pkg, "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pluginsDir lays out a plugins directory holding fixtures.
func pluginsDir(t testing.TB, fixtures ...fixture) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range fixtures {
		pdir := filepath.Join(dir, f.name)
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			t.Fatal(err)
		}
		module := f.module
		if module == "" {
			module = f.name
		}
		manifest := f.manifest
		if manifest == "" {
			manifest = manifestOf(t, module)
		}
		if err := os.WriteFile(filepath.Join(pdir, "plugin.json"), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
		wasm := f.wasm
		if wasm == nil && module != "-" {
			var err error
			if wasm, err = os.ReadFile(filepath.Join(wasmDir, module+".wasm")); err != nil {
				t.Fatal(err)
			}
		}
		if wasm != nil {
			if err := os.WriteFile(filepath.Join(pdir, f.name+".wasm"), wasm, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

// logSink collects a host's log output for assertions.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// requireLog fails unless some log line contains every part.
func (l *logSink) requireLog(t testing.TB, parts ...string) {
	t.Helper()
	for _, line := range strings.Split(l.String(), "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			return
		}
	}
	t.Errorf("no log line contains all of %q; log:\n%s", parts, l.String())
}

// openHost opens a host on a fresh plugins dir of fixtures. cfg.Dir,
// CacheDir and Logger are filled in; the host is closed at cleanup.
func openHost(t testing.TB, cfg Config, fixtures ...fixture) (*Host, *logSink) {
	t.Helper()
	logs := &logSink{}
	if cfg.Dir == "" {
		cfg.Dir = pluginsDir(t, fixtures...)
	}
	cfg.CacheDir = cacheDir
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return h, logs
}

// statusOf finds a plugin's status.
func statusOf(t testing.TB, h *Host, name string) Status {
	t.Helper()
	for _, s := range h.Status() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no status for plugin %s", name)
	return Status{}
}
