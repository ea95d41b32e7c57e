package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

func selectLabel(t *testing.T, l playwright.Locator, label string) {
	t.Helper()
	_, err := l.SelectOption(playwright.SelectOptionValues{Labels: &[]string{label}})
	must(t, err)
}

// rebuilt runs an action that rebuilds the listing builder under htmx
// (a content type ticked, a field or operator chosen, a row added) and waits until the
// new builder has replaced the old one and htmx has processed it (htmx
// binds the new content's hx- attributes when it settles, when it also
// takes off the htmx-added class), so the next step acts on it.
func rebuilt(t *testing.T, page playwright.Page, action func() error) {
	t.Helper()
	_, err := page.Evaluate(`document.getElementById("edit-builder").dataset.stale = "1"`)
	must(t, err)
	must(t, action())
	must(t, expect.Locator(page.Locator("#edit-builder:not([data-stale]):not(.htmx-added)")).ToHaveCount(1))
}

func rowTitles(t *testing.T, page playwright.Page, want ...string) {
	t.Helper()
	rows := page.Locator(".gather-row .gather-field--title")
	if err := expect.Locator(rows).ToHaveText(want); err != nil {
		got, _ := rows.AllTextContents()
		t.Fatalf("rows %v, want %v: %v", got, want, err)
	}
}

