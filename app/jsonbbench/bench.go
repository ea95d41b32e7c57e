// Package jsonbbench is the JSONB benchmark of the original design's §16:
// it answers whether item fields can stay in one JSONB column, and which
// indexes a site needs, by measuring the seven queries a site runs most
// against three index configurations on a realistic data set.
//
// Run creates its own scratch database (trovato_bench_jsonb_<random>) on the
// site's Postgres server, migrates it with the app's migrations so the
// schema and the queries are the ones the site uses, loads the data set
// with COPY, and drops the database at the end unless Options.Keep is set.
// It never touches the site's own database.
//
// The data set (§16): N items (50,000 by default) across 5 content types,
// 10–20 fields each, 2–8 KB of field JSON each, 1–5 terms each from a
// vocabulary of 500. The configurations: GIN only (the schema as migrated),
// GIN + expression indexes, GIN + materialized (stored generated) columns.
// Each query runs Warmup times and then Runs times per configuration with
// fresh parameters drawn from existing items; the report has p50 and p95.
//
// Decide applies §16's decision criteria to the figures (see Decision).
package jsonbbench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/migrations"
)

// TargetP95 is the per-query budget (issue 6: every query p95 ≤ 10 ms at
// 50,000 items with the chosen configuration); §16's "meets targets" uses it.
const TargetP95 = 10 * time.Millisecond

// slowQuery caps the runs of a query whose warm-up took longer than this,
// so that an unindexed full-text scan does not run for minutes.
const slowQuery = 250 * time.Millisecond

// Options configure a run.
type Options struct {
	ServerURL string    // any connection URL of the Postgres server; its database is not touched
	Items     int       // items to generate (default 50,000)
	Runs      int       // measured runs per query and configuration (default 50)
	Warmup    int       // unmeasured runs first (default 5)
	Seed      int64     // data set seed (default 1)
	Keep      bool      // keep the scratch database
	Progress  io.Writer // progress bar and phase lines; nil for none
}

// Report is every figure of a run; `trovato bench jsonb --json` prints it.
type Report struct {
	Database      string         `json:"database"`
	Kept          bool           `json:"kept"`
	Server        string         `json:"server_version"`
	Items         int            `json:"items"`
	ContentTypes  []string       `json:"content_types"`
	FieldsPerItem [2]int         `json:"fields_per_item"`
	Vocabulary    int            `json:"vocabulary_terms"`
	TermsPerItem  [2]int         `json:"terms_per_item"`
	AvgItemBytes  int            `json:"avg_fields_bytes"`
	TableBytes    int64          `json:"table_bytes"`
	LoadSeconds   float64        `json:"load_seconds"`
	Runs          int            `json:"runs"`
	Warmup        int            `json:"warmup"`
	TargetP95MS   float64        `json:"target_p95_ms"`
	SearchWords   []string       `json:"search_words"`
	Configs       []ConfigResult `json:"configurations"`
	Decision      Decision       `json:"decision"`
}

// ConfigResult is one index configuration's figures.
type ConfigResult struct {
	Name         string        `json:"name"`
	Label        string        `json:"label"`
	SetupSeconds float64       `json:"setup_seconds"`
	IndexBytes   int64         `json:"index_bytes"`
	Queries      []QueryResult `json:"queries"`
}

// QueryResult is one query under one configuration.
type QueryResult struct {
	ID          int      `json:"id"`
	Name        string   `json:"name"`
	Runs        int      `json:"runs"`
	P50MS       float64  `json:"p50_ms"`
	P95MS       float64  `json:"p95_ms"`
	Rows        int      `json:"rows"`     // rows returned by the last run
	MinRows     int      `json:"min_rows"` // fewest rows over the runs
	Indexes     []string `json:"indexes"`  // indexes in the plan of one run (EXPLAIN)
	MeetsTarget bool     `json:"meets_target"`
}

