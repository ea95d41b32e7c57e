package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// Plugin states reported by Status.
const (
	StateLoaded = "loaded"
	StateFailed = "failed"
)

// Host runs the plugins of one plugins directory. It is safe for concurrent
// use; the set of plugins is fixed by Open, and Enable, Disable and
// Uninstall switch loaded plugins on and off at runtime (lifecycle.go).
type Host struct {
	cfg     Config
	log     *slog.Logger
	rt      wazero.Runtime
	cache   wazero.CompilationCache
	byName  map[string]*plugin
	ordered []*plugin // all plugins, by weight then name
	closed  atomic.Bool
	life    sync.Mutex // serializes Enable, Disable, Uninstall and UseStore
	store   Store      // persists enabled flags; nil = in memory only
	// services are the kernel parts the host API reaches (services.go).
	services atomic.Pointer[Services]
	ext      hostExt // item query and DB API (host_query.go, host_db.go)
}

// plugin is one plugin directory, loaded or failed.
type plugin struct {
	manifest Manifest
	state    string
	err      string
	taps     map[string]bool
	canRead  bool // capability item.read
	canLog   bool // capability log
	compiled wazero.CompiledModule
	pool     *pool
	faults   atomic.Int64
	disabled atomic.Bool // switched off by Disable: Implements and Call skip it
	// installed is false for a plugin the store has no row for (set by
	// UseStore, guarded by Host.life): its first Enable runs tap_install.
	installed bool
	ext       pluginExt // menu (menu.go)
}

// Status describes one plugin for the admin UI and the status report.
type Status struct {
	Name, Version, Description string
	State                      string // StateLoaded or StateFailed
	Error                      string // why the plugin failed to load
	Enabled                    bool   // loaded and not disabled
	Taps                       []string
	Capabilities               []string
	Dependencies               []string
	Weight                     int
	Instances                  int   // live warm instances
	Faults                     int64 // calls that trapped since Open
}

// Open creates the wazero runtime and loads every plugin under cfg.Dir. It
// fails only when the host itself cannot start; an unreadable Dir is logged
// and yields a host without plugins, and a plugin that fails to load is
// reported by Status while the others load.
func Open(ctx context.Context, cfg Config) (*Host, error) {
	cfg = cfg.withDefaults()
	h := &Host{cfg: cfg, log: cfg.Logger, byName: map[string]*plugin{}}
	// Deadlines come from the instrumentation (interrupt.go), not from
	// wazero's context watching, which costs a goroutine per guest call.
	rc := wazero.NewRuntimeConfigCompiler().
		WithCloseOnContextDone(false).
		WithMemoryLimitPages(cfg.MemoryLimitPages)
	if cfg.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			h.log.Warn("plugin compilation cache unavailable; compiling without it", "dir", cfg.CacheDir, "error", err)
		} else {
			h.cache = cache
			rc = rc.WithCompilationCache(cache)
		}
	}
	h.rt = wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, h.rt); err != nil {
		h.Close(ctx)
		return nil, fmt.Errorf("plugin host: instantiate WASI: %w", err)
	}
	if err := h.instantiateHostModule(ctx); err != nil {
		h.Close(ctx)
		return nil, fmt.Errorf("plugin host: instantiate host module: %w", err)
	}
	h.loadAll(ctx)
	return h, nil
}

