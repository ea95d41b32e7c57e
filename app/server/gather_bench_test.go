package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

// BenchmarkGatherExposedFilter measures the server time of the Articles
// listing page (exposed tag filter with descendants + exposed year filter,
// mini pager, 3 a page) over 5,000 articles, as an anonymous visitor; it
// reports p50 and p95 in ms. The number goes in docs/benchmarks.md:
//
//	go test ./app/server -run '^$' -bench GatherExposedFilter -benchtime 2000x
func BenchmarkGatherExposedFilter(b *testing.B) {
	ctx := context.Background()
	s, err := server.New(ctx, server.Config{DatabaseURL: testenv.Database(b), RedisURL: testenv.RedisURL(),
		PluginsDir: testenv.Plugins(b), DataDir: testenv.DataDir(b), SiteName: "Bench"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(context.Background()) })
	if _, _, err := s.Setup(ctx, adminPassword, io.Discard); err != nil {
		b.Fatal(err)
	}
	ids := seedArticleSite(b, s)
	// 5,000 more articles, tagged at random, over 2023–2024.
	terms := []string{ids["Tech"], ids["Go"], ids["Food"]}
	rnd := rand.New(rand.NewPCG(1, 2))
	var author uuid.UUID
	if err := s.Pool.QueryRow(ctx, `SELECT id FROM users WHERE name = 'admin'`).Scan(&author); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 5000; i++ {
		doc, _ := json.Marshal(map[string]any{"field_tags": []map[string]string{{"target_id": terms[rnd.IntN(3)]}}})
		created := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rnd.IntN(730*24)) * time.Hour)
		if _, err := s.Pool.Exec(ctx, `INSERT INTO item (id, type, title, author_id, fields, created, changed, status) VALUES ($1, 'article', $2, $3, $4, $5, $5, $6)`,
			uuid.Must(uuid.NewV7()), fmt.Sprintf("Bench %d", i), author, doc, created, i%10 != 0); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.Pool.Exec(ctx, `ANALYZE item`); err != nil {
		b.Fatal(err)
	}
	target := "/articles?field_tags=" + ids["Tech"] + "&year=2024"
	hit := func() time.Duration {
		req := httptest.NewRequest("GET", target, nil)
		start := time.Now()
		resp, err := s.App.Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := time.Since(start)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
		return d
	}
	for range 50 {
		hit() // warm-up: connections, plans, plugin instances
	}
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		times = append(times, hit())
	}
	b.StopTimer()
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(float64(len(times))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}
