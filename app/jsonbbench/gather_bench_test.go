package jsonbbench

import (
	"context"
	"io"
	"log/slog"
	mrand "math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

// BenchmarkGatherMaterialized measures the server time of Gather pages
// with an exposed filter on a field, over the JSONB benchmark's data set
// (TROVATO_BENCH_ITEMS items, 50,000 by default, a fifth of them
// articles), as an anonymous visitor, first reading fields (JSONB), then
// after the site materialized the three fields through the column job
// (the time each job took, the item table locked for most of it, is
// logged). Each listing shows 25 articles of one type, mini pager:
//
//   - city: exposed text equality on field_city, newest first;
//   - tag: exposed term filter (has term) on field_tags, newest first;
//   - count: exposed "at least" on field_count, sorted by field_count.
//
// It reports p50 and p95 in ms per page, and of the listing alone
// (svc-: gather.Service.RunRequest after each page, same input);
// docs/benchmarks.md has the figures:
//
//	go test ./app/jsonbbench -run '^$' -bench GatherMaterialized -benchtime 400x -timeout 60m
func BenchmarkGatherMaterialized(b *testing.B) {
	items := 50000
	if v, err := strconv.Atoi(os.Getenv("TROVATO_BENCH_ITEMS")); err == nil && v >= 100 {
		items = v
	}
	ctx := context.Background()
	s, err := server.New(ctx, server.Config{DatabaseURL: testenv.Database(b), RedisURL: testenv.RedisURL(),
		PluginsDir: testenv.Plugins(b), DataDir: testenv.DataDir(b), SiteName: "Bench"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(context.Background()) })
	if _, _, err := s.Setup(ctx, "bench-password-1", io.Discard); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	ds, err := loadIndexed(ctx, s.Pool, items, 1, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d items in %s", items, time.Since(start).Round(time.Second))
	if _, err := s.Pool.Exec(ctx, `UPDATE item_type SET settings = settings || '{"fields":[
		{"name":"field_city","type":"text","label":"City"},
		{"name":"field_count","type":"integer","label":"Count"},
		{"name":"field_tags","type":"category_reference","label":"Tags","settings":{"vocabulary":"tags"}}]}'
		WHERE type = 'article'`); err != nil {
		b.Fatal(err)
	}
	listing := func(name string, f gather.Filter, sort gather.Sort) {
		d := &gather.Definition{BaseTypes: []string{"article"}, Fields: []gather.Show{{Field: "title", Formatter: "link"}, {Field: "created", Formatter: "date"}},
			Filters: []gather.Filter{f}, Sorts: []gather.Sort{sort}, Pager: gather.Pager{Type: "mini", ItemsPerPage: 25},
			Display: gather.Display{Path: "/bench-" + name, Title: name, Format: "table"}}
		if err := s.Gather.Save(ctx, "bench_"+name, name, d); err != nil {
			b.Fatal(err)
		}
	}
	newest := gather.Sort{Field: "created", Direction: "desc"}
	listing("city", gather.Filter{Field: "field_city", Op: "=", Expose: &gather.Expose{Identifier: "city", Label: "City", Widget: "text"}}, newest)
	listing("tag", gather.Filter{Field: "field_tags", Op: "has_term", Expose: &gather.Expose{Identifier: "tag", Label: "Tag", Widget: "text"}}, newest)
	listing("count", gather.Filter{Field: "field_count", Op: ">=", Expose: &gather.Expose{Identifier: "min", Label: "At least", Widget: "text"}},
		gather.Sort{Field: "field_count", Direction: "asc"})
	var articles []sampled
	for _, x := range ds.sample {
		if x.typ == "article" {
			articles = append(articles, x)
		}
	}
	if len(articles) == 0 {
		b.Fatal("no published article in the sample")
	}
	inputs := map[string]func(x sampled) (key, value string){
		"city":  func(x sampled) (string, string) { return "city", x.city },
		"tag":   func(x sampled) (string, string) { return "tag", x.tag.String() },
		"count": func(x sampled) (string, string) { return "min", strconv.Itoa(x.count) },
	}
	targets := map[string]func(x sampled) string{}
	for name, in := range inputs {
		targets[name] = func(x sampled) string {
			k, v := in(x)
			return "/bench-" + name + "?" + k + "=" + url.QueryEscape(v)
		}
	}
	// service times the listing alone (gather.Service.RunRequest: build,
	// the read-only transaction, decoding the rows), without routing,
	// session and rendering.
	service := func(name string, x sampled) time.Duration {
		v, _ := s.Gather.ByPath("/bench-" + name)
		k, val := inputs[name](x)
		t0 := time.Now()
		schema, err := s.Gather.Schema(ctx)
		if err == nil {
			_, err = s.Gather.RunRequest(ctx, v.Def, gather.Viewer{}, gather.Request{Schema: schema, Input: map[string]string{k: val}})
		}
		if err != nil {
			return -1
		}
		return time.Since(t0)
	}
	rng := mrand.New(mrand.NewSource(1))
	// hit requests one page; a failure (a listing that overran its
	// statement timeout answers 500) is counted, not fatal: that is the
	// finding for JSONB sorts at this size.
	hit := func(target string) (time.Duration, bool) {
		req := httptest.NewRequest("GET", target, nil)
		t0 := time.Now()
		resp, err := s.App.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(t0), resp.StatusCode == http.StatusOK
	}
	run := func(config string) {
		for _, name := range []string{"city", "tag", "count"} {
			b.Run(config+"/"+name, func(b *testing.B) {
				// A page slower than a second is measured 5 times only.
				warm, slow := 20, false
				for i := range warm {
					d, ok := hit(targets[name](articles[rng.Intn(len(articles))]))
					if i == 0 && (!ok || d > time.Second) {
						slow = true
						break
					}
				}
				times := make([]time.Duration, 0, b.N)
				var svc []time.Duration
				failed := 0
				b.ResetTimer()
				for i := range b.N {
					if slow && i >= 5 {
						break
					}
					x := articles[rng.Intn(len(articles))]
					d, ok := hit(targets[name](x))
					times = append(times, d)
					if !ok {
						failed++
					}
					if sd := service(name, x); sd >= 0 {
						svc = append(svc, sd)
					}
				}
				b.StopTimer()
				pct := func(times []time.Duration, p float64) float64 {
					if len(times) == 0 {
						return -1
					}
					slices.Sort(times)
					return float64(times[min(len(times)-1, int(float64(len(times))*p))].Microseconds()) / 1000
				}
				b.ReportMetric(pct(times, 0.50), "p50-ms")
				b.ReportMetric(pct(times, 0.95), "p95-ms")
				b.ReportMetric(pct(svc, 0.50), "svc-p50-ms")
				b.ReportMetric(pct(svc, 0.95), "svc-p95-ms")
				b.ReportMetric(float64(len(times)), "pages")
				b.ReportMetric(float64(failed), "failed")
				if failed > 0 {
					// Say why, from the service itself.
					v, _ := s.Gather.ByPath("/bench-" + name)
					schema, _ := s.Gather.Schema(ctx)
					x := articles[0]
					input := map[string]string{"city": x.city, "tag": x.tag.String(), "min": strconv.Itoa(x.count)}
					t0 := time.Now()
					_, err := s.Gather.RunRequest(ctx, v.Def, gather.Viewer{}, gather.Request{Schema: schema, Input: input})
					b.Logf("%s/%s: %d of %d pages failed; run directly: %v after %s", config, name, failed, len(times), err, time.Since(t0).Round(time.Millisecond))
				}
			})
		}
	}
	run("jsonb")
	for _, field := range []string{"field_city", "field_tags", "field_count"} {
		if _, err := s.Gather.Materialize(ctx, field); err != nil {
			b.Fatal(err)
		}
		// A reader of item meanwhile (a page would be one) shows how long
		// the ALTER TABLE's exclusive lock makes the site wait.
		stop := make(chan struct{})
		waited := make(chan time.Duration)
		go func() {
			var worst time.Duration
			for {
				select {
				case <-stop:
					waited <- worst
					return
				case <-time.After(20 * time.Millisecond):
				}
				t0 := time.Now()
				var n int
				_ = s.Pool.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM item LIMIT 1) x").Scan(&n)
				worst = max(worst, time.Since(t0))
			}
		}()
		t0 := time.Now()
		err := s.Gather.RunColumnJob(ctx, field, false)
		took := time.Since(t0)
		close(stop)
		worst := <-waited
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("materialized %s in %s (column job: ALTER TABLE under the exclusive lock, indexes built concurrently, ANALYZE); "+
			"the longest wait of a reader of item meanwhile: %s", field, took.Round(100*time.Millisecond), worst.Round(100*time.Millisecond))
	}
	schema, err := s.Gather.Schema(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []string{"field_city", "field_tags", "field_count"} {
		if schema[f].Column == "" {
			b.Fatalf("%s is not materialized: %+v", f, schema[f])
		}
	}
	run("materialized")
	var explain string
	for _, name := range []string{"city", "tag", "count"} {
		v, ok := s.Gather.ByPath("/bench-" + name)
		if !ok {
			b.Fatal("listing missing")
		}
		x := articles[0]
		input := map[string]string{"city": x.city, "tag": x.tag.String(), "min": strconv.Itoa(x.count)}
		q, err := gather.BuildRequest(v.Def, gather.Viewer{}, gather.Request{Schema: schema, Input: input})
		if err != nil {
			b.Fatal(err)
		}
		rows, err := s.Pool.Query(ctx, "EXPLAIN "+q.SQL, q.Args...)
		if err != nil {
			b.Fatal(err)
		}
		explain += "\n" + name + ":\n"
		for rows.Next() {
			var l string
			_ = rows.Scan(&l)
			explain += l + "\n"
		}
		rows.Close()
	}
	b.Logf("plans with materialized columns:%s", explain)
}