// Run performs the benchmark and always drops the scratch database unless
// opts.Keep, also when it fails.
func Run(ctx context.Context, opts Options) (rep *Report, err error) {
	if opts.Items <= 0 {
		opts.Items = 50000
	}
	if opts.Runs <= 0 {
		opts.Runs = 50
	}
	if opts.Warmup < 0 {
		opts.Warmup = 0
	} else if opts.Warmup == 0 {
		opts.Warmup = 5
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	phase := func(format string, a ...any) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "\r\033[K"+format+"\n", a...)
		}
	}
	u, err := url.Parse(opts.ServerURL)
	if err != nil || opts.ServerURL == "" {
		return nil, fmt.Errorf("bench jsonb: a server URL is required")
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := "trovato_bench_jsonb_" + hex.EncodeToString(suffix)
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", pg.Redact(admin.String()), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create scratch database: %w", err)
	}
	phase("scratch database %s created", name)
	defer func() {
		if opts.Keep {
			phase("kept scratch database %s", name)
			return
		}
		_, derr := conn.Exec(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		if derr != nil {
			err = errors.Join(err, fmt.Errorf("drop scratch database %s: %w", name, derr))
			return
		}
		phase("scratch database %s dropped", name)
	}()

	dbURL := *u
	dbURL.Path = "/" + name
	pool, err := pg.Connect(ctx, dbURL.String(), func(c *pgxpool.Config) {
		c.MaxConns = 2
		c.ConnConfig.RuntimeParams["maintenance_work_mem"] = "256MB"
		// Gather runs every listing with custom plans (app/gather guardSQL):
		// a plan made for the actual values. Left to the default, the
		// prepared statements switch to a generic plan after five runs,
		// which for Q5's category_index form assumes an array of ten
		// average terms and walks item_created for a rare one (20–80 ms).
		c.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	})
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	if _, err := migrations.Up(ctx, pool); err != nil {
		return nil, err
	}

	r := &Report{
		Database: name, Kept: opts.Keep, Items: opts.Items, Vocabulary: vocabularySize,
		TermsPerItem: [2]int{1, 5}, Runs: opts.Runs, Warmup: opts.Warmup,
		TargetP95MS: ms(TargetP95),
	}
	_ = pool.QueryRow(ctx, "SHOW server_version").Scan(&r.Server)
	r.FieldsPerItem = [2]int{contentTypes[0].fields, contentTypes[0].fields}
	for _, t := range contentTypes {
		r.ContentTypes = append(r.ContentTypes, t.name)
		r.FieldsPerItem[0] = min(r.FieldsPerItem[0], t.fields)
		r.FieldsPerItem[1] = max(r.FieldsPerItem[1], t.fields)
	}

	start := time.Now()
	ds, err := loadIndexed(ctx, pool, opts.Items, opts.Seed, opts.Progress)
	if err != nil {
		return nil, err
	}
	r.LoadSeconds = time.Since(start).Seconds()
	r.AvgItemBytes = int(ds.totalBytes / int64(max(1, ds.items)))
	r.SearchWords = ds.searchWords
	_ = pool.QueryRow(ctx, "SELECT pg_table_size('item')").Scan(&r.TableBytes)
	phase("loaded %d items (%.0f MB of field JSON, avg %d B) in %.1f s",
		opts.Items, float64(ds.totalBytes)/1e6, r.AvgItemBytes, r.LoadSeconds)

	rng := mrand.New(mrand.NewSource(opts.Seed))
	for _, cfg := range configs {
		cr := ConfigResult{Name: cfg.name, Label: cfg.label}
		t0 := time.Now()
		for i, stmt := range cfg.setup {
			phase("%s: setup %d/%d", cfg.label, i+1, len(cfg.setup))
			if _, err := pool.Exec(ctx, stmt); err != nil {
				return nil, fmt.Errorf("%s setup: %w", cfg.label, err)
			}
		}
		if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) item"); err != nil {
			return nil, err
		}
		cr.SetupSeconds = time.Since(t0).Seconds()
		_ = pool.QueryRow(ctx, "SELECT pg_indexes_size('item')").Scan(&cr.IndexBytes)
		for _, q := range queries {
			if opts.Progress != nil {
				fmt.Fprintf(opts.Progress, "\r\033[K%s: query %d (%s)", cfg.label, q.id, q.name)
			}
			qr, err := measure(ctx, pool, q, cfg.name, ds, rng, opts)
			if err != nil {
				return nil, fmt.Errorf("%s, query %d (%s): %w", cfg.label, q.id, q.name, err)
			}
			cr.Queries = append(cr.Queries, qr)
		}
		r.Configs = append(r.Configs, cr)
		phase("%s: done", cfg.label)
	}
	r.Decision = Decide(r.Configs)
	return r, nil
}

