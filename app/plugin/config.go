package plugin

import (
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"
)

// Config configures a Host. The zero value of each field picks its default.
type Config struct {
	Dir         string        // plugins directory: <Dir>/<name>/plugin.json + <Dir>/<name>/<name>.wasm
	CacheDir    string        // wazero on-disk compilation cache ("" = no disk cache)
	PoolSize    int           // warm instances per plugin; 0 = runtime.GOMAXPROCS(0)
	CallTimeout time.Duration // per tap call deadline; 0 = 250ms
	// TapTimeouts overrides CallTimeout per tap kind: a tap name without the
	// tap_ prefix ("cron", "item_view"), or TapKindPage for every page
	// callback (the page_<name> taps of plugin routes). An exact tap name
	// wins over TapKindPage. DefaultTapTimeouts fills in the kinds it lacks;
	// a zero or negative value means CallTimeout. ParseTapTimeouts reads
	// them from TROVATO_TAP_TIMEOUTS.
	TapTimeouts      map[string]time.Duration
	MaxOutputBytes   int    // largest tap answer accepted; 0 = 1 MiB
	MemoryLimitPages uint32 // per instance cap in 64 KiB pages; 0 = 1024 (64 MiB)
	Logger           *slog.Logger
	Observe          func(plugin, tap string, d time.Duration, err error) // metrics hook, may be nil
}

// Defaults applied by Open.
const (
	DefaultCallTimeout      = 250 * time.Millisecond
	DefaultMemoryLimitPages = 1024
	DefaultMaxOutputBytes   = 1 << 20
)

// Tap kinds of Config.TapTimeouts besides tap names.
const (
	// TapKindPage is the kind of every page callback (page_<name> taps):
	// a callback builds a whole page, often with item queries, so it gets
	// more time than a tap that alters one element.
	TapKindPage = "page"
	// TapKindDefault, in ParseTapTimeouts, sets Config.CallTimeout.
	TapKindDefault = "default"
)

// DefaultTapTimeouts are the deadlines of the taps that legitimately run
// longer than a render tap: the background taps, which run outside a page
// request, and page callbacks.
var DefaultTapTimeouts = map[string]time.Duration{
	"cron":         30 * time.Second,
	"queue_worker": 30 * time.Second,
	TapKindPage:    2 * time.Second,
}

// withDefaults fills in zero fields.
func (c Config) withDefaults() Config {
	if c.PoolSize <= 0 {
		c.PoolSize = runtime.GOMAXPROCS(0)
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.MaxOutputBytes <= 0 {
		c.MaxOutputBytes = DefaultMaxOutputBytes
	}
	timeouts := make(map[string]time.Duration, len(DefaultTapTimeouts)+len(c.TapTimeouts))
	for tap, d := range DefaultTapTimeouts {
		timeouts[tap] = d
	}
	for tap, d := range c.TapTimeouts {
		if d > 0 {
			timeouts[tap] = d
		} else {
			delete(timeouts, tap)
		}
	}
	c.TapTimeouts = timeouts // a copy: the caller's map may change after Open
	if c.MemoryLimitPages == 0 {
		c.MemoryLimitPages = DefaultMemoryLimitPages
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// timeout is the deadline of one call of tap: its own entry, else its
// kind's (page callbacks), else CallTimeout.
func (c Config) timeout(tap string) time.Duration {
	if d, ok := c.TapTimeouts[tap]; ok {
		return d
	}
	if strings.HasPrefix(tap, "page_") {
		if d, ok := c.TapTimeouts[TapKindPage]; ok {
			return d
		}
	}
	return c.CallTimeout
}

// ParseTapTimeouts parses a deadline list such as
// "default=250ms,page=2s,cron=1m,item_view=100ms" (TROVATO_TAP_TIMEOUTS):
// comma-separated kind=duration pairs, kinds as in Config.TapTimeouts plus
// TapKindDefault for Config.CallTimeout. It returns the TapTimeouts map
// and the CallTimeout (0 when the list does not set it). Empty is no
// override; a malformed pair or a duration that is not positive is an error,
// so a typo fails start-up instead of silently keeping a default.
func ParseTapTimeouts(spec string) (map[string]time.Duration, time.Duration, error) {
	out := map[string]time.Duration{}
	var call time.Duration
	for _, pair := range strings.Split(spec, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		kind, v, ok := strings.Cut(pair, "=")
		kind = strings.TrimSpace(kind)
		if !ok || kind == "" || strings.HasPrefix(kind, "tap_") {
			return nil, 0, fmt.Errorf("tap deadline %q: want kind=duration, e.g. page=2s (tap names without tap_)", pair)
		}
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			return nil, 0, fmt.Errorf("tap deadline %q: want a positive Go duration such as 250ms or 2s", pair)
		}
		if kind == TapKindDefault {
			call = d
		} else {
			out[kind] = d
		}
	}
	return out, call, nil
}
