package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/trovato/trovato/app/errs"
)

// Lifecycle taps: dispatched with input {} when a plugin declares them. A
// failure (an error envelope or a trap) refuses the operation with the
// plugin's message.
const (
	TapInstall   = "install"   // the first enable ever, before tap_enable
	TapEnable    = "enable"    // every enable, including the first
	TapDisable   = "disable"   // before the plugin is switched off
	TapUninstall = "uninstall" // a disabled plugin is uninstalled
)

// Store persists which plugins are installed and enabled (the plugin_status
// table). A plugin without a row is new: the first start that sees it
// installs and enables it. An uninstalled plugin keeps its row, marked not
// installed and disabled, so it stays off across restarts until someone
// enables it (which installs it again).
type Store interface {
	// PluginStatus returns the stored state of every plugin with a row.
	PluginStatus(ctx context.Context) (map[string]StoredStatus, error)
	// SetPluginStatus records name as installed, enabled or not.
	SetPluginStatus(ctx context.Context, name string, enabled bool) error
	// SetPluginUninstalled records name as uninstalled (and disabled).
	SetPluginUninstalled(ctx context.Context, name string) error
}

// StoredStatus is a plugin's row in the Store.
type StoredStatus struct {
	Enabled, Installed bool
}

// UseStore applies the stored flags and makes later Enable, Disable and
// Uninstall persist through st. Plugins stored as disabled are switched off
// (their disable tap already ran when they were disabled); so is a plugin
// whose dependency ends up disabled. A loaded plugin the store does not know
// is new: it is installed and enabled (taps install and enable) and
// recorded; if one of those taps fails it is left disabled and recorded so.
// Only a store error is returned; plugin failures are logged.
func (h *Host) UseStore(ctx context.Context, st Store) error {
	h.life.Lock()
	defer h.life.Unlock()
	stored, err := st.PluginStatus(ctx)
	if err != nil {
		return fmt.Errorf("read plugin status: %w", err)
	}
	h.store = st
	for _, p := range h.ordered {
		if p.state != StateLoaded {
			continue
		}
		row, known := stored[p.manifest.Name]
		p.installed = known && row.Installed
		if known && !row.Enabled {
			h.switchOff(ctx, p)
			h.log.Info("plugin disabled by the site's settings", "plugin", p.manifest.Name)
		}
	}
	// Dependencies of enabled plugins must be enabled; repeat for cascades.
	for changed := true; changed; {
		changed = false
		for _, p := range h.ordered {
			if p.state != StateLoaded || p.disabled.Load() {
				continue
			}
			if off := h.disabledDeps(p); len(off) > 0 {
				h.switchOff(ctx, p)
				changed = true
				h.log.Warn("plugin disabled: its dependencies are disabled", "plugin", p.manifest.Name, "dependencies", off)
			}
		}
	}
	// New plugins: install and enable, in dependency-friendly weight order.
	for _, p := range h.ordered {
		if p.state != StateLoaded || p.installed || p.disabled.Load() {
			continue
		}
		enabled := true
		if err := h.runEnableTaps(ctx, p); err != nil {
			h.log.Error("new plugin could not be installed; it stays disabled", "plugin", p.manifest.Name, "error", err)
			h.switchOff(ctx, p)
			enabled = false
		} else {
			p.installed = true
		}
		if err := st.SetPluginStatus(ctx, p.manifest.Name, enabled); err != nil {
			return fmt.Errorf("record plugin %s: %w", p.manifest.Name, err)
		}
	}
	h.started(ctx)
	return nil
}

