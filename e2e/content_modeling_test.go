package e2e

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

func button(page playwright.Page, name string) playwright.Locator {
	return page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func input(page playwright.Page, name string) playwright.Locator {
	return page.Locator(`[name="` + name + `"]`)
}

// settingsProbe is a settings input that only the given field type shows.
var settingsProbe = map[string]string{
	"text": "settings.max_length", "integer": "settings.prefix", "boolean": "settings.on_label",
	"list": "settings.allowed_values", "link": "settings.title",
}

// addFieldUI adds a field through the Manage fields UI; settings are filled
// after choosing the type and pressing "Show settings for this type".
func addFieldUI(t *testing.T, page playwright.Page, typ, label, fieldType, cardinality string, settings map[string]string) {
	t.Helper()
	_, err := page.Goto("/admin/structure/types/" + typ + "/fields/add")
	must(t, err)
	must(t, field(page, "Label").Fill(label))
	_, err = field(page, "Field type").SelectOption(playwright.SelectOptionValues{Values: &[]string{fieldType}})
	must(t, err)
	// Choosing the type rebuilds the settings fieldset in place (htmx).
	must(t, expect.Locator(input(page, settingsProbe[fieldType])).ToBeVisible())
	for name, v := range settings {
		must(t, expect.Locator(input(page, name)).ToBeVisible())
		must(t, input(page, name).Fill(v))
	}
	_, err = field(page, "Allowed number of values").SelectOption(playwright.SelectOptionValues{Values: &[]string{cardinality}})
	must(t, err)
	must(t, button(page, "Save field").Click())
	must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/types/`+typ+`/fields$`)))
	must(t, expect.Locator(page.GetByTestId("message")).ToContainText("The field "+label+" has been added"))
}

// TestContentModelingFlow is the site builder's and the editor's story of
// issue 3 in a real browser: a content type with five fields of five types,
// an item with "Add another item" three times, an invalid value that loses
// nothing, the same with JavaScript off, and deleting a field.
func TestContentModelingFlow(t *testing.T) {
	page := newPage(t)
	login(t, page, adminName, adminPass)

	t.Run("create a content type with five fields", func(t *testing.T) {
		_, err := page.Goto("/admin/structure/types/add")
		must(t, err)
		must(t, field(page, "Name").Fill("Recipe"))
		must(t, button(page, "Save content type").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/types/recipe/fields$`)))

		addFieldUI(t, page, "recipe", "Cuisine", "text", "1", map[string]string{"settings.max_length": "80"})
		addFieldUI(t, page, "recipe", "Servings", "integer", "1", map[string]string{"settings.min": "1"})
		addFieldUI(t, page, "recipe", "Vegetarian", "boolean", "1", nil)
		addFieldUI(t, page, "recipe", "Course", "list", "1", map[string]string{"settings.allowed_values": "starter|Starter\nmain|Main course\ndessert|Dessert"})
		addFieldUI(t, page, "recipe", "Sources", "link", "-1", nil)
		for _, f := range []string{"field_cuisine", "field_servings", "field_vegetarian", "field_course", "field_sources"} {
			must(t, expect.Locator(page.GetByTestId("field-"+f)).ToBeVisible())
		}
	})

	t.Run("add another item three times, one invalid value keeps everything", func(t *testing.T) {
		_, err := page.Goto("/item/add/recipe")
		must(t, err)
		must(t, field(page, "Title").Fill("Ratatouille"))
		must(t, field(page, "Cuisine").Fill("Provençal"))
		must(t, field(page, "Servings").Fill("0")) // below the minimum of 1
		must(t, field(page, "Vegetarian").Check())
		_, err = field(page, "Course").SelectOption(playwright.SelectOptionValues{Values: &[]string{"main"}})
		must(t, err)
		must(t, input(page, "field_sources.0.uri").Fill("https://example.org/r/0"))
		// Mark the document: htmx swaps must not reload the page.
		_, err = page.Evaluate(`document.body.dataset.mark = "kept"`)
		must(t, err)
		for i := 1; i <= 3; i++ {
			must(t, button(page, "Add another item").Click())
			must(t, expect.Locator(input(page, "field_sources."+strconv.Itoa(i)+".uri")).ToBeVisible())
			must(t, input(page, "field_sources."+strconv.Itoa(i)+".uri").Fill("https://example.org/r/"+strconv.Itoa(i)))
		}
		mark, err := page.Evaluate(`document.body.dataset.mark`)
		if err != nil || mark != "kept" {
			t.Fatalf("Add another item reloaded the page (mark %v)", mark)
		}
		must(t, expect.Locator(field(page, "Title")).ToHaveValue("Ratatouille"))

		must(t, button(page, "Save").Click())
		must(t, expect.Locator(page.GetByTestId("error-field_servings.0.value")).ToBeVisible())
		if _, err := screenshot(t, page); err != nil {
			t.Log(err)
		}
		must(t, expect.Locator(field(page, "Title")).ToHaveValue("Ratatouille"))
		must(t, expect.Locator(field(page, "Cuisine")).ToHaveValue("Provençal"))
		must(t, expect.Locator(field(page, "Servings")).ToHaveValue("0"))
		must(t, expect.Locator(field(page, "Vegetarian")).ToBeChecked())
		must(t, expect.Locator(field(page, "Course")).ToHaveValue("main"))
		for i := 0; i <= 3; i++ {
			must(t, expect.Locator(input(page, "field_sources."+strconv.Itoa(i)+".uri")).ToHaveValue("https://example.org/r/"+strconv.Itoa(i)))
		}

		must(t, field(page, "Servings").Fill("4"))
		must(t, button(page, "Save").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/item/[0-9a-f-]{36}$`)))
		must(t, expect.Locator(page.GetByTestId("page-title")).ToHaveText("Ratatouille"))
		main := page.GetByTestId("main")
		must(t, expect.Locator(main).ToContainText("Provençal"))
		must(t, expect.Locator(main).ToContainText("Main course"))
		must(t, expect.Locator(page.Locator(`a[href="https://example.org/r/3"]`)).ToBeVisible())
	})

	t.Run("add another item without JavaScript", func(t *testing.T) {
		nojs := newPageNoJS(t)
		login(t, nojs, adminName, adminPass)
		_, err := nojs.Goto("/item/add/recipe")
		must(t, err)
		must(t, field(nojs, "Title").Fill("Soup"))
		must(t, input(nojs, "field_sources.0.uri").Fill("/soup/first"))
		must(t, button(nojs, "Add another item").Click())
		must(t, expect.Locator(input(nojs, "field_sources.1.uri")).ToBeVisible())
		must(t, expect.Locator(field(nojs, "Title")).ToHaveValue("Soup"))
		must(t, expect.Locator(input(nojs, "field_sources.0.uri")).ToHaveValue("/soup/first"))
		must(t, input(nojs, "field_sources.1.uri").Fill("/soup/second"))
		// Remove the first value: the second moves up.
		must(t, button(nojs, "Remove item 1").Click())
		must(t, expect.Locator(input(nojs, "field_sources.0.uri")).ToHaveValue("/soup/second"))
		must(t, button(nojs, "Save").Click())
		must(t, nojs.WaitForURL(regexp.MustCompile(`/item/[0-9a-f-]{36}$`)))
		must(t, expect.Locator(nojs.Locator(`a[href="/soup/second"]`)).ToBeVisible())
	})

	t.Run("delete a field with confirmation", func(t *testing.T) {
		_, err := page.Goto("/admin/structure/types/recipe/fields")
		must(t, err)
		must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Delete Cuisine"}).Click())
		must(t, expect.Locator(page.GetByTestId("confirm")).ToContainText("1 item(s) hold values in it"))
		must(t, button(page, "Delete field").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/types/recipe/fields$`)))
		must(t, expect.Locator(page.GetByTestId("field-field_cuisine")).ToHaveCount(0))
		must(t, expect.Locator(page.GetByTestId("message")).ToContainText("has been deleted"))
	})
}
