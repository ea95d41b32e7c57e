package e2e

import (
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestPluginsEnableDisableFlow is the plugin platform's story in a real
// browser: on /admin/plugins an administrator disables the blog plugin and
// its /blog page and "Blog" menu link disappear at once; enabling it brings
// them back; enabling the tutorial's hello plugin greets readers on item
// pages, and disabling it removes the greeting — all without a restart.
func TestPluginsEnableDisableFlow(t *testing.T) {
	page := newPage(t)
	login(t, page, adminName, adminPass)
	menuLink := page.Locator(`nav.site-nav [data-testid="menu-link"]`).Filter(playwright.LocatorFilterOptions{HasText: "Blog"})

	// The blog plugin is enabled on a new site: its route and menu link are served.
	goTo(t, page, "/blog")
	must(t, expect.Locator(page.GetByTestId("page-title")).ToHaveText("Blog"))
	must(t, expect.Locator(menuLink).ToHaveCount(1))

	pluginOp := func(testID, done string) {
		t.Helper()
		goTo(t, page, "/admin/plugins")
		must(t, page.GetByTestId(testID).Click())
		must(t, expect.Locator(page.GetByTestId("message")).ToContainText(done))
	}
	pluginOp("plugin-disable-blog", "The plugin blog has been disabled.")
	must(t, expect.Locator(page.GetByTestId("plugin-blog")).ToHaveAttribute("data-status", "disabled"))
	goTo(t, page, "/blog")
	must(t, expect.Locator(page.GetByTestId("page-title")).ToHaveText("Page not found"))
	must(t, expect.Locator(menuLink).ToHaveCount(0))

	pluginOp("plugin-enable-blog", "The plugin blog has been enabled.")
	goTo(t, page, "/blog")
	must(t, expect.Locator(page.GetByTestId("page-title")).ToHaveText("Blog"))
	must(t, menuLink.Click())
	must(t, page.WaitForURL("**/blog"))

	// hello starts disabled; enabling it greets on item pages.
	goTo(t, page, "/recent-pages")
	must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Frequently asked questions", Exact: playwright.Bool(true)}).Click())
	must(t, page.WaitForURL("**/item/*"))
	itemURL := page.URL()
	greeting := page.GetByText("Hello from a plugin")
	must(t, expect.Locator(greeting).ToHaveCount(0))
	pluginOp("plugin-enable-hello", "The plugin hello has been enabled.")
	goTo(t, page, itemURL)
	must(t, expect.Locator(greeting).ToBeVisible())
	pluginOp("plugin-disable-hello", "The plugin hello has been disabled.")
	goTo(t, page, itemURL)
	must(t, expect.Locator(greeting).ToHaveCount(0))
}

// goTo opens path and fails the test when it cannot be loaded.
func goTo(t *testing.T, page playwright.Page, path string) {
	t.Helper()
	if _, err := page.Goto(path); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
}
