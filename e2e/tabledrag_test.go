package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mxschmitt/playwright-go"
)

// appQuery returns the rows of a one-column query on the running
// application's database, as text.
func appQuery(t *testing.T, sql string, args ...any) []string {
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
	rows, err := conn.Query(ctx, sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wantOrder waits (up to the expect timeout) until the rows selector
// matches are labelled (data-tabledrag-label) want, in order.
func wantOrder(t *testing.T, page playwright.Page, selector string, want ...string) {
	t.Helper()
	deadline := time.Now().Add(expectTimeout)
	for {
		got, err := page.Evaluate(`sel => Array.from(document.querySelectorAll(sel)).map(r => r.dataset.tabledragLabel).join(",")`, selector)
		must(t, err)
		if got == strings.Join(want, ",") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("rows %v, want %v", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// dragRow drags a row by its handle to just above (dy < 0) or below the
// middle of target, with the mouse, in small steps as a person would.
func dragRow(t *testing.T, page playwright.Page, handle, target playwright.Locator, above bool) {
	t.Helper()
	hb, err := handle.BoundingBox()
	must(t, err)
	tb, err := target.BoundingBox()
	must(t, err)
	mouse := page.Mouse()
	must(t, mouse.Move(hb.X+hb.Width/2, hb.Y+hb.Height/2))
	must(t, mouse.Down())
	y := tb.Y + tb.Height*0.75
	if above {
		y = tb.Y + tb.Height*0.25
	}
	must(t, mouse.Move(tb.X+20, y, playwright.MouseMoveOptions{Steps: playwright.Int(8)}))
	must(t, mouse.Up())
}

// TestDragReorder: on the block layout page a site builder drags a block
// above another in its region, drags a block from the footer into the
// sidebar, moves one with the keyboard (handle + arrow key), and saves: the
// new regions and order are stored. The weights are hidden behind "Show
// row weights" while the drag handles are there. In the listing builder a
// field row is dragged above the first one and the listing saved: its
// columns come in the new order.
func TestDragReorder(t *testing.T) {
	page := newPage(t)
	login(t, page, adminName, adminPass)
	t.Cleanup(func() { appDB(t, "DELETE FROM block") })
	appDB(t, `INSERT INTO block (id, region, weight, kind, title, body, format) VALUES
		(gen_random_uuid(), 'sidebar_first', 0, 'text', 'Alpha', 'a', 'plain_text'),
		(gen_random_uuid(), 'sidebar_first', 1, 'text', 'Beta', 'b', 'plain_text'),
		(gen_random_uuid(), 'footer', 0, 'text', 'Gamma', 'g', 'plain_text')`)
	row := func(title string) playwright.Locator {
		return page.Locator(`tr[data-tabledrag-row]`).Filter(playwright.LocatorFilterOptions{HasText: title})
	}
	handle := func(title string) playwright.Locator { return row(title).GetByTestId("tabledrag-handle") }
	sidebar := func(t *testing.T, want ...string) {
		t.Helper()
		wantOrder(t, page, `[data-testid="block-table-sidebar_first"] tr[data-tabledrag-row]`, want...)
	}

	t.Run("block layout", func(t *testing.T) {
		// Tall enough for the sidebar and the footer to show at once.
		must(t, page.SetViewportSize(1280, 1600))
		goTo(t, page, "/admin/structure/blocks")
		must(t, expect.Locator(handle("Alpha")).ToBeVisible())
		// The weights hide behind the toggle while rows can be dragged.
		weight := row("Alpha").Locator("input[data-tabledrag-weight]")
		must(t, expect.Locator(weight).ToBeHidden())
		toggle := page.GetByTestId("tabledrag-toggle")
		must(t, expect.Locator(toggle).ToHaveText("Show row weights"))
		must(t, toggle.Click())
		must(t, expect.Locator(weight).ToBeVisible())
		must(t, toggle.Click())
		must(t, expect.Locator(weight).ToBeHidden())

		// Beta above Alpha, within the sidebar.
		dragRow(t, page, handle("Beta"), row("Alpha"), true)
		sidebar(t, "Beta", "Alpha")
		// Gamma from the footer to the end of the sidebar.
		dragRow(t, page, handle("Gamma"), row("Alpha"), false)
		sidebar(t, "Beta", "Alpha", "Gamma")
		must(t, expect.Locator(row("Gamma").Locator("select[data-tabledrag-region]")).ToHaveValue("sidebar_first"))
		must(t, expect.Locator(page.GetByTestId("region-empty-footer")).ToBeVisible()) // the footer is empty now
		// The keyboard: Gamma's handle, arrow up, lands above Alpha.
		must(t, handle("Gamma").Focus())
		must(t, page.Keyboard().Press("ArrowUp"))
		sidebar(t, "Beta", "Gamma", "Alpha")
		must(t, expect.Locator(handle("Gamma")).ToBeFocused())
		// Past the last row of a region the arrow key moves into the next
		// region, and back.
		must(t, handle("Alpha").Focus())
		must(t, page.Keyboard().Press("ArrowDown"))
		must(t, expect.Locator(row("Alpha").Locator("select[data-tabledrag-region]")).ToHaveValue("content_bottom"))
		sidebar(t, "Beta", "Gamma")
		must(t, page.Keyboard().Press("ArrowUp"))
		must(t, expect.Locator(row("Alpha").Locator("select[data-tabledrag-region]")).ToHaveValue("sidebar_first"))
		sidebar(t, "Beta", "Gamma", "Alpha")
		must(t, expect.Locator(page.GetByTestId("tabledrag-warning")).ToBeVisible())

		must(t, page.GetByTestId("block-layout-save").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/blocks$`)))
		must(t, expect.Locator(page.GetByTestId("message")).ToContainText("has been saved"))
		got := appQuery(t, `SELECT region || ':' || title FROM block ORDER BY region, weight, title`)
		if strings.Join(got, ",") != "sidebar_first:Beta,sidebar_first:Gamma,sidebar_first:Alpha" {
			t.Fatalf("stored blocks %v, want Beta, Gamma, Alpha in the sidebar and nothing in the footer", got)
		}
		sidebar(t, "Beta", "Gamma", "Alpha")
	})

	t.Run("listing builder", func(t *testing.T) {
		orig := appQuery(t, `SELECT definition::text FROM gather_view WHERE name = 'recent_pages'`)[0]
		t.Cleanup(func() {
			appDB(t, `UPDATE gather_view SET definition = $1::jsonb, changed = now() WHERE name = 'recent_pages'`, orig)
		})
		goTo(t, page, "/admin/gather/recent_pages/edit")
		fields := page.Locator("#edit-fields-section > [data-tabledrag-row]")
		must(t, expect.Locator(fields).ToHaveCount(3))
		must(t, expect.Locator(input(page, "fields.0.weight")).ToBeHidden())
		// The date column (third) above the title (first).
		dragRow(t, page, fields.Nth(2).GetByTestId("tabledrag-handle"), fields.Nth(0), true)
		must(t, expect.Locator(input(page, "fields.2.weight")).ToHaveValue("1"))
		must(t, expect.Locator(input(page, "fields.0.weight")).ToHaveValue("2"))
		must(t, expect.Locator(input(page, "fields.1.weight")).ToHaveValue("3"))
		// A rebuild (a row added) shows the rows in their new order still.
		rebuilt(t, page, func() error { return button(page, "Add a field").Click() })
		order, err := page.Evaluate(`Array.from(document.querySelectorAll("#edit-fields-section > [data-tabledrag-row] select[name$='.field']")).map(s => s.value).join(",")`)
		must(t, err)
		if order != "created,title,field_subtitle," {
			t.Fatalf("after a rebuild the field rows read %v", order)
		}
		must(t, button(page, "Save listing").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/gather$`)))
		got := appQuery(t, `SELECT f ->> 'field' FROM gather_view, jsonb_array_elements(definition -> 'fields') WITH ORDINALITY AS e(f, n)
			WHERE name = 'recent_pages' ORDER BY n`)
		if strings.Join(got, ",") != "created,title,field_subtitle" {
			t.Fatalf("stored fields %v, want created, title, field_subtitle", got)
		}
		goTo(t, page, "/admin/gather/recent_pages/edit")
		must(t, expect.Locator(input(page, "fields.0.field")).ToHaveValue("created"))
	})
}
