package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/stage"
	"github.com/trovato/trovato/app/testenv"
	"github.com/trovato/trovato/app/web"
)

// TestStagePublishTap: tap_stage_publish (the stageveto test plugin, built
// to wasm) vetoes publishing a stage labelled "Blocked …" with its own
// message and leaves Live alone; another stage publishes normally.
func TestStagePublishTap(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testenv.Plugins(t))); err != nil {
		t.Fatal(err)
	}
	if err := testenv.BuildPlugin(filepath.Join(testenv.RepoRoot(), "app", "plugin", "testdata", "stageveto"), dir); err != nil {
		t.Fatal(err)
	}
	s := startSite(t, testenv.Database(t), dir)
	ctx := context.Background()
	if got := s.Plugins.Implements("stage_publish"); len(got) != 1 || got[0] != "stageveto" {
		t.Fatalf("plugins implementing stage_publish = %v, want [stageveto]", got)
	}
	admin, err := s.Users.LoadByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Items.GetType(ctx, "page")
	if err != nil {
		t.Fatal(err)
	}

	// One Live item per stage, each edited in its stage.
	publishIn := func(id, label, title string) (*item.Item, error) {
		t.Helper()
		if err := s.Stages.Create(ctx, stage.Stage{ID: id, Label: label}); err != nil {
			t.Fatalf("create stage %s: %v", id, err)
		}
		it, err := s.Items.Create(ctx, admin, page, item.Input{Title: title})
		if err != nil {
			t.Fatalf("create %s: %v", title, err)
		}
		chain, err := s.Stages.Chain(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Items.Update(web.WithStage(ctx, chain), admin, page, it, item.Input{Title: title + " (staged)"}); err != nil {
			t.Fatalf("edit %s in %s: %v", title, id, err)
		}
		_, err = s.Stages.Publish(ctx, id, stage.PublishRequest{By: admin})
		return it, err
	}

	blocked, err := publishIn("embargo", "Blocked embargo", "Embargoed page")
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("publish of the Blocked stage: err = %v, want Invalid", err)
	}
	if msg := errs.Public(err); !strings.Contains(msg, "stageveto") || !strings.Contains(msg, "stage Blocked embargo (1 items to live) is blocked") {
		t.Errorf("veto message = %q; want the plugin's name and its message", msg)
	}
	if it, err := s.Items.Load(ctx, blocked.ID); err != nil || it.Title != "Embargoed page" {
		t.Errorf("Live after the vetoed publish = %+v, %v; want the Live title", it, err)
	}
	if n, err := s.Stages.Changes(ctx, "embargo"); err != nil || n != 1 {
		t.Errorf("vetoed stage changes = %d, %v; want 1 (kept)", n, err)
	}

	allowed, err := publishIn("spring", "Spring campaign", "Spring page")
	if err != nil {
		t.Fatalf("publish of the allowed stage: %v", err)
	}
	if it, err := s.Items.Load(ctx, allowed.ID); err != nil || it.Title != "Spring page (staged)" {
		t.Errorf("Live after the allowed publish = %+v, %v; want the staged title", it, err)
	}
}
