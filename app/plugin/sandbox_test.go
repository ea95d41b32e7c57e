package plugin

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/errs"
)

// blockingHandler blocks Handle for records whose message contains block
// until release is closed, like a log sink stuck on a full pipe; other
// records go straight to next.
type blockingHandler struct {
	next    slog.Handler
	block   string
	release <-chan struct{}
	entered chan<- struct{}
}

func (b blockingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return b.next.Enabled(ctx, l)
}

func (b blockingHandler) Handle(ctx context.Context, r slog.Record) error {
	if strings.Contains(r.Message, b.block) {
		select {
		case b.entered <- struct{}{}:
		default:
		}
		<-b.release
	}
	return b.next.Handle(ctx, r)
}

func (b blockingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	b.next = b.next.WithAttrs(as)
	return b
}

func (b blockingHandler) WithGroup(g string) slog.Handler {
	b.next = b.next.WithGroup(g)
	return b
}

// openBlockingHost is openHost with a logger that blocks on messages
// containing block until the test ends. entered receives once a record
// blocks.
func openBlockingHost(t *testing.T, cfg Config, block string, fixtures ...fixture) (*Host, *logSink, <-chan struct{}) {
	t.Helper()
	logs := &logSink{}
	release, entered := make(chan struct{}), make(chan struct{}, 1)
	cfg.Dir, cfg.CacheDir = pluginsDir(t, fixtures...), cacheDir
	cfg.Logger = slog.New(blockingHandler{
		next:  slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}),
		block: block, release: release, entered: entered,
	})
	h, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		close(release)
		if err := h.Close(context.Background()); err != nil {
			t.Error(err)
		}
	})
	return h, logs, entered
}

// idleInstance peeks at the idle instance of a plugin with a pool of one.
func idleInstance(t *testing.T, h *Host, plugin string) *instance {
	t.Helper()
	p := h.byName[plugin].pool
	select {
	case in := <-p.idle:
		p.idle <- in
		return in
	case <-time.After(5 * time.Second):
		t.Fatalf("plugin %s has no idle instance", plugin)
		return nil
	}
}

// requireRecovered checks the aftermath of a hostile call: the same plugin
// and the page plugin answer, the instance was replaced, the pool kept its
// size and faults were counted.
func requireRecovered(t *testing.T, h *Host, plugin string, old *instance, faults int64) {
	t.Helper()
	ctx := context.Background()
	var st CallState
	handle := st.AddItem(aboutUs())
	if in := idleInstance(t, h, plugin); in == old {
		t.Errorf("%s: the instance of the failed call was not replaced", plugin)
	}
	out, err := h.Call(ctx, plugin, "item_view", viewInput(handle, "page", "full"), &st)
	if err != nil || string(out) != "null" {
		t.Errorf("next call to %s: %s, %v; want null, nil", plugin, out, err)
	}
	if got := rendered(h.ItemView(ctx, aboutUs(), "full")); got["page"] != aboutUsFull {
		t.Errorf("page after the failure rendered %q", got["page"])
	}
	s := statusOf(t, h, plugin)
	if s.Instances != 1 || s.Faults != faults || s.State != StateLoaded {
		t.Errorf("status = %+v, want 1 instance, %d faults, loaded", s, faults)
	}
	if s := statusOf(t, h, "page"); s.Faults != 0 {
		t.Errorf("page faults = %d, want 0", s.Faults)
	}
}

func TestOutputSizeCap(t *testing.T) {
	// Building 4 MiB in the guest takes ~100 ms on a quiet machine; a long
	// deadline keeps the cap, not the deadline, the reason it fails when the
	// machine is busy (make test runs packages in parallel).
	h, logs := openHost(t, Config{PoolSize: 1, CallTimeout: 5 * time.Second}, fixture{name: "page"}, fixture{name: "sandbox"})
	ctx := context.Background()
	var st CallState
	handle := st.AddItem(aboutUs())
	old := idleInstance(t, h, "sandbox")

	out, err := h.Call(ctx, "sandbox", "item_view", viewInput(handle, "page", "bigout"), &st)
	if !errors.Is(err, ErrOutputTooLarge) || !errs.Is(err, errs.Internal) || out != nil {
		t.Fatalf("oversized answer: %d bytes, err = %v; want internal error wrapping ErrOutputTooLarge", len(out), err)
	}
	logs.requireLog(t, "plugin call failed", "plugin=sandbox", "tap=item_view", "the cap is 1048576")
	requireRecovered(t, h, "sandbox", old, 1)

	// ItemView skips the plugin and still renders the page.
	if got := rendered(h.ItemView(ctx, aboutUs(), "bigout")); len(got) != 1 || got["page"] == "" {
		t.Errorf("ItemView(bigout) = %v, want the page alone", got)
	}
	if s := statusOf(t, h, "sandbox"); s.Faults != 2 {
		t.Errorf("faults = %d, want 2", s.Faults)
	}
}