// loadAll loads every plugin directory, a few at a time, then fails the
// plugins whose dependencies did not load and orders the rest.
func (h *Host) loadAll(ctx context.Context) {
	entries, err := os.ReadDir(h.cfg.Dir)
	if err != nil {
		h.log.Warn("plugins directory unreadable; running without plugins", "dir", h.cfg.Dir, "error", err)
		return
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	loaded := make([]*plugin, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, name := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			loaded[i] = h.load(ctx, filepath.Join(h.cfg.Dir, name))
		})
	}
	wg.Wait()
	for _, p := range loaded {
		h.byName[p.manifest.Name] = p
		h.ordered = append(h.ordered, p)
	}
	h.checkDependencies(ctx)
	sort.SliceStable(h.ordered, func(i, j int) bool {
		a, b := h.ordered[i].manifest, h.ordered[j].manifest
		if a.Weight != b.Weight {
			return a.Weight < b.Weight
		}
		return a.Name < b.Name
	})
	for _, p := range h.ordered {
		if p.state == StateFailed {
			h.log.Error("plugin failed to load", "plugin", p.manifest.Name, "error", p.err)
		} else {
			h.log.Info("plugin loaded", "plugin", p.manifest.Name, "version", p.manifest.Version, "taps", p.manifest.Taps)
		}
	}
}

// load loads the plugin in dir. The result is always non-nil; a failure is
// recorded in its state.
func (h *Host) load(ctx context.Context, dir string) *plugin {
	p := &plugin{state: StateFailed, installed: true}
	m, err := readManifest(dir)
	p.manifest = m
	p.manifest.Name = filepath.Base(dir) // equal to m.Name once the manifest is valid
	if err != nil {
		p.err = err.Error()
		return p
	}
	p.taps = make(map[string]bool, len(m.Taps))
	for _, t := range m.Taps {
		p.taps[t] = true
	}
	p.canRead, p.canLog = m.has(CapItemRead), m.has(CapLog)
	if err := h.compile(ctx, p, dir); err != nil {
		p.err = err.Error()
		p.unload(ctx)
		return p
	}
	p.state = StateLoaded
	return p
}

// compile compiles the module, checks its exports and warms one instance,
// which also checks the ABI the module reports.
func (h *Host) compile(ctx context.Context, p *plugin, dir string) error {
	name := p.manifest.Name
	wasm, err := os.ReadFile(filepath.Join(dir, name+".wasm"))
	if err != nil {
		return fmt.Errorf("read module: %w", err)
	}
	wasm, err = instrument(wasm)
	if err != nil {
		return fmt.Errorf("invalid wasm module %s.wasm: %w", name, err)
	}
	compiled, err := h.rt.CompileModule(ctx, wasm)
	if err != nil {
		return fmt.Errorf("invalid wasm module %s.wasm: %w", name, err)
	}
	p.compiled = compiled
	if err := checkModule(compiled, p.manifest); err != nil {
		return err
	}
	p.pool = newPool(h.cfg.PoolSize, func(ctx context.Context) (*instance, error) { return h.newInstance(ctx, p) })
	in, err := p.pool.acquire(ctx)
	if err != nil {
		return err
	}
	in.stack[0] = 0
	fn := in.mod.ExportedFunction("trovato_abi")
	if err := fn.CallWithStack(ctx, in.stack); err != nil {
		in.close(ctx)
		<-p.pool.slots
		return fmt.Errorf("trovato_abi: %w", err)
	}
	got := uint32(in.stack[0])
	p.pool.release(in)
	if got != uint32(p.manifest.ABI) {
		return fmt.Errorf("ABI mismatch: module reports abi %d, manifest declares abi %d", got, p.manifest.ABI)
	}
	return nil
}

