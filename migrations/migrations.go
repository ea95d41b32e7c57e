// Package migrations holds Trovato's SQL schema as goose migrations, embedded in
// the binary and read by sqlc as its schema.
//
// The job queue's tables (river_job, river_leader, river_queue, …) are not
// goose files: Up runs River's own migrator (rivermigrate) after goose, so
// they follow the River version in go.mod exactly, and Fingerprint includes
// River's latest migration version so test templates are rebuilt when it
// changes. See app/jobs for why River.
//
// goose (pressly/goose) was chosen over golang-migrate because one file holds a
// migration's up and down halves, sqlc understands its annotations, and its
// Provider API runs from an embedded filesystem with a context and no globals.
package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed *.sql
var files embed.FS

// Up applies every pending migration, goose's then River's, and reports
// how many ran.
func Up(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	n, err := up(ctx, db)
	if err != nil {
		return n, err
	}
	m, err := riverUp(ctx, pool)
	return n + m, err
}

// riverUp applies River's pending migrations.
func riverUp(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return 0, fmt.Errorf("load job queue migrations: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("apply job queue migrations: %w", err)
	}
	return len(res.Versions), nil
}

// riverVersion is River's latest migration version.
func riverVersion() int {
	m, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		return 0
	}
	all := m.AllVersions()
	if len(all) == 0 {
		return 0
	}
	return all[len(all)-1].Version
}

func up(ctx context.Context, db *sql.DB) (int, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, db, files)
	if err != nil {
		return 0, fmt.Errorf("load migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("apply migrations: %w", err)
	}
	return len(results), nil
}

// Fingerprint names the current set of migrations; test helpers use it to
// name a template database that is rebuilt whenever a migration changes.
func Fingerprint() string {
	entries, _ := files.ReadDir(".")
	h := sha256.New()
	for _, e := range entries {
		b, _ := files.ReadFile(e.Name())
		h.Write([]byte(e.Name()))
		h.Write(b)
	}
	fmt.Fprintf(h, "river:%d", riverVersion())
	return hex.EncodeToString(h.Sum(nil))[:12]
}