func TestOutputSizeCapIsConfigurable(t *testing.T) {
	h, _ := openHost(t, Config{PoolSize: 1, MaxOutputBytes: 8 << 20, CallTimeout: 10 * time.Second}, fixture{name: "sandbox"})
	var st CallState
	handle := st.AddItem(aboutUs())
	out, err := h.Call(context.Background(), "sandbox", "item_view", viewInput(handle, "page", "bigout"), &st)
	if err != nil || len(out) < 4<<20 {
		t.Errorf("with an 8 MiB cap: %d bytes, %v; want the 4 MiB answer", len(out), err)
	}
}

func TestTapTimeouts(t *testing.T) {
	cfg := Config{CallTimeout: 50 * time.Millisecond, TapTimeouts: map[string]time.Duration{
		"cron": 5 * time.Second, "item_view": 20 * time.Millisecond, "queue_worker": 0,
	}}.withDefaults()
	for tap, want := range map[string]time.Duration{
		"cron": 5 * time.Second, "item_view": 20 * time.Millisecond, "queue_worker": 50 * time.Millisecond,
		"form_alter": 50 * time.Millisecond,
	} {
		if got := cfg.timeout(tap); got != want {
			t.Errorf("timeout(%s) = %s, want %s", tap, got, want)
		}
	}
	if got := (Config{}).withDefaults().timeout("queue_worker"); got != DefaultTapTimeouts["queue_worker"] {
		t.Errorf("default queue_worker timeout = %s", got)
	}
	// Page callbacks share the page kind's deadline; a tap's own entry wins.
	pages := Config{CallTimeout: 50 * time.Millisecond, TapTimeouts: map[string]time.Duration{
		"page_slow": 5 * time.Second,
	}}.withDefaults()
	for tap, want := range map[string]time.Duration{
		"page_blog": 2 * time.Second, "page_slow": 5 * time.Second, "item_view": 50 * time.Millisecond,
	} {
		if got := pages.timeout(tap); got != want {
			t.Errorf("timeout(%s) = %s, want %s", tap, got, want)
		}
	}

	t.Run("page callback", func(t *testing.T) {
		// page_spin spins 200ms: past CallTimeout, within the page kind's
		// default 2s; with the page kind set to 30ms it is stopped.
		h, _ := openHost(t, Config{PoolSize: 1, CallTimeout: 50 * time.Millisecond}, fixture{name: "sandbox"})
		if out, err := h.Call(context.Background(), "sandbox", "page_spin", []byte("200"), nil); err != nil || string(out) != "true" {
			t.Errorf("slow page callback: %s, %v; want true, nil", out, err)
		}
		h, logs := openHost(t, Config{PoolSize: 1, CallTimeout: 5 * time.Second,
			TapTimeouts: map[string]time.Duration{TapKindPage: 30 * time.Millisecond}}, fixture{name: "sandbox"})
		_, err := h.Call(context.Background(), "sandbox", "page_spin", []byte("10000"), nil)
		if !errors.Is(err, ErrDeadline) {
			t.Fatalf("page callback past its deadline: err = %v, want ErrDeadline", err)
		}
		logs.requireLog(t, "plugin call failed", "plugin=sandbox", "tap=page_spin", "deadline of 30ms exceeded")
	})

	t.Run("longer", func(t *testing.T) {
		// cron spins 200ms: past CallTimeout, within its own deadline.
		h, _ := openHost(t, Config{PoolSize: 1, CallTimeout: 50 * time.Millisecond,
			TapTimeouts: map[string]time.Duration{"cron": 5 * time.Second}}, fixture{name: "sandbox"})
		out, err := h.Call(context.Background(), "sandbox", "cron", []byte("200"), nil)
		if err != nil || string(out) != "true" {
			t.Errorf("slow cron: %s, %v; want true, nil", out, err)
		}
	})
	t.Run("shorter", func(t *testing.T) {
		h, logs := openHost(t, Config{PoolSize: 1, CallTimeout: 5 * time.Second,
			TapTimeouts: map[string]time.Duration{"cron": 30 * time.Millisecond}},
			fixture{name: "page"}, fixture{name: "sandbox"})
		old := idleInstance(t, h, "sandbox")
		_, err := h.Call(context.Background(), "sandbox", "cron", []byte("10000"), nil)
		if !errors.Is(err, ErrDeadline) {
			t.Fatalf("cron past its deadline: err = %v, want ErrDeadline", err)
		}
		logs.requireLog(t, "plugin call failed", "plugin=sandbox", "tap=cron", "deadline of 30ms exceeded")
		requireRecovered(t, h, "sandbox", old, 1)
		if out, err := h.Call(context.Background(), "sandbox", "cron", []byte("0"), nil); err != nil || string(out) != "true" {
			t.Errorf("next cron: %s, %v; want true, nil", out, err)
		}
	})
}

