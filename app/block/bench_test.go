package block

import (
	"context"
	"fmt"
	"testing"

	"github.com/a-h/templ"

	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/testenv"
	"github.com/trovato/trovato/app/theme"
)

// fakeTheme declares the regions the benchmark places blocks in.
type fakeTheme struct{}

func (fakeTheme) Name() string                         { return "default" }
func (fakeTheme) Page(theme.PageProps) templ.Component { return templ.NopComponent }
func (fakeTheme) Regions() []theme.Region {
	return []theme.Region{{Name: "sidebar_first", Label: "Sidebar"}, {Name: "footer", Label: "Footer"}}
}
func (fakeTheme) Element(render.Element, []templ.Component) templ.Component {
	return templ.NopComponent
}

// BenchmarkPlacements compares the ways a page can learn its blocks, with
// 20 placements (10 per region, half with path patterns): from this node's
// cache (what every visitor page does), the version check Watch runs, and
// reading the table on every request (the alternative to the cache).
//
//	go test ./app/block -run '^$' -bench Placements -benchtime 2000x
func BenchmarkPlacements(b *testing.B) {
	ctx := context.Background()
	pool, err := pg.Connect(ctx, testenv.Database(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	s := NewService(pool, fakeTheme{})
	for i := range 20 {
		blk := &Block{Kind: KindText, Region: []string{"sidebar_first", "footer"}[i%2], Weight: i, Title: fmt.Sprint("Block ", i),
			Body: "Hello", Format: "plain_text", Visibility: ShowExcept, Enabled: true}
		if i%2 == 0 {
			blk.Pages = "/user/*\n/admin*\n/blog/*/edit"
		}
		if err := s.Save(ctx, blk, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("cached", func(b *testing.B) {
		for b.Loop() {
			if len(s.Visible("/item/0190a4c1-0000-7000-8000-000000000000", Viewer{Roles: []string{RoleAnonymous}})) != 2 {
				b.Fatal("regions missing")
			}
		}
	})
	b.Run("version check", func(b *testing.B) {
		for b.Loop() {
			if reloaded, err := s.ReloadIfChanged(ctx); err != nil || reloaded {
				b.Fatal(reloaded, err)
			}
		}
	})
	b.Run("read per request", func(b *testing.B) {
		for b.Loop() {
			all, err := s.List(ctx)
			if err != nil || len(all) != 20 {
				b.Fatal(len(all), err)
			}
			n := 0
			for _, blk := range all {
				if blk.VisibleAt("/item/0190a4c1-0000-7000-8000-000000000000") {
					n++
				}
			}
			if n != 20 {
				b.Fatal(n)
			}
		}
	})
}