// Enable switches a disabled plugin on: it refuses while a dependency is
// disabled, runs tap_install on the first enable ever and tap_enable, warms
// an instance from the kept compiled module and records the flag. Enabling
// an enabled plugin does nothing.
func (h *Host) Enable(ctx context.Context, name string) error {
	h.life.Lock()
	defer h.life.Unlock()
	p, err := h.lifecyclePlugin(name)
	if err != nil {
		return err
	}
	if !p.disabled.Load() {
		return nil
	}
	if off := h.disabledDeps(p); len(off) > 0 {
		return errs.New(errs.Conflict, "%s cannot be enabled: it depends on %s, which %s disabled; enable %s first",
			name, strings.Join(off, ", "), isAre(len(off)), them(off))
	}
	if err := h.runEnableTaps(ctx, p); err != nil {
		h.drain(ctx, p) // the taps may have warmed instances
		return err
	}
	if h.store != nil {
		if err := h.store.SetPluginStatus(ctx, name, true); err != nil {
			h.drain(ctx, p)
			return errs.Wrap(errs.Internal, err, "record plugin status")
		}
	}
	p.installed = true
	h.warm(ctx, p)
	h.collectMenu(ctx, p)
	p.disabled.Store(false)
	h.log.Info("plugin enabled", "plugin", name)
	return nil
}

// Disable switches an enabled plugin off: it refuses while enabled plugins
// depend on it, runs tap_disable, records the flag, and releases the
// plugin's instances (the compiled module is kept for Enable). From then on
// Implements skips it, so none of its taps run. Disabling a disabled plugin
// does nothing.
func (h *Host) Disable(ctx context.Context, name string) error {
	h.life.Lock()
	defer h.life.Unlock()
	p, err := h.lifecyclePlugin(name)
	if err != nil {
		return err
	}
	if p.disabled.Load() {
		return nil
	}
	if deps := h.enabledDependents(name); len(deps) > 0 {
		return errs.New(errs.Conflict, "%s cannot be disabled: %s %s on it; disable %s first",
			name, strings.Join(deps, ", "), dependVerb(len(deps)), them(deps))
	}
	if err := h.runTap(ctx, p, TapDisable); err != nil {
		return err
	}
	if h.store != nil {
		if err := h.store.SetPluginStatus(ctx, name, false); err != nil {
			return errs.Wrap(errs.Internal, err, "record plugin status")
		}
	}
	h.switchOff(ctx, p)
	h.log.Info("plugin disabled", "plugin", name)
	return nil
}

// Uninstall runs tap_uninstall of a disabled plugin, drops the tables it
// declares (Tables) and records it as uninstalled: it stays disabled across
// restarts, and the next enable installs it afresh (tap_install, tables).
func (h *Host) Uninstall(ctx context.Context, name string) error {
	h.life.Lock()
	defer h.life.Unlock()
	p, err := h.lifecyclePlugin(name)
	if err != nil {
		return err
	}
	if !p.disabled.Load() {
		return errs.New(errs.Conflict, "%s is enabled: disable it before uninstalling it", name)
	}
	err = h.runTap(ctx, p, TapUninstall)
	h.drain(ctx, p)
	if err != nil {
		return err
	}
	if err := h.dropTables(ctx, p); err != nil {
		return err
	}
	if h.store != nil {
		if err := h.store.SetPluginUninstalled(ctx, name); err != nil {
			return errs.Wrap(errs.Internal, err, "record plugin status")
		}
	}
	p.installed = false
	h.log.Info("plugin uninstalled", "plugin", name)
	return nil
}

// Installed reports whether the store has a row for the plugin (always
// true without a store).
func (h *Host) Installed(name string) bool {
	h.life.Lock()
	defer h.life.Unlock()
	p := h.byName[name]
	return p != nil && p.installed
}

// lifecyclePlugin finds a loaded plugin by name.
func (h *Host) lifecyclePlugin(name string) (*plugin, error) {
	p := h.byName[name]
	switch {
	case p == nil:
		return nil, errs.New(errs.NotFound, "there is no plugin %q", name)
	case p.state != StateLoaded:
		return nil, errs.New(errs.Conflict, "%s failed to load (%s): fix it and restart the server", name, p.err)
	case h.closed.Load():
		return nil, errs.New(errs.Internal, "plugin host is closed")
	}
	return p, nil
}

