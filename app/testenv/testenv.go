// Package testenv gives tests real infrastructure: a fresh, migrated
// Postgres database per test (cloned from a template database that is
// rebuilt whenever a migration changes), the Redis URL, and the real plugins
// compiled to WebAssembly. Nothing here is a mock.
//
// TROVATO_TEST_DATABASE_URL names the server (default: the local Postgres,
// database "postgres"); REDIS_URL names Redis (default 127.0.0.1:6379).
// make test starts both when they are not running.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/migrations"
)

// ServerURL is the admin connection URL of the test Postgres server.
func ServerURL() string {
	if v := os.Getenv("TROVATO_TEST_DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// RedisURL is the test Redis server.
func RedisURL() string {
	if v := os.Getenv("REDIS_URL"); v != "" {
		return v
	}
	return "redis://127.0.0.1:6379/0"
}

func withDB(serverURL, name string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Database returns the URL of a new migrated database, dropped when the
// test ends.
func Database(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	tmpl, err := template(ctx)
	if err != nil {
		t.Fatalf("test database template: %v", err)
	}
	name := "trovato_test_" + randomHex(6)
	conn, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		t.Fatalf("connect to test Postgres at %s (make test starts one): %v", pg.Redact(ServerURL()), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, ServerURL())
		if err != nil {
			t.Errorf("drop test database: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database: %v", err)
		}
	})
	return withDB(ServerURL(), name)
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// template creates (once per migration set, under an advisory lock so
// parallel test binaries agree) a migrated database to clone.
func template(ctx context.Context) (string, error) {
	templateOnce.Do(func() {
		templateName = "trovato_tmpl_" + migrations.Fingerprint()
		templateErr = buildTemplate(ctx, templateName)
	})
	return templateName, templateErr
}

func buildTemplate(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return fmt.Errorf("connect to test Postgres at %s: %w", pg.Redact(ServerURL()), err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727001)"); err != nil {
		return err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(727001)") //nolint:errcheck
	var ready bool
	err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&ready)
	if err != nil || ready {
		return err
	}
	quoted := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+quoted+" WITH (FORCE)"); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+quoted); err != nil {
		return err
	}
	pool, err := pg.Connect(ctx, withDB(ServerURL(), name))
	if err != nil {
		return err
	}
	_, err = migrations.Up(ctx, pool)
	pool.Close()
	if err != nil {
		return err
	}
	// Marking it a template last means a half-built one is never cloned.
	_, err = conn.Exec(ctx, "ALTER DATABASE "+quoted+" WITH is_template true")
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RepoRoot finds the repository root (the directory holding go.mod).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	pluginsOnce sync.Once
	pluginsDir  string
	pluginsErr  error
)

// Plugins compiles every plugin under plugins/ (each directory with a
// plugin.json) to WebAssembly once per test binary and returns a plugins
// directory laid out as the server expects: <dir>/<name>/<name>.wasm and
// <dir>/<name>/plugin.json.
func Plugins(t testing.TB) string {
	t.Helper()
	pluginsOnce.Do(func() {
		pluginsDir, pluginsErr = os.MkdirTemp("", "trovato-plugins-")
		if pluginsErr != nil {
			return
		}
		root := RepoRoot()
		manifests, _ := filepath.Glob(filepath.Join(root, "plugins", "*", "plugin.json"))
		for _, m := range manifests {
			if pluginsErr = BuildPlugin(filepath.Dir(m), pluginsDir); pluginsErr != nil {
				return
			}
		}
	})
	if pluginsErr != nil {
		t.Fatalf("build plugins: %v", pluginsErr)
	}
	return pluginsDir
}

// BuildPlugin compiles the plugin in srcDir into outDir/<name>/ with its
// manifest, the same way make plugins does.
func BuildPlugin(srcDir, outDir string) error {
	name := filepath.Base(srcDir)
	dest := filepath.Join(outDir, name)
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", filepath.Join(dest, name+".wasm"), ".")
	cmd.Dir = srcDir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", name, err, strings.TrimSpace(string(out)))
	}
	manifest, err := os.ReadFile(filepath.Join(srcDir, "plugin.json"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dest, "plugin.json"), manifest, 0o644)
}

var (
	dataOnce sync.Once
	dataDir  string
	dataErr  error
)

// DataDir is a data directory (server.Config.DataDir) shared by every site
// a test binary starts. It holds only wazero's compilation cache, which is
// keyed by module content, so the first site compiles the plugins and every
// later one starts warm (≈0.1 s instead of seconds).
func DataDir(t testing.TB) string {
	t.Helper()
	dataOnce.Do(func() { dataDir, dataErr = os.MkdirTemp("", "trovato-data-") })
	if dataErr != nil {
		t.Fatalf("test data dir: %v", dataErr)
	}
	return dataDir
}
