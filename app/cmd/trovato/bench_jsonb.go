package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"

	"github.com/trovato/trovato/app/jsonbbench"
	"github.com/trovato/trovato/app/server"
)

// benchJSONB runs the §16 JSONB benchmark in a scratch database on the
// site's Postgres server (DATABASE_URL); the site's own data is not touched.
func benchJSONB(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flags("bench jsonb", "bench jsonb [--items 50000] [--runs 50] [--warmup 5] [--seed 1] [--keep] [--json]   (uses DATABASE_URL's server)", stdout)
	items := fs.Int("items", 50000, "items to generate")
	runs := fs.Int("runs", 50, "measured runs per query and index configuration")
	warmup := fs.Int("warmup", 5, "unmeasured runs before measuring")
	seed := fs.Int64("seed", 1, "data set seed")
	keep := fs.Bool("keep", false, "keep the scratch database (trovato_bench_jsonb_…) for inspection")
	asJSON := fs.Bool("json", false, "print one JSON object instead of the table")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *items < 10 || *runs < 1 || *warmup < 0 {
		return errors.New("bench jsonb: --items must be at least 10, --runs at least 1, --warmup not negative")
	}
	w := *warmup
	if w == 0 {
		w = -1 // Options treats 0 as "default"
	}
	rep, err := jsonbbench.Run(ctx, jsonbbench.Options{
		ServerURL: server.FromEnv().DatabaseURL,
		Items:     *items, Runs: *runs, Warmup: w, Seed: *seed, Keep: *keep,
		Progress: os.Stderr,
	})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.WriteTable(stdout)
	return nil
}
