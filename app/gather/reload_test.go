package gather

import (
	"context"
	"testing"
)

// Two nodes share one database: a listing saved, changed or deleted on one
// is served by the other after its next ReloadIfChanged, and an unchanged
// set does not reload.
func TestReloadIfChangedFollowsOtherNodes(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	a, b := NewService(pool), NewService(pool)
	for _, s := range []*Service{a, b} {
		if err := s.Reload(ctx); err != nil {
			t.Fatal(err)
		}
	}
	def := func(path string) *Definition {
		return &Definition{BaseTypes: []string{"page"}, Pager: Pager{ItemsPerPage: 10}, Display: Display{Path: path, Title: "News"}}
	}
	step := func(what string, wantReload bool, path string, wantServed bool) {
		t.Helper()
		reloaded, err := b.ReloadIfChanged(ctx)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if reloaded != wantReload {
			t.Errorf("%s: reloaded = %v, want %v", what, reloaded, wantReload)
		}
		if _, ok := b.ByPath(path); ok != wantServed {
			t.Errorf("%s: node b serves %s = %v, want %v", what, path, ok, wantServed)
		}
	}

	step("nothing changed", false, "/news", false)
	if err := a.Save(ctx, "news", "News", def("/news")); err != nil {
		t.Fatal(err)
	}
	step("saved on a", true, "/news", true)
	step("checked again", false, "/news", true)
	if err := a.Save(ctx, "news", "News", def("/latest")); err != nil {
		t.Fatal(err)
	}
	step("moved on a", true, "/latest", true)
	if _, ok := b.ByPath("/news"); ok {
		t.Error("node b still serves the old path /news")
	}
	if _, err := pool.Exec(ctx, "DELETE FROM gather_view WHERE name = 'news'"); err != nil {
		t.Fatal(err)
	}
	step("deleted", true, "/latest", false)
}
