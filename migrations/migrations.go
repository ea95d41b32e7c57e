// Package migrations holds Trovato's SQL schema as goose migrations, embedded in
// the binary and read by sqlc as its schema.
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
)

//go:embed *.sql
var files embed.FS

// Up applies every pending migration and reports how many ran.
func Up(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return up(ctx, db)
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
	return hex.EncodeToString(h.Sum(nil))[:12]
}
