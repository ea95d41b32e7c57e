package e2e

import (
	"context"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mxschmitt/playwright-go"
)

// appDB runs statements on the running application's database.
func appDB(t *testing.T, sql string, args ...any) {
	t.Helper()
	u, err := url.Parse(theApp.adminDBURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + theApp.dbName
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatal(err)
	}
}

// TestBlockPlacementFlow: the seeded "Recent pages" listing gets a block
// display (written to the database as another node would, so the running
// server must notice it on its own); the site builder places it in the
// sidebar on every page except /recent-pages, after one failed attempt
// that keeps what was chosen; a visitor sees it beside an item with its
// "more" link, and not on the excluded path; removing it empties the
// sidebar again (no empty column left behind).
func TestBlockPlacementFlow(t *testing.T) {
	page := newPage(t)
	login(t, page, adminName, adminPass)
	t.Cleanup(func() { appDB(t, "DELETE FROM block") })

	appDB(t, `UPDATE gather_view SET definition = definition || '{"block": {"items": 3, "title": "Latest pages", "more": true}}',
		changed = now() WHERE name = 'recent_pages'`)
	// Listings changed elsewhere reach this node within its 5 s watch.
	option := page.Locator(`#edit-block option[value="listing:recent_pages"]`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		goTo(t, page, "/admin/structure/blocks/add")
		if n, err := option.Count(); err == nil && n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(`"Listing: Recent pages" never appeared in the block choices`)
		}
		time.Sleep(500 * time.Millisecond)
	}

	// Forgetting the region: 422 with the choices kept.
	selectLabel(t, field(page, "Block"), "Listing: Recent pages")
	must(t, page.GetByLabel("All pages except those listed").Check())
	must(t, field(page, "Pages").Fill("/recent-pages"))
	must(t, button(page, "Save block").Click())
	must(t, expect.Locator(page.GetByTestId("error-region")).ToContainText("required"))
	must(t, expect.Locator(field(page, "Block")).ToHaveValue("listing:recent_pages"))
	must(t, expect.Locator(field(page, "Pages")).ToHaveValue("/recent-pages"))

	selectLabel(t, field(page, "Region"), "Sidebar")
	must(t, button(page, "Save block").Click())
	must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/blocks$`)))
	must(t, expect.Locator(page.GetByTestId("message")).ToContainText("has been saved"))
	must(t, expect.Locator(page.Locator(`[data-testid^="block-row-"]`)).ToContainText("Recent pages"))

	// A visitor: the block beside an item page, three rows and the link
	// to the whole listing; not on the excluded listing page itself.
	visitor := newPage(t)
	goTo(t, visitor, "/recent-pages")
	must(t, expect.Locator(visitor.GetByTestId("gather-recent_pages")).ToBeVisible())
	must(t, expect.Locator(visitor.GetByTestId("region-sidebar_first")).ToHaveCount(0))
	must(t, visitor.GetByTestId("gather-recent_pages").Locator("a.gather-field--title").First().Click())
	must(t, visitor.WaitForURL(regexp.MustCompile(`/item/[0-9a-f-]{36}$`)))
	sidebar := visitor.GetByTestId("region-sidebar_first")
	must(t, expect.Locator(sidebar).ToBeVisible())
	must(t, expect.Locator(sidebar.GetByRole(*playwright.AriaRoleHeading, playwright.LocatorGetByRoleOptions{Name: "Latest pages"})).ToBeVisible())
	must(t, expect.Locator(sidebar.Locator(".gather-row")).ToHaveCount(3))
	must(t, expect.Locator(sidebar.Locator(".pager, [data-testid=gather-exposed-form]")).ToHaveCount(0))
	// The sidebar sits beside the content, not under it.
	side, err := sidebar.BoundingBox()
	must(t, err)
	main, err := visitor.GetByTestId("main").BoundingBox()
	must(t, err)
	if side.X >= main.X {
		t.Errorf("the sidebar (x=%.0f) is not left of the content (x=%.0f)", side.X, main.X)
	}
	must(t, sidebar.GetByTestId("block-more").Click())
	must(t, visitor.WaitForURL(regexp.MustCompile(`/recent-pages$`)))

	// Removing the block: the item page has no sidebar column any more.
	goTo(t, page, "/admin/structure/blocks")
	must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Delete Recent pages"}).Click())
	must(t, button(page, "Remove").Click())
	must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/blocks$`)))
	_, err = visitor.GoBack()
	must(t, err)
	_, err = visitor.Reload()
	must(t, err)
	must(t, expect.Locator(visitor.GetByTestId("region-sidebar_first")).ToHaveCount(0))
	must(t, expect.Locator(visitor.Locator(".with-sidebar-first")).ToHaveCount(0))
}