// i32 and i64 shorten export signatures.
var (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

// checkModule verifies the exports the ABI requires and the declared taps,
// and that the module imports nothing this host does not provide.
func checkModule(c wazero.CompiledModule, m Manifest) error {
	exports := c.ExportedFunctions()
	want := []struct {
		name            string
		params, results []api.ValueType
	}{
		{"trovato_alloc", []api.ValueType{i32}, []api.ValueType{i32}},
		{"trovato_free", []api.ValueType{i32}, nil},
		{"trovato_abi", nil, []api.ValueType{i32}},
	}
	for _, t := range m.Taps {
		want = append(want, struct {
			name            string
			params, results []api.ValueType
		}{"tap_" + t, []api.ValueType{i32, i32}, []api.ValueType{i64}})
	}
	for _, w := range want {
		def, ok := exports[w.name]
		if !ok {
			if tap, isTap := strings.CutPrefix(w.name, "tap_"); isTap {
				return fmt.Errorf("manifest declares tap %q but the module does not export %s", tap, w.name)
			}
			return fmt.Errorf("module does not export %s; was it built with the Trovato SDK?", w.name)
		}
		if !slices.Equal(def.ParamTypes(), w.params) || !slices.Equal(def.ResultTypes(), w.results) {
			return fmt.Errorf("export %s has signature %v -> %v, want %v -> %v",
				w.name, typeNames(def.ParamTypes()), typeNames(def.ResultTypes()), typeNames(w.params), typeNames(w.results))
		}
	}
	for _, imp := range c.ImportedFunctions() {
		mod, name, _ := imp.Import()
		switch {
		case mod == wasi_snapshot_preview1.ModuleName:
		case mod == hostModuleName && (hostFuncNames[name] || name == interruptFunc):
		default:
			return fmt.Errorf("module imports %s.%s, which this host does not provide", mod, name)
		}
	}
	return nil
}

func typeNames(ts []api.ValueType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = api.ValueTypeName(t)
	}
	return out
}

// checkDependencies fails loaded plugins whose dependencies are not loaded,
// repeating until no more fail (a failure can cascade).
func (h *Host) checkDependencies(ctx context.Context) {
	for changed := true; changed; {
		changed = false
		for _, p := range h.ordered {
			if p.state != StateLoaded {
				continue
			}
			for _, d := range p.manifest.Dependencies {
				dep, ok := h.byName[d]
				if ok && dep.state == StateLoaded {
					continue
				}
				p.state, changed = StateFailed, true
				if ok {
					p.err = fmt.Sprintf("dependency %q failed to load", d)
				} else {
					p.err = fmt.Sprintf("missing dependency %q", d)
				}
				p.unload(ctx)
				break
			}
		}
	}
}

// unload closes the instances and the compiled module of a failed plugin.
func (p *plugin) unload(ctx context.Context) {
	if p.pool != nil {
		for {
			select {
			case in := <-p.pool.idle:
				in.close(ctx)
				<-p.pool.slots
				continue
			default:
			}
			break
		}
		p.pool = nil
	}
	if p.compiled != nil {
		_ = p.compiled.Close(ctx)
		p.compiled = nil
	}
}

// Status lists every plugin, loaded or failed, by weight then name.
func (h *Host) Status() []Status {
	out := make([]Status, 0, len(h.ordered))
	for _, p := range h.ordered {
		s := Status{
			Name:         p.manifest.Name,
			Version:      p.manifest.Version,
			Description:  p.manifest.Description,
			State:        p.state,
			Error:        p.err,
			Enabled:      p.state == StateLoaded && !p.disabled.Load(),
			Taps:         slices.Clone(p.manifest.Taps),
			Capabilities: slices.Clone(p.manifest.Capabilities),
			Dependencies: slices.Clone(p.manifest.Dependencies),
			Weight:       p.manifest.Weight,
			Faults:       p.faults.Load(),
		}
		if p.pool != nil {
			s.Instances = p.pool.size()
		}
		out = append(out, s)
	}
	return out
}

// Implements lists the enabled plugins that declare tap, by weight then
// name; a disabled plugin implements nothing.
func (h *Host) Implements(tap string) []string {
	var out []string
	for _, p := range h.ordered {
		if p.state == StateLoaded && !p.disabled.Load() && p.taps[tap] {
			out = append(out, p.manifest.Name)
		}
	}
	return out
}

// Close closes every instance, the runtime and the compilation cache. Calls
// after Close fail.
func (h *Host) Close(ctx context.Context) error {
	h.closed.Store(true)
	var err error
	if h.rt != nil {
		err = h.rt.Close(ctx)
	}
	if h.cache != nil {
		err = errors.Join(err, h.cache.Close(ctx))
	}
	return err
}