func TestParseTapTimeouts(t *testing.T) {
	tests := []struct {
		spec    string
		want    map[string]time.Duration
		call    time.Duration
		wantErr string
	}{
		{spec: "", want: map[string]time.Duration{}},
		{spec: " default=300ms, page=2s ,cron=1m,item_view=100ms,", call: 300 * time.Millisecond,
			want: map[string]time.Duration{"page": 2 * time.Second, "cron": time.Minute, "item_view": 100 * time.Millisecond}},
		{spec: "page=2", wantErr: `"page=2": want a positive Go duration`},
		{spec: "page=-1s", wantErr: `"page=-1s": want a positive Go duration`},
		{spec: "page", wantErr: `"page": want kind=duration`},
		{spec: "tap_cron=1m", wantErr: `"tap_cron=1m": want kind=duration`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, call, err := ParseTapTimeouts(tt.spec)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want one containing %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" || call != tt.call {
				t.Errorf("timeouts (-want +got):\n%s\ncall timeout %s, want %s", diff, call, tt.call)
			}
		})
	}
}

// TestBlockedHostCallHonoursDeadline: a guest waiting inside a host
// function (log, on a stuck log sink) is not stopped by wazero; the host
// function gives up at the deadline and the call reports ErrDeadline.
func TestBlockedHostCallHonoursDeadline(t *testing.T) {
	h, logs, entered := openBlockingHost(t, Config{PoolSize: 1, CallTimeout: 100 * time.Millisecond},
		"sandbox waits", fixture{name: "page"}, fixture{name: "sandbox"})
	var st CallState
	handle := st.AddItem(aboutUs())
	old := idleInstance(t, h, "sandbox")

	done := make(chan error, 1)
	go func() {
		_, err := h.Call(context.Background(), "sandbox", "item_view", viewInput(handle, "page", "block"), &st)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrDeadline) || !errs.Is(err, errs.Internal) {
			t.Fatalf("blocked call: err = %v, want internal error wrapping ErrDeadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a call blocked in a host function did not return")
	}
	select {
	case <-entered:
	default:
		t.Error("the log handler was never reached: the test did not block")
	}
	logs.requireLog(t, "plugin call failed", "plugin=sandbox", "tap=item_view", "deadline of 100ms exceeded")
	requireRecovered(t, h, "sandbox", old, 1)
}

// TestUndeclaredCapabilityIsRefused: log without the log capability is
// refused before it can wait; the call completes and is not a fault (the
// item.read case is TestHostFunctionsRefuseBadCalls).
func TestUndeclaredCapabilityIsRefused(t *testing.T) {
	manifest := strings.Replace(manifestOf(t, "sandbox"), `"capabilities": ["log"]`, `"capabilities": []`, 1)
	h, logs, entered := openBlockingHost(t, Config{PoolSize: 1, CallTimeout: 5 * time.Second},
		"sandbox waits", fixture{name: "sandbox", manifest: manifest})
	var st CallState
	handle := st.AddItem(aboutUs())
	out, err := h.Call(context.Background(), "sandbox", "item_view", viewInput(handle, "page", "block"), &st)
	if err != nil || string(out) != "null" {
		t.Errorf("log without the capability: %s, %v; want null, nil", out, err)
	}
	select {
	case <-entered:
		t.Error("the refused log reached the handler")
	default:
	}
	logs.requireLog(t, "without declaring its capability", "plugin=sandbox", "func=log", "capability=log")
	if s := statusOf(t, h, "sandbox"); s.Faults != 0 || s.Instances != 1 {
		t.Errorf("status = %+v, want no faults and the warm instance", s)
	}
}
