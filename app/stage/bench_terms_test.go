package stage_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
	"github.com/trovato/trovato/app/web"
)

// BenchmarkTermOverlay: term reads in Live and in a stage that changed 100
// of a 2,000-term vocabulary (40 roots of 49 children) and created 10: a
// term load (the term page's), its breadcrumbs, a root's descendants (the
// term page's "include narrower terms"), and the whole tree (the admin
// term list and the select widget). Live and stage calls alternate.
//
//	go test ./app/stage/ -run '^$' -bench TermOverlay -benchtime 500x
func BenchmarkTermOverlay(b *testing.B) {
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
		`INSERT INTO category_vocabulary (id, label, hierarchy) VALUES ('bench', 'Bench', 1)`,
		`CREATE TEMP TABLE t AS SELECT g, gen_random_uuid() AS id, gen_random_uuid() AS rev FROM generate_series(0, 1999) g`,
		`INSERT INTO category_term (id, vocabulary_id, name, weight, revision_id) SELECT id, 'bench', 'Term ' || g, g % 7, rev FROM t`,
		`INSERT INTO category_term_parent (term_id, parent_id) SELECT c.id, p.id FROM t c JOIN t p ON p.g = c.g % 40 WHERE c.g >= 40`,
		`INSERT INTO category_term_revision (id, term_id, vocabulary_id, name, weight, parents)
		 SELECT t.rev, t.id, 'bench', 'Term ' || t.g, t.g % 7, ARRAY(SELECT parent_id FROM category_term_parent WHERE term_id = t.id) FROM t`,
		`INSERT INTO stage (id, label) VALUES ('big', 'Big stage')`,
		`CREATE TEMP TABLE st AS SELECT t.*, gen_random_uuid() AS srev FROM t WHERE g % 20 = 5`,
		`INSERT INTO category_term_revision (id, term_id, vocabulary_id, name, weight, parents, stage_id, in_live)
		 SELECT srev, id, 'bench', 'Staged term ' || g, 3, ARRAY(SELECT parent_id FROM category_term_parent WHERE term_id = st.id), 'big', false FROM st`,
		`INSERT INTO stage_term (stage_id, term_id, vocabulary_id, revision_id, base_revision_id) SELECT 'big', id, 'bench', srev, rev FROM st`,
		`CREATE TEMP TABLE nt AS SELECT g, gen_random_uuid() AS id, gen_random_uuid() AS rev FROM generate_series(1, 10) g`,
		`INSERT INTO category_term_revision (id, term_id, vocabulary_id, name, parents, stage_id, in_live)
		 SELECT rev, id, 'bench', 'New term ' || g, ARRAY[(SELECT id FROM t WHERE t.g = 1)], 'big', false FROM nt`,
		`INSERT INTO stage_term (stage_id, term_id, vocabulary_id, term_stage, revision_id) SELECT 'big', id, 'bench', 'big', rev FROM nt`,
		`ANALYZE`,
	} {
		if _, err := s.Pool.Exec(ctx, q); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	var staged []uuid.UUID
	rows, err := s.Pool.Query(ctx, `SELECT term_id FROM stage_term WHERE stage_id = 'big' AND term_stage = 'live'`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		staged = append(staged, id)
	}
	chain, err := s.Stages.Chain(ctx, "big")
	if err != nil {
		b.Fatal(err)
	}
	inStage := web.WithStage(ctx, chain)
	compare := func(b *testing.B, call func(ctx context.Context, i int)) {
		live := make([]time.Duration, 0, b.N)
		stg := make([]time.Duration, 0, b.N)
		for i := 0; b.Loop(); i++ {
			start := time.Now()
			call(ctx, i)
			live = append(live, time.Since(start))
			start = time.Now()
			call(inStage, i)
			stg = append(stg, time.Since(start))
		}
		lm, lp := stats(live)
		sm, sp := stats(stg)
		b.ReportMetric(lm, "live-mean-µs")
		b.ReportMetric(lp, "live-p95-µs")
		b.ReportMetric(sm, "stage-mean-µs")
		b.ReportMetric(sp, "stage-p95-µs")
	}
	cats := s.Categories
	b.Run("term", func(b *testing.B) {
		compare(b, func(ctx context.Context, i int) {
			if _, err := cats.Term(ctx, staged[i%len(staged)]); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("ancestors", func(b *testing.B) {
		compare(b, func(ctx context.Context, i int) {
			if a, err := cats.Ancestors(ctx, staged[i%len(staged)]); err != nil || len(a) > 1 {
				b.Fatal(a, err)
			}
		})
	})
	b.Run("descendants49", func(b *testing.B) {
		var roots []uuid.UUID
		rows, err := s.Pool.Query(ctx, `SELECT id FROM category_term t WHERE vocabulary_id = 'bench'
			AND NOT EXISTS (SELECT 1 FROM category_term_parent p WHERE p.term_id = t.id) ORDER BY id LIMIT 10`)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id uuid.UUID
			if err := rows.Scan(&id); err != nil {
				b.Fatal(err)
			}
			roots = append(roots, id)
		}
		compare(b, func(ctx context.Context, i int) {
			if d, err := cats.Descendants(ctx, roots[i%len(roots)]); err != nil || len(d) < 40 {
				b.Fatal(len(d), err)
			}
		})
	})
	b.Run("tree2000", func(b *testing.B) {
		compare(b, func(ctx context.Context, i int) {
			if tree, err := cats.Tree(ctx, "bench"); err != nil || len(tree) < 2000 {
				b.Fatal(len(tree), err)
			}
		})
	})
}