// loadIndexed loads the data set without the item indexes, then builds
// them (the schema's own, recreated from their definitions, unchanged)
// and VACUUM ANALYZEs item and category_index (filled by the schema's
// trigger during the load): a bulk load is much faster without the GIN
// index to maintain.
func loadIndexed(ctx context.Context, pool *pgxpool.Pool, n int, seed int64, progress io.Writer) (*dataset, error) {
	var indexDefs []string
	rows, err := pool.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes
		WHERE schemaname = 'public' AND tablename = 'item' AND indexname <> 'item_pkey' ORDER BY indexname`)
	if err != nil {
		return nil, err
	}
	var dropNames []string
	for rows.Next() {
		var n, def string
		if err := rows.Scan(&n, &def); err != nil {
			return nil, err
		}
		dropNames = append(dropNames, pgx.Identifier{n}.Sanitize())
		indexDefs = append(indexDefs, def)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(dropNames) > 0 {
		if _, err := pool.Exec(ctx, "DROP INDEX "+strings.Join(dropNames, ", ")); err != nil {
			return nil, err
		}
	}
	ds, err := load(ctx, pool, n, seed, progress)
	if err != nil {
		return nil, err
	}
	if progress != nil {
		fmt.Fprintf(progress, "\r\033[Kbuilding the schema's indexes (%d)\n", len(indexDefs))
	}
	for _, def := range indexDefs {
		if _, err := pool.Exec(ctx, def); err != nil {
			return nil, fmt.Errorf("rebuild index: %w", err)
		}
	}
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) item, category_index"); err != nil {
		return nil, err
	}
	return ds, nil
}

// measure runs one query under one configuration.
func measure(ctx context.Context, pool *pgxpool.Pool, q query, cfg string, ds *dataset, rng *mrand.Rand, opts Options) (QueryResult, error) {
	sql := q.statement(cfg)
	qr := QueryResult{ID: q.id, Name: q.name, MinRows: -1}
	once := func() (time.Duration, int, error) {
		args := q.args(rng, ds, cfg)
		start := time.Now()
		rows, err := pool.Query(ctx, sql, args...)
		if err != nil {
			return 0, 0, err
		}
		// Raw values: the figure is the database's work and the transfer of
		// every row (fields included), not the client's JSON decoding.
		n := 0
		for rows.Next() {
			_ = rows.RawValues()
			n++
		}
		rows.Close()
		return time.Since(start), n, rows.Err()
	}
	runs := opts.Runs
	for i := range max(1, opts.Warmup) {
		d, _, err := once()
		if err != nil {
			return qr, err
		}
		if i == 0 && d > slowQuery {
			runs = min(runs, 5)
			break
		}
	}
	samples := make([]time.Duration, 0, runs)
	for range runs {
		d, n, err := once()
		if err != nil {
			return qr, err
		}
		samples = append(samples, d)
		qr.Rows = n
		if qr.MinRows < 0 || n < qr.MinRows {
			qr.MinRows = n
		}
	}
	slices.Sort(samples)
	qr.Runs = runs
	qr.P50MS = ms(samples[len(samples)/2])
	qr.P95MS = ms(samples[min(len(samples)-1, (len(samples)*95+99)/100-1)])
	qr.MeetsTarget = qr.P95MS <= ms(TargetP95)
	idx, err := planIndexes(ctx, pool, sql, q.args(rng, ds, cfg))
	if err != nil {
		return qr, fmt.Errorf("explain: %w", err)
	}
	qr.Indexes = idx
	return qr, nil
}

// planIndexes lists the indexes named in the statement's plan.
func planIndexes(ctx context.Context, pool *pgxpool.Pool, sql string, args []any) ([]string, error) {
	var plan []byte
	if err := pool.QueryRow(ctx, "EXPLAIN (FORMAT JSON) "+sql, args...).Scan(&plan); err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(plan, &tree); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var walk func(any)
	walk = func(n any) {
		switch v := n.(type) {
		case map[string]any:
			if name, ok := v["Index Name"].(string); ok {
				seen[name] = true
			}
			if nt, ok := v["Node Type"].(string); ok && nt == "Seq Scan" {
				if rel, _ := v["Relation Name"].(string); rel == "item" {
					seen["(seq scan on item)"] = true
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(tree)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
