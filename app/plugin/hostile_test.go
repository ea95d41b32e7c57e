package plugin

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/errs"
)

// TestHostilePluginsFailAlone runs each hostile plugin's bad call and checks
// that the call fails and is logged, that the host, the page plugin and the
// hostile plugin itself keep working, and that the pool keeps its size.
func TestHostilePluginsFailAlone(t *testing.T) {
	tests := []struct {
		plugin string
		cfg    Config
		want   error
		reason string
	}{
		{"panic", Config{}, ErrTrap, "boom from the panic plugin"},
		{"loop", Config{CallTimeout: 50 * time.Millisecond}, ErrDeadline, "deadline of 50ms exceeded"},
		{"oom", Config{CallTimeout: 5 * time.Second, MemoryLimitPages: 512}, ErrTrap, "memory limit exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.plugin, func(t *testing.T) {
			tt.cfg.PoolSize = 2
			h, logs := openHost(t, tt.cfg, fixture{name: "page"}, fixture{name: tt.plugin})
			ctx := context.Background()
			before := statusOf(t, h, tt.plugin).Instances
			var st CallState
			handle := st.AddItem(aboutUs())

			_, err := h.Call(ctx, tt.plugin, "item_view", viewInput(handle, "page", "hostile"), &st)
			if !errors.Is(err, tt.want) || !errs.Is(err, errs.Internal) {
				t.Fatalf("hostile call: err = %v, want internal error wrapping %v", err, tt.want)
			}
			logs.requireLog(t, "plugin call failed", "plugin="+tt.plugin, "tap=item_view", tt.reason)

			out, err := h.Call(ctx, tt.plugin, "item_view", viewInput(handle, "page", "full"), &st)
			if err != nil || string(out) != "null" {
				t.Errorf("next call to %s: %s, %v; want null, nil", tt.plugin, out, err)
			}
			if got := rendered(h.ItemView(ctx, aboutUs(), "full")); got["page"] != aboutUsFull {
				t.Errorf("page after the trap rendered %q", got["page"])
			}

			// Dispatch with the hostile mode: the page still renders, the
			// hostile plugin is skipped.
			got := rendered(h.ItemView(ctx, aboutUs(), "hostile"))
			if diff := cmp.Diff([]string{"page"}, keys(got)); diff != "" {
				t.Errorf("ItemView(hostile) plugins (-want +got):\n%s", diff)
			}

			s := statusOf(t, h, tt.plugin)
			if s.Instances != before || s.Faults != 2 || s.State != StateLoaded {
				t.Errorf("status after traps = %+v, want %d instances, 2 faults, loaded", s, before)
			}
		})
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
