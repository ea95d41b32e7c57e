package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestFreeTaggingFlow: a free-tagging category field that takes several
// values is one text input of comma-separated names. Typing after a comma
// suggests only the name being typed, offered with the names before it
// kept; quotes keep a comma inside a name; a repeated name is saved once;
// the edit form shows the same text back.
func TestFreeTaggingFlow(t *testing.T) {
	page := newPage(t)
	login(t, page, adminName, adminPass)

	goTo(t, page, "/admin/structure/categories/add")
	must(t, field(page, "Name").Fill("Topics"))
	must(t, button(page, "Save vocabulary").Click())
	must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/categories(/topics)?$`)))
	for _, term := range []string{"Rust", "Ruby"} {
		goTo(t, page, "/admin/structure/categories/topics/add")
		must(t, field(page, "Name").Fill(term))
		must(t, button(page, "Save term").Click())
		must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/categories/topics$`)))
	}
	goTo(t, page, "/admin/structure/types/add")
	must(t, field(page, "Name").Fill("Note"))
	must(t, button(page, "Save content type").Click())
	must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/types/note/fields$`)))
	goTo(t, page, "/admin/structure/types/note/fields/add")
	must(t, field(page, "Label").Fill("Topics"))
	_, err := field(page, "Field type").SelectOption(playwright.SelectOptionValues{Values: &[]string{"category_reference"}})
	must(t, err)
	must(t, expect.Locator(input(page, "settings.vocabulary")).ToBeVisible())
	_, err = input(page, "settings.vocabulary").SelectOption(playwright.SelectOptionValues{Values: &[]string{"topics"}})
	must(t, err)
	must(t, page.GetByLabel("Free tagging (autocomplete)").Check())
	must(t, field(page, "Create new terms").Check())
	_, err = field(page, "Allowed number of values").SelectOption(playwright.SelectOptionValues{Values: &[]string{"-1"}})
	must(t, err)
	must(t, button(page, "Save field").Click())
	must(t, page.WaitForURL(regexp.MustCompile(`/admin/structure/types/note/fields$`)))

	goTo(t, page, "/item/add/note")
	tags := field(page, "Topics")
	must(t, expect.Locator(page.Locator(`[name="field_topics.0.target_id"]`)).ToHaveCount(0))
	must(t, tags.PressSequentially(`"Paris, France", Ru`))
	suggestions := page.Locator("#edit-field-topics--suggestions option")
	must(t, expect.Locator(suggestions).ToHaveCount(2))
	values := []string{}
	for i := range 2 {
		v, err := suggestions.Nth(i).GetAttribute("value")
		must(t, err)
		values = append(values, v)
	}
	for _, want := range []string{`"Paris, France", Ruby`, `"Paris, France", Rust`} {
		found := false
		for _, v := range values {
			found = found || v == want
		}
		if !found {
			t.Errorf("suggestions %q lack %q", values, want)
		}
	}

	must(t, tags.Fill(`"Paris, France", Rust, rust`))
	must(t, field(page, "Title").Fill("Trip notes"))
	must(t, button(page, "Save").Click())
	must(t, page.WaitForURL(regexp.MustCompile(`/item/[0-9a-f-]{36}$`)))
	links := page.Locator(`a[href^="/category/"]`)
	must(t, expect.Locator(links).ToHaveText([]string{"Paris, France", "Rust"}))

	must(t, page.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Edit", Exact: playwright.Bool(true)}).Click())
	must(t, expect.Locator(field(page, "Topics")).ToHaveValue(`"Paris, France", Rust`))
}
