package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/trovato/trovato/app/block"
	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

// BenchmarkBlocksOnPage measures the server time of the seeded demo
// listing page /recent-pages for an anonymous visitor with no blocks, with
// a custom text block, and with a text block plus the recent_pages
// listing's block display (5 rows) in the sidebar; p50 and p95 in ms. The
// difference is what blocks cost a page:
//
//	go test ./app/server -run '^$' -bench BlocksOnPage -benchtime 1000x
func BenchmarkBlocksOnPage(b *testing.B) {
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
	def := server.RecentPages
	def.Block = &gather.BlockDisplay{Items: 5}
	if err := s.Gather.Save(ctx, "recent_pages", "Recent pages", &def); err != nil {
		b.Fatal(err)
	}
	measure := func(b *testing.B) {
		hit := func() time.Duration {
			req := httptest.NewRequest("GET", "/recent-pages", nil)
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
			hit()
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
	place := func(blk *block.Block) {
		if err := s.Blocks.Save(ctx, blk, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("no blocks", measure)
	place(&block.Block{Kind: block.KindText, Region: "footer", Title: "About", Body: "**Hello** there", Format: "markdown",
		Visibility: block.ShowExcept, Enabled: true})
	b.Run("text block", measure)
	place(&block.Block{Kind: block.KindListing, Listing: "recent_pages", Region: "sidebar_first", Visibility: block.ShowExcept, Enabled: true})
	b.Run("text and listing block", measure)
}
