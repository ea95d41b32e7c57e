package plugin

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkPageCallbackBlog measures Host.Page for the blog's /blog route:
// one page callback that runs an item query (answered in memory here, so
// only the plugin side is timed) and reads title, id and summary of 10
// items by handle, then encodes the page element.
func BenchmarkPageCallbackBlog(b *testing.B) {
	h, _ := openHost(b, Config{}, fixture{name: "blog"})
	ctx := context.Background()
	if err := h.UseStore(ctx, &memStore{rows: map[string]bool{}}); err != nil {
		b.Fatal(err)
	}
	items := make([]*Item, 10)
	for i := range items {
		items[i] = &Item{ID: fmt.Sprintf("0190a3c4-0000-7000-8000-%012d", i), Type: "blog", Title: fmt.Sprintf("Post %d", i),
			Fields: map[string][]map[string]any{"field_summary": {{"value": "A summary of the post"}}}}
	}
	h.SetItemQuerier(func(context.Context, ItemQuery, Viewer) ([]*Item, error) { return items, nil })
	m, ok := h.MatchRoute("/blog")
	if !ok {
		b.Fatal("no /blog route")
	}
	samples := make([]time.Duration, 0, 512)
	for b.Loop() {
		start := time.Now()
		_, err := h.Page(ctx, m, nil, AccessAccount{}, Viewer{})
		samples = append(samples, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, samples)
}

// BenchmarkMatchRoute measures matching a request path against the routes
// of the enabled plugins (the blog's two), as the fallback does for every
// path no kernel route serves.
func BenchmarkMatchRoute(b *testing.B) {
	h, _ := openHost(b, Config{}, fixture{name: "blog"})
	if err := h.UseStore(context.Background(), &memStore{rows: map[string]bool{}}); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, ok := h.MatchRoute("/blog/tag/go"); !ok {
			b.Fatal("no match")
		}
	}
}
