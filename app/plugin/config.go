package plugin

import (
	"log/slog"
	"runtime"
	"time"
)

// Config configures a Host. The zero value of each field picks its default.
type Config struct {
	Dir         string        // plugins directory: <Dir>/<name>/plugin.json + <Dir>/<name>/<name>.wasm
	CacheDir    string        // wazero on-disk compilation cache ("" = no disk cache)
	PoolSize    int           // warm instances per plugin; 0 = runtime.GOMAXPROCS(0)
	CallTimeout time.Duration // per tap call deadline; 0 = 250ms
	// TapTimeouts overrides CallTimeout for the taps it names (by tap name,
	// without the tap_ prefix), for taps that legitimately run longer than a
	// page request. DefaultTapTimeouts fills in the taps it lacks; a zero or
	// negative value means CallTimeout.
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

// DefaultTapTimeouts are the deadlines of the background taps, which run
// outside a page request and may do more work than a render tap.
var DefaultTapTimeouts = map[string]time.Duration{
	"cron":         30 * time.Second,
	"queue_worker": 30 * time.Second,
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

// timeout is the deadline of one call of tap.
func (c Config) timeout(tap string) time.Duration {
	if d, ok := c.TapTimeouts[tap]; ok {
		return d
	}
	return c.CallTimeout
}
