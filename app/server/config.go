// Package server wires Trovato together: it reads nothing from the
// environment itself (main does, into Config), opens Postgres, Redis and the
// plugin host, builds every service, and lists every route and the
// middleware order in routes.go.
package server

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Config is the server's configuration, read from the environment by main.
type Config struct {
	Addr         string // TROVATO_ADDR
	DatabaseURL  string // DATABASE_URL
	RedisURL     string // REDIS_URL; empty: in-process session store (single node)
	PluginsDir   string // TROVATO_PLUGINS_DIR
	DataDir      string // TROVATO_DATA_DIR: compilation cache, files
	SiteName     string // TROVATO_SITE_NAME
	SecureCookie bool   // TROVATO_SECURE_COOKIE=1 behind HTTPS
	CallTimeout  time.Duration
	// TapTimeouts is the per-tap-kind deadline list (TROVATO_TAP_TIMEOUTS,
	// e.g. "default=250ms,page=2s,cron=1m"; plugin.ParseTapTimeouts). New
	// fails on a malformed list; its default overrides CallTimeout.
	TapTimeouts string
	// PublishItemDelay pauses a stage publish after its writes, before it commits
	// (TROVATO_TEST_PUBLISH_DELAY, e.g. 2s): only the kill -9 atomicity test
	// uses it.
	PublishItemDelay time.Duration
	// CronInterval is how often tap_cron runs (TROVATO_CRON_INTERVAL, a Go
	// duration such as "5m"; 0: every minute; negative: never scheduled,
	// run `trovato cron` from the system's crontab instead).
	CronInterval time.Duration
}

// Defaults used when a variable is unset.
const (
	DefaultAddr        = "127.0.0.1:3000"
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/trovato?sslmode=disable"
	DefaultPluginsDir  = "bin/plugins"
	DefaultDataDir     = "var"
)

// FromEnv reads the configuration from environment variables.
func FromEnv() Config {
	get := func(name, def string) string {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return def
	}
	return Config{
		Addr:             get("TROVATO_ADDR", DefaultAddr),
		DatabaseURL:      get("DATABASE_URL", DefaultDatabaseURL),
		RedisURL:         get("REDIS_URL", ""),
		PluginsDir:       get("TROVATO_PLUGINS_DIR", DefaultPluginsDir),
		DataDir:          get("TROVATO_DATA_DIR", DefaultDataDir),
		SiteName:         get("TROVATO_SITE_NAME", "Trovato"),
		SecureCookie:     get("TROVATO_SECURE_COOKIE", "") == "1",
		PublishItemDelay: publishDelay(get("TROVATO_TEST_PUBLISH_DELAY", "")),
		CronInterval:     duration(get("TROVATO_CRON_INTERVAL", "")),
		TapTimeouts:      get("TROVATO_TAP_TIMEOUTS", ""),
	}
}

// publishDelay parses TROVATO_TEST_PUBLISH_DELAY (empty or bad: none).
func publishDelay(v string) time.Duration {
	d, _ := time.ParseDuration(v)
	return d
}

// cacheDir is where wazero keeps compiled plugins between starts.
func (c Config) cacheDir() (string, error) {
	dir := filepath.Join(c.DataDir, "cache", "wazero")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create cache dir: %w", err)
	}
	return dir, nil
}

// duration parses a Go duration; "" or an invalid value is 0 (the default).
func duration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0
	}
	return d
}
