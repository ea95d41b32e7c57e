package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestCreatePageFlow is the foundation's user story in a real browser: an
// administrator logs in, creates a page through the form (after one failed
// attempt that keeps what was typed), sees it at its own URL rendered by the
// page plugin, and finds it on /recent-pages.
func TestCreatePageFlow(t *testing.T) {
	page := newPage(t)
	login(t, page, adminName, adminPass)

	if _, err := page.Goto("/item/add/page"); err != nil {
		t.Fatal(err)
	}
	if err := expect.Locator(page.GetByTestId("page-title")).ToHaveText("Create Basic page"); err != nil {
		t.Fatal(err)
	}
	save := page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Save"})

	// Forgetting the title: the form comes back with a message and the subtitle kept.
	if err := field(page, "Subtitle").Fill("Written in a real browser"); err != nil {
		t.Fatal(err)
	}
	if err := save.Click(); err != nil {
		t.Fatal(err)
	}
	if err := expect.Locator(page.GetByTestId("error-title")).ToContainText("required"); err != nil {
		t.Fatal(err)
	}
	if err := expect.Locator(field(page, "Subtitle")).ToHaveValue("Written in a real browser"); err != nil {
		t.Fatal(err)
	}

	if err := field(page, "Title").Fill("Playwright page"); err != nil {
		t.Fatal(err)
	}
	if err := save.Click(); err != nil {
		t.Fatal(err)
	}
	itemURL := regexp.MustCompile(`/item/[0-9a-f-]{36}$`)
	if err := page.WaitForURL(itemURL); err != nil {
		t.Fatalf("not redirected to the new item: %v", err)
	}
	url := page.URL()
	if err := expect.Locator(page.GetByTestId("page-title")).ToHaveText("Playwright page"); err != nil {
		t.Fatal(err)
	}
	if err := expect.Locator(page.Locator(".page-subtitle")).ToHaveText("Written in a real browser"); err != nil {
		t.Fatalf("the page plugin's subtitle is missing: %v", err)
	}
	if err := expect.Locator(page.GetByTestId("message")).ToContainText("has been created"); err != nil {
		t.Fatal(err)
	}

	if _, err := page.Goto("/recent-pages"); err != nil {
		t.Fatal(err)
	}
	link := page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Playwright page", Exact: playwright.Bool(true)})
	if err := link.Click(); err != nil {
		t.Fatalf("the new page is not listed on /recent-pages: %v", err)
	}
	if err := page.WaitForURL(url); err != nil {
		t.Fatalf("the listing links elsewhere: %v", err)
	}
}

// TestRecentPagesPager pages through the listing with htmx: only the listing
// is swapped, the URL is pushed, and that URL loads as a full page.
func TestRecentPagesPager(t *testing.T) {
	page := newPage(t)
	if _, err := page.Goto("/recent-pages"); err != nil {
		t.Fatal(err)
	}
	rows := page.Locator(".gather-row")
	if err := expect.Locator(rows).ToHaveCount(10); err != nil {
		t.Fatal(err)
	}
	// Mark the document: a full page load would lose the mark.
	if _, err := page.Evaluate(`document.body.dataset.mark = "kept"`); err != nil {
		t.Fatal(err)
	}
	if err := page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Next"}).Click(); err != nil {
		t.Fatal(err)
	}
	if err := page.WaitForURL(regexp.MustCompile(`/recent-pages\?page=1$`)); err != nil {
		t.Fatalf("pager did not push its URL: %v", err)
	}
	if err := expect.Locator(page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Previous"})).ToBeVisible(); err != nil {
		t.Fatal(err)
	}
	mark, err := page.Evaluate(`document.body.dataset.mark`)
	if err != nil || mark != "kept" {
		t.Fatalf("the pager reloaded the whole page (mark %v, %v)", mark, err)
	}
	if n, _ := page.Locator("h1").Count(); n != 1 {
		t.Fatalf("%d h1 elements after the swap: the partial carried a whole page", n)
	}
	// The pushed URL is a full page on its own.
	if _, err := page.Reload(); err != nil {
		t.Fatal(err)
	}
	title, _ := page.Title()
	if !strings.Contains(title, "Recent pages") {
		t.Fatalf("reloaded pager URL title = %q", title)
	}
}