// TestGatherListingFlow is the Phase 4/5 gate in a real browser: a site
// builder makes a tags vocabulary, an article type tagged from it and some
// articles, then builds "Articles" in the listing builder watching the
// preview; a visitor filters it by a term (htmx swaps the results and
// pushes the URL), pages, goes back, filters by year, never sees the
// unpublished article; the same filter works with JavaScript off.
func TestGatherListingFlow(t *testing.T) {
	page := newPage(t)
	login(t, page, adminName, adminPass)

	t.Run("vocabulary, type and articles", func(t *testing.T) {
		_, err := page.Goto("/admin/structure/categories/add")
		must(t, err)
		must(t, field(page, "Name").Fill("Tags"))
		must(t, button(page, "Save vocabulary").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/categories(/tags)?$`)))
		for _, term := range [][2]string{{"Tech", ""}, {"Go", "Tech"}, {"Food", ""}} {
			_, err := page.Goto("/admin/structure/categories/tags/add")
			must(t, err)
			must(t, field(page, "Name").Fill(term[0]))
			if term[1] != "" {
				selectLabel(t, field(page, "Parent term"), term[1])
			}
			must(t, button(page, "Save term").Click())
			must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/categories/tags$`)))
		}

		_, err = page.Goto("/admin/structure/types/add")
		must(t, err)
		must(t, field(page, "Name").Fill("Article"))
		must(t, button(page, "Save content type").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/types/article/fields$`)))
		_, err = page.Goto("/admin/structure/types/article/fields/add")
		must(t, err)
		must(t, field(page, "Label").Fill("Tags"))
		_, err = field(page, "Field type").SelectOption(playwright.SelectOptionValues{Values: &[]string{"category_reference"}})
		must(t, err)
		must(t, expect.Locator(input(page, "settings.vocabulary")).ToBeVisible())
		_, err = input(page, "settings.vocabulary").SelectOption(playwright.SelectOptionValues{Values: &[]string{"tags"}})
		must(t, err)
		must(t, button(page, "Save field").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/types/article/fields$`)))

		for _, a := range []struct{ title, tag, created string }{
			{"Tech in 2023", "Tech", "2023-06-01T12:00"},
			{"Go 1", "-Go", "2024-03-01T12:00"},
			{"Go 2", "-Go", "2024-03-02T12:00"},
			{"Go 3", "-Go", "2024-03-03T12:00"},
			{"Food 1", "Food", "2024-04-01T12:00"},
			{"Go draft", "-Go", "2024-05-01T12:00"},
		} {
			_, err := page.Goto("/item/add/article")
			must(t, err)
			must(t, field(page, "Title").Fill(a.title))
			selectLabel(t, input(page, "field_tags.0.target_id"), a.tag)
			must(t, page.GetByText("Authoring information").Click())
			must(t, input(page, "created").Fill(a.created))
			if a.title == "Go draft" {
				must(t, field(page, "Published").Uncheck())
			}
			must(t, button(page, "Save").Click())
			must(t, page.WaitForURL(regexp.MustCompile(`/item/[0-9a-f-]{36}$`)))
		}
	})

	if t.Failed() {
		t.FailNow() // each step needs the one before
	}
	t.Run("build the listing by pointing and clicking, watching the preview", func(t *testing.T) {
		_, err := page.Goto("/admin/gather/add")
		must(t, err)
		preview := page.GetByTestId("gather-preview")
		must(t, expect.Locator(page.GetByTestId("gather-preview-stats")).ToBeVisible()) // the starter listing previews on load
		must(t, field(page, "Machine name").Fill("articles"))
		must(t, input(page, "label").Fill("Articles"))

		// Content types: articles only. The builder then offers the
		// article's fields, and the preview shows articles.
		checkbox := func(name string) playwright.Locator {
			return page.GetByRole(*playwright.AriaRoleCheckbox, playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
		}
		rebuilt(t, page, func() error { return checkbox("Article").Check() })
		rebuilt(t, page, func() error { return checkbox("Basic page").Uncheck() })
		must(t, expect.Locator(page.Locator(`select[name="fields.0.field"] option[value="field_tags"]`)).ToHaveCount(1))
		must(t, expect.Locator(preview.Locator(".gather-row").First()).ToContainText("Go draft"))

		// Fields to show: title, created (from the starter) and the tags.
		rebuilt(t, page, func() error { return button(page, "Add a field").Click() })
		rebuilt(t, page, func() error { selectLabel(t, input(page, "fields.2.field"), "Tags (field_tags)"); return nil })
		must(t, input(page, "fields.2.label").Fill("Tags"))

		// A term filter exposed as a select of the Tags vocabulary: the
		// starter's title filter becomes a tags filter, whose operators are
		// the term operators (the old one stays, marked, until changed).
		rebuilt(t, page, func() error { selectLabel(t, input(page, "filters.0.field"), "Tags (field_tags)"); return nil })
		must(t, expect.Locator(page.Locator(`select[name="filters.0.op"] option[value="has_term_or_descendants"]`)).ToHaveCount(1))
		must(t, expect.Locator(page.Locator(`select[name="filters.0.op"] option[value="contains"]`)).ToHaveText(regexp.MustCompile(`not for this field`)))
		rebuilt(t, page, func() error {
			selectLabel(t, input(page, "filters.0.op"), "has the term or a narrower one")
			return nil
		})
		must(t, input(page, "filters.0.identifier").Fill("field_tags"))
		must(t, input(page, "filters.0.expose_label").Fill("Tag"))
		selectLabel(t, input(page, "filters.0.widget"), "Select list")
		selectLabel(t, input(page, "filters.0.vocabulary"), "Tags")

		// An exposed year filter on the authored-on date.
		rebuilt(t, page, func() error { return button(page, "Add a filter").Click() })
		rebuilt(t, page, func() error { selectLabel(t, input(page, "filters.1.field"), "Authored on"); return nil })
		must(t, expect.Locator(page.Locator(`select[name="filters.1.op"] option[value="year"]`)).ToHaveCount(1))
		rebuilt(t, page, func() error { selectLabel(t, input(page, "filters.1.op"), "is in the year"); return nil })
		must(t, page.Locator("#edit-filters-1-expose-details summary").Click())
		must(t, input(page, "filters.1.expose").Check())
		must(t, input(page, "filters.1.identifier").Fill("year"))
		must(t, input(page, "filters.1.expose_label").Fill("Year"))
		must(t, expect.Locator(input(page, "filters.0.expose")).ToBeChecked()) // the starter's filter stays exposed

		// Rows come and go in place under htmx: no page load.
		_, err = page.Evaluate(`document.body.dataset.mark = "kept"`)
		must(t, err)
		rebuilt(t, page, func() error { return button(page, "Add a sort").Click() })
		must(t, expect.Locator(input(page, "sorts.1.field")).ToHaveCount(1))
		rebuilt(t, page, func() error { return input(page, "sorts.remove-1").Click() })
		must(t, expect.Locator(input(page, "sorts.1.field")).ToHaveCount(0))
		must(t, expect.Locator(input(page, "filters.1.identifier")).ToHaveValue("year"))
		if mark, err := page.Evaluate(`document.body.dataset.mark`); err != nil || mark != "kept" {
			t.Fatalf("adding or removing a row reloaded the page (mark %v)", mark)
		}

		// Two a page with the mini pager; the page at /articles.
		must(t, field(page, "Items per page").Fill("2"))
		must(t, field(page, "Path").Fill("/articles"))
		must(t, field(page, "Page title").Fill("Articles"))
		must(t, field(page, "Text when there are no results").Fill("No articles match."))

		// The preview follows: two rows, newest first, the SQL and the plan.
		must(t, expect.Locator(preview.Locator(".gather-row")).ToHaveCount(2))
		must(t, expect.Locator(preview.Locator(".gather-row").First()).ToContainText("Go draft"))
		must(t, expect.Locator(page.GetByTestId("gather-preview-sql")).ToContainText("ORDER BY i.created DESC"))
		must(t, expect.Locator(page.GetByTestId("gather-preview-plan")).ToHaveCount(1))
		must(t, expect.Locator(page.GetByTestId("gather-preview-json")).ToContainText(`"identifier": "year"`))
		must(t, button(page, "Save listing").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/gather$`)))
		must(t, expect.Locator(page.GetByTestId("gather-row-articles")).ToBeVisible())
	})

	if t.Failed() {
		t.FailNow() // each step needs the one before
	}
	t.Run("advanced: edit as JSON", func(t *testing.T) {
		_, err := page.Goto("/admin/gather/articles/edit")
		must(t, err)
		must(t, page.GetByText("Advanced: edit as JSON").Click())
		must(t, field(page, "Definition (JSON)").Fill(`{"base_types": [`))
		must(t, button(page, "Load JSON into the builder").Click())
		must(t, expect.Locator(page.GetByTestId("error-definition_json")).ToContainText("not valid JSON"))
		must(t, expect.Locator(input(page, "filters.1.identifier")).ToHaveValue("year")) // the builder's values kept
		must(t, field(page, "Definition (JSON)").Fill(`{"base_types":["article"],"sorts":[{"field":"title","direction":"asc"}],`+
			`"pager":{"type":"full","items_per_page":3},"display":{"path":"/articles-by-title","title":"By title"}}`))
		must(t, button(page, "Load JSON into the builder").Click())
		must(t, expect.Locator(field(page, "Path")).ToHaveValue("/articles-by-title"))
		must(t, expect.Locator(input(page, "sorts.0.field")).ToHaveValue("title"))
		must(t, expect.Locator(input(page, "filters.0.field")).ToHaveCount(0))
		must(t, expect.Locator(page.GetByTestId("gather-preview-sql")).ToContainText("ORDER BY i.title ASC"))
	})

	t.Run("the builder without JavaScript", func(t *testing.T) {
		nojs := newPageNoJS(t)
		login(t, nojs, adminName, adminPass)
		_, err := nojs.Goto("/admin/gather/articles/edit")
		must(t, err)
		must(t, expect.Locator(input(nojs, "sorts.1.field")).ToHaveCount(0))
		must(t, button(nojs, "Add a sort").Click())
		must(t, expect.Locator(input(nojs, "sorts.1.field")).ToHaveCount(1))
		must(t, expect.Locator(input(nojs, "filters.1.identifier")).ToHaveValue("year")) // values kept
		selectLabel(t, input(nojs, "sorts.1.field"), "Title")                            // without JavaScript nothing is posted yet
		must(t, input(nojs, "sorts.remove-0").Click())
		must(t, expect.Locator(input(nojs, "sorts.1.field")).ToHaveCount(0))
		must(t, expect.Locator(input(nojs, "sorts.0.field")).ToHaveValue("title"))
		// Nothing was saved: the listing still sorts by date.
		_, err = nojs.Goto("/admin/gather/articles/edit")
		must(t, err)
		must(t, expect.Locator(input(nojs, "sorts.0.field")).ToHaveValue("created"))
	})

	if t.Failed() {
		t.FailNow() // each step needs the one before
	}
	t.Run("a visitor filters, pages and goes back", func(t *testing.T) {
		visitor := newPage(t)
		_, err := visitor.Goto("/articles")
		must(t, err)
		rowTitles(t, visitor, "Food 1", "Go 3")
		formBox, err := visitor.GetByTestId("gather-exposed-form").BoundingBox()
		must(t, err)
		resultsBox, err := visitor.GetByTestId("gather-articles").BoundingBox()
		must(t, err)
		if formBox.Y >= resultsBox.Y {
			t.Errorf("the filter form is not above the results")
		}
		_, err = visitor.Evaluate(`document.body.dataset.mark = "kept"`)
		must(t, err)

		selectLabel(t, field(visitor, "Tag"), "Tech")
		must(t, visitor.WaitForURL(regexp.MustCompile(`/articles\?.*field_tags=[0-9a-f-]{36}`)))
		rowTitles(t, visitor, "Go 3", "Go 2")
		filteredURL := visitor.URL()

		must(t, visitor.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Next"}).Click())
		must(t, visitor.WaitForURL(regexp.MustCompile(`/articles\?field_tags=[0-9a-f-]{36}&page=1$`)))
		rowTitles(t, visitor, "Go 1", "Tech in 2023")
		mark, err := visitor.Evaluate(`document.body.dataset.mark`)
		if err != nil || mark != "kept" {
			t.Fatalf("filtering or paging reloaded the page (mark %v)", mark)
		}

		_, err = visitor.GoBack()
		must(t, err)
		must(t, visitor.WaitForURL(filteredURL))
		rowTitles(t, visitor, "Go 3", "Go 2")

		must(t, field(visitor, "Year").Fill("2023"))
		must(t, field(visitor, "Year").Press("Enter"))
		must(t, visitor.WaitForURL(regexp.MustCompile(`year=2023`)))
		rowTitles(t, visitor, "Tech in 2023")

		// The pushed URL loads as a full page with the filters filled in.
		_, err = visitor.Reload()
		must(t, err)
		rowTitles(t, visitor, "Tech in 2023")
		must(t, expect.Locator(field(visitor, "Year")).ToHaveValue("2023"))
		if n, _ := visitor.Locator("h1").Count(); n != 1 {
			t.Errorf("%d h1 elements", n)
		}

		// A bad year: a message in the page, not an error page.
		must(t, field(visitor, "Year").Fill("soon"))
		must(t, field(visitor, "Year").Press("Enter"))
		must(t, expect.Locator(visitor.GetByTestId("gather-errors")).ToContainText("Enter a year like 2024."))

		body, err := visitor.Content()
		must(t, err)
		if strings.Contains(body, "Go draft") {
			t.Error("an anonymous visitor sees the unpublished article")
		}
	})

	if t.Failed() {
		t.FailNow() // each step needs the one before
	}
	t.Run("the same filter without JavaScript", func(t *testing.T) {
		nojs := newPageNoJS(t)
		_, err := nojs.Goto("/articles")
		must(t, err)
		selectLabel(t, field(nojs, "Tag"), "Food")
		must(t, button(nojs, "Apply").Click())
		must(t, nojs.WaitForURL(regexp.MustCompile(`/articles\?field_tags=[0-9a-f-]{36}&year=$`)))
		rowTitles(t, nojs, "Food 1")
		must(t, expect.Locator(field(nojs, "Tag")).ToHaveValue(regexp.MustCompile(`^[0-9a-f-]{36}$`)))
	})
}
