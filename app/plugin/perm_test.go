package plugin

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/user"
)

// The blog plugin, built to wasm, declares its permission through tap_perm;
// plugins without the tap add nothing.
func TestPermissionsFromPlugins(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "page"}, fixture{name: "blog"})
	got := h.Permissions(context.Background())
	want := []user.Permission{{
		Name:        "promote blog posts",
		Title:       "Promote blog posts to the front page",
		Description: "Mark blog posts as promoted, so front-page listings show them.",
		Group:       "blog",
	}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Permissions (-want +got):\n%s", d)
	}
}

// A host without plugins implementing tap_perm lists no permissions.
func TestPermissionsNone(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "page"})
	if got := h.Permissions(context.Background()); len(got) != 0 {
		t.Errorf("Permissions = %v, want none", got)
	}
}
