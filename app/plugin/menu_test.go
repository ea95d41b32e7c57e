package plugin

import (
	"context"
	"strings"
	"testing"

	"github.com/trovato/trovato/app/errs"
)

func TestMenuRoutesFollowEnableAndDisable(t *testing.T) {
	h, _, _, logs := dbHost(t, fixture{name: "notes"}, fixture{name: "blog"})
	ctx := context.Background()
	m, ok := h.MatchRoute("/notes/secret/abc")
	if !ok || m.Plugin != "notes" || m.Route.Callback != "page_secret" || m.Args["key"] != "abc" || m.Route.Permission != "administer plugins" {
		t.Fatalf("MatchRoute(/notes/secret/abc) = %+v, %v", m, ok)
	}
	if m, ok := h.MatchRoute("/notes/"); !ok || m.Route.Permission != DefaultRoutePermission || m.Path != "/notes" {
		t.Errorf("MatchRoute(/notes/) = %+v, %v", m, ok)
	}
	if m, ok := h.MatchRoute("/blog/tag/go"); !ok || m.Plugin != "blog" || m.Args["tag"] != "go" {
		t.Errorf("MatchRoute(/blog/tag/go) = %+v, %v", m, ok)
	}
	for _, path := range []string{"/notes/bad", "/notes/secret", "/notes/secret/a/b", "/", "/nothing", "/notes/a/x/b"} {
		if m, ok := h.MatchRoute(path); ok {
			t.Errorf("MatchRoute(%s) = %+v, want no route", path, m)
		}
	}
	logs.requireLog(t, "plugin route skipped", "plugin=notes", "page_<name> tap")
	logs.requireLog(t, "plugin route skipped", "names {a} twice")

	// The page callback gets the args and the account.
	res, err := h.Page(ctx, m, nil, AccessAccount{Name: "ann", Authenticated: true}, Viewer{})
	if err != nil || res.Title != "Secret abc" || !strings.Contains(string(res.Content), "the secret of abc for ann") {
		t.Errorf("Page = %+v, %v", res, err)
	}

	if err := h.Disable(ctx, "notes"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.MatchRoute("/notes"); ok {
		t.Error("a disabled plugin's route still matches")
	}
	if _, err := h.Page(ctx, m, nil, AccessAccount{}, Viewer{}); !errs.Is(err, errs.NotFound) {
		t.Errorf("Page of a disabled plugin = %v, want not found", err)
	}
	if _, ok := h.MatchRoute("/blog"); !ok {
		t.Error("disabling notes removed the blog route")
	}
	if err := h.Enable(ctx, "notes"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.MatchRoute("/notes"); !ok {
		t.Error("the route did not come back with Enable")
	}
	if links := h.MenuLinks("main"); len(links) != 1 || links[0].Plugin != "blog" {
		t.Errorf("MenuLinks = %+v", links)
	}
}

func TestItemQueryNeedsCapabilityAndQuerier(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "blog"})
	ctx := context.Background()
	if err := h.UseStore(ctx, &memStore{rows: map[string]bool{}}); err != nil {
		t.Fatal(err)
	}
	m, ok := h.MatchRoute("/blog")
	if !ok {
		t.Fatal("no /blog route")
	}
	// Without a querier the page fails with the host's message.
	if _, err := h.Page(ctx, m, nil, AccessAccount{}, Viewer{}); err == nil {
		t.Error("Page without a querier succeeded")
	}
	var seen Viewer
	var asked ItemQuery
	h.SetItemQuerier(func(ctx context.Context, q ItemQuery, v Viewer) ([]*Item, error) {
		seen, asked = v, q
		return []*Item{{ID: "u1", Type: "blog", Title: "From the query", Fields: map[string][]map[string]any{"field_summary": {{"value": "by handle"}}}}}, nil
	})
	res, err := h.Page(ctx, m, nil, AccessAccount{}, Viewer{UserID: "me"})
	if err != nil {
		t.Fatal(err)
	}
	if seen.UserID != "me" || len(asked.Types) != 1 || asked.Types[0] != "blog" || asked.Limit != 10 {
		t.Errorf("querier got %+v for %+v", asked, seen)
	}
	for _, want := range []string{`"href":"/item/u1"`, "From the query", "by handle"} {
		if !strings.Contains(string(res.Content), want) {
			t.Errorf("page content lacks %s: %s", want, res.Content)
		}
	}
}