// runEnableTaps creates the plugin's tables, then runs tap_install (first
// enable ever) and tap_enable.
func (h *Host) runEnableTaps(ctx context.Context, p *plugin) error {
	if err := h.ensureTables(ctx, p); err != nil {
		return err
	}
	if !p.installed {
		if err := h.runTap(ctx, p, TapInstall); err != nil {
			return err
		}
	}
	return h.runTap(ctx, p, TapEnable)
}

// runTap calls a lifecycle tap with input {} if p declares it, whether p is
// enabled or not; a failure carries the plugin's message.
func (h *Host) runTap(ctx context.Context, p *plugin, tap string) error {
	if !p.taps[tap] {
		return nil
	}
	name := p.manifest.Name
	if p.pool == nil {
		return errs.New(errs.Internal, "plugin %s has no instances", name)
	}
	start := time.Now()
	raw, err := h.call(ctx, p, tap, []byte("{}"), nil)
	if err == nil {
		_, err = decodeEnvelope(name, tap, raw)
	}
	if h.cfg.Observe != nil {
		h.cfg.Observe(name, tap, time.Since(start), err)
	}
	if err == nil {
		return nil
	}
	h.log.LogAttrs(ctx, slog.LevelWarn, "plugin refused a lifecycle operation",
		slog.String("plugin", name), slog.String("tap", tap), slog.Any("error", err))
	// The plugin's own message when it answered with an error envelope; the
	// host's (a trap, a timeout) otherwise.
	why := "it failed: " + err.Error()
	var pe *errs.Error
	if errors.As(err, &pe) {
		for e := pe; e != nil; {
			why = e.Message
			var inner *errs.Error
			if !errors.As(e.Err, &inner) {
				break
			}
			e = inner
		}
	}
	return &errs.Error{Class: errs.Conflict, Message: fmt.Sprintf("%s refused to %s: %s", name, tap, why), Err: err}
}

// switchOff marks p disabled and releases its idle instances.
func (h *Host) switchOff(ctx context.Context, p *plugin) {
	p.disabled.Store(true)
	h.drain(ctx, p)
}

// drain closes p's idle instances and frees their slots; the pool and the
// compiled module stay for a later enable. A call racing with Disable may
// return its instance afterwards; it is reused on enable.
func (h *Host) drain(ctx context.Context, p *plugin) {
	if p.pool == nil {
		return
	}
	for {
		select {
		case in := <-p.pool.idle:
			in.close(ctx)
			<-p.pool.slots
		default:
			return
		}
	}
}

// warm makes sure an enabled plugin has a warm instance; a failure is
// logged and left to the pool, which creates instances on demand.
func (h *Host) warm(ctx context.Context, p *plugin) {
	if p.pool == nil || p.pool.size() > 0 {
		return
	}
	in, err := p.pool.acquire(ctx)
	if err != nil {
		h.log.Warn("could not warm an instance of a re-enabled plugin", "plugin", p.manifest.Name, "error", err)
		return
	}
	p.pool.release(in)
}

// disabledDeps lists p's dependencies that are disabled.
func (h *Host) disabledDeps(p *plugin) []string {
	var out []string
	for _, d := range p.manifest.Dependencies {
		if dep := h.byName[d]; dep == nil || dep.state != StateLoaded || dep.disabled.Load() {
			out = append(out, d)
		}
	}
	return out
}

// enabledDependents lists the enabled plugins that depend on name.
func (h *Host) enabledDependents(name string) []string {
	var out []string
	for _, p := range h.ordered {
		if p.state != StateLoaded || p.disabled.Load() {
			continue
		}
		for _, d := range p.manifest.Dependencies {
			if d == name {
				out = append(out, p.manifest.Name)
				break
			}
		}
	}
	return out
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func dependVerb(n int) string {
	if n == 1 {
		return "depends"
	}
	return "depend"
}

func them(names []string) string {
	if len(names) == 1 {
		return "it"
	}
	return "them"
}
