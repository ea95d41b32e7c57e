package stage_test

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/stage"
	"github.com/trovato/trovato/app/testenv"
	"github.com/trovato/trovato/app/web"
)

// Sizes of the overlay benchmark (issue 7's "Measure").
const (
	benchItems   = 50_000
	benchChanged = 1_000
)

// benchSite is a site with benchItems pages in Live and a stage "big" in
// which benchChanged of them have a stage revision. Built with SQL so the
// setup takes seconds.
func benchSite(b *testing.B) (*server.Server, []uuid.UUID) {
	b.Helper()
	ctx := context.Background()
	cfg := server.Config{DatabaseURL: testenv.Database(b), PluginsDir: testenv.Plugins(b), DataDir: testenv.DataDir(b), SiteName: "Bench"}
	s, err := server.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(context.Background()) })
	if _, _, err := s.Setup(ctx, adminPassword, io.Discard); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TEMP TABLE ids AS SELECT g, gen_random_uuid() AS id, gen_random_uuid() AS rev FROM generate_series(1, ` + itoa(benchItems) + `) g`,
		`INSERT INTO item (id, type, title, author_id, status, current_revision_id, fields, created, changed)
		 SELECT id, 'page', 'Bench page ' || g, (SELECT id FROM users WHERE name = 'admin'), true, NULL,
		        jsonb_build_object('field_subtitle', jsonb_build_array(jsonb_build_object('value', 'Subtitle ' || g))),
		        now() - g * interval '1 minute', now() - g * interval '1 minute' FROM ids`,
		`INSERT INTO item_revision (id, item_id, author_id, title, status, fields, created)
		 SELECT rev, id, (SELECT id FROM users WHERE name = 'admin'), 'Bench page ' || g, true, '{}', now() FROM ids`,
		`UPDATE item SET current_revision_id = ids.rev FROM ids WHERE item.id = ids.id`,
		`INSERT INTO stage (id, label) VALUES ('big', 'Big stage')`,
		// Every 50th item is changed in the stage: 1,000 spread over the whole table.
		`CREATE TEMP TABLE staged AS SELECT id, rev, gen_random_uuid() AS srev, g FROM ids WHERE g % ` + itoa(benchItems/benchChanged) + ` = 0`,
		`INSERT INTO item_revision (id, item_id, author_id, title, status, fields, stage_id)
		 SELECT srev, id, (SELECT id FROM users WHERE name = 'admin'), 'Staged page ' || g, true,
		        jsonb_build_object('field_subtitle', jsonb_build_array(jsonb_build_object('value', 'Staged ' || g))), 'big' FROM staged`,
		`INSERT INTO stage_association (stage_id, item_id, revision_id, base_revision_id, author_id)
		 SELECT 'big', id, srev, rev, (SELECT id FROM users WHERE name = 'admin') FROM staged`,
		`ANALYZE`,
	} {
		if _, err := s.Pool.Exec(ctx, q); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	rows, err := s.Pool.Query(ctx, `SELECT item_id FROM stage_association WHERE stage_id = 'big'`)
	if err != nil {
		b.Fatal(err)
	}
	var staged []uuid.UUID
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		staged = append(staged, id)
	}
	return s, staged
}

func itoa(n int) string { return strconv.Itoa(n) }

// stats returns the mean and the 95th percentile of ds in microseconds.
func stats(ds []time.Duration) (mean, p95 float64) {
	if len(ds) == 0 {
		return 0, 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return float64(sum.Microseconds()) / float64(len(ds)), float64(ds[len(ds)*95/100].Microseconds())
}

// BenchmarkOverlay: an item page load and a 25-item Gather page, in Live
// and in a stage with 1,000 changed items, at 50,000 items; then the
// publish of those 1,000 items (time and how long Live rows were locked).
//
//	go test ./app/stage/ -run '^$' -bench Overlay -benchtime 2000x
func BenchmarkOverlay(b *testing.B) {
	s, staged := benchSite(b)
	ctx := context.Background()
	chain, err := s.Stages.Chain(ctx, "big")
	if err != nil {
		b.Fatal(err)
	}
	inStage := web.WithStage(ctx, chain)
	def := server.RecentPages
	def.Pager.ItemsPerPage = 25
	// Live and stage calls alternate within one loop, so a change of the
	// machine's load during the run weighs on both alike.
	compare := func(b *testing.B, call func(ctx context.Context, i int)) {
		live := make([]time.Duration, 0, b.N)
		staged := make([]time.Duration, 0, b.N)
		for i := 0; b.Loop(); i++ {
			start := time.Now()
			call(ctx, i)
			live = append(live, time.Since(start))
			start = time.Now()
			call(inStage, i)
			staged = append(staged, time.Since(start))
		}
		lm, lp := stats(live)
		sm, sp := stats(staged)
		b.ReportMetric(lm, "live-mean-µs")
		b.ReportMetric(lp, "live-p95-µs")
		b.ReportMetric(sm, "stage-mean-µs")
		b.ReportMetric(sp, "stage-p95-µs")
		b.ReportMetric(sp/lp, "p95-stage/live")
	}
	b.Run("item", func(b *testing.B) {
		compare(b, func(ctx context.Context, i int) {
			if _, err := s.Items.Load(ctx, staged[i%len(staged)]); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("gather25", func(b *testing.B) {
		compare(b, func(ctx context.Context, i int) {
			viewer := gather.Viewer{Stage: web.StageFrom(ctx).Chain}
			res, err := s.Gather.Run(ctx, &def, viewer, i%40)
			if err != nil || len(res.Rows) != 25 {
				b.Fatalf("%v %v", res, err)
			}
		})
	})
	// The stage empties on publish, so it is published once; later rounds
	// report the same numbers.
	var publishMS, lockMS, items float64
	b.Run("publish1000", func(b *testing.B) {
		if items == 0 {
			admin, err := s.Users.LoadByName(ctx, "admin")
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			res, err := s.Stages.Publish(ctx, "big", stage.PublishRequest{By: admin})
			if err != nil {
				b.Fatal(err)
			}
			publishMS, lockMS, items = float64(time.Since(start).Milliseconds()), float64(res.LockHeld.Milliseconds()), float64(len(res.Published))
		}
		b.ReportMetric(publishMS, "publish-ms")
		b.ReportMetric(lockMS, "lock-ms")
		b.ReportMetric(items, "items")
	})
}
