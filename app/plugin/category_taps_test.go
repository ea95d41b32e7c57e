package plugin

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/trovato/trovato/app/testenv"
)

// The categories reference plugin, built to wasm, through the host's
// category tap dispatchers.
func TestCategoryTapsReachThePlugin(t *testing.T) {
	dir := t.TempDir()
	if err := testenv.BuildPlugin(filepath.Join(repoRoot, "plugins", "categories"), dir); err != nil {
		t.Fatal(err)
	}
	h, logs := openHost(t, Config{Dir: dir})
	if s := statusOf(t, h, "categories"); s.State != StateLoaded {
		t.Fatalf("categories plugin: %+v", s)
	}
	ctx := context.Background()
	term := TermData{ID: "t1", Vocabulary: "tags", Name: "Jazz \t  standards", Description: "Kept.", Format: "plain_text", Parents: []string{}}
	ch := h.CategoryTermPresave(ctx, term)
	if ch == nil || ch.Name == nil || *ch.Name != "Jazz standards" || ch.Description != nil {
		t.Fatalf("presave changes = %+v", ch)
	}
	term.Name = "Jazz standards"
	if ch := h.CategoryTermPresave(ctx, term); ch != nil {
		t.Errorf("a tidy name was changed: %+v", ch)
	}
	for _, ev := range []string{EventInsert, EventUpdate, EventDelete} {
		h.CategoryTermEvent(ctx, ev, term)
		logs.requireLog(t, "categories: term "+ev+" tags/Jazz standards (t1)", "plugin=categories", "tap=category_term_"+ev)
	}
}
