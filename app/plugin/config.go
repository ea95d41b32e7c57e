package plugin

import (
	"log/slog"
	"runtime"
	"time"
)

// Config configures a Host. The zero value of each field picks its default.
type Config struct {
	Dir              string        // plugins directory: <Dir>/<name>/plugin.json + <Dir>/<name>/<name>.wasm
	CacheDir         string        // wazero on-disk compilation cache ("" = no disk cache)
	PoolSize         int           // warm instances per plugin; 0 = runtime.GOMAXPROCS(0)
	CallTimeout      time.Duration // per tap call deadline; 0 = 250ms
	MemoryLimitPages uint32        // per instance cap in 64 KiB pages; 0 = 1024 (64 MiB)
	Logger           *slog.Logger
	Observe          func(plugin, tap string, d time.Duration, err error) // metrics hook, may be nil
}

// Defaults applied by Open.
const (
	DefaultCallTimeout      = 250 * time.Millisecond
	DefaultMemoryLimitPages = 1024
)

// withDefaults fills in zero fields.
func (c Config) withDefaults() Config {
	if c.PoolSize <= 0 {
		c.PoolSize = runtime.GOMAXPROCS(0)
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	if c.MemoryLimitPages == 0 {
		c.MemoryLimitPages = DefaultMemoryLimitPages
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
