package e2e

import (
	"regexp"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// createUser adds an account with one role through /admin/people/add.
func createUser(t *testing.T, admin playwright.Page, name, pass, roleLabel string) {
	t.Helper()
	_, err := admin.Goto("/admin/people/add")
	must(t, err)
	must(t, field(admin, "Username").Fill(name))
	must(t, field(admin, "Password").Fill(pass))
	must(t, field(admin, "Confirm password").Fill(pass))
	if roleLabel != "" {
		must(t, admin.GetByRole(*playwright.AriaRoleCheckbox, playwright.PageGetByRoleOptions{Name: roleLabel, Exact: playwright.Bool(true)}).Check())
	}
	must(t, button(admin, "Create new account").Click())
	must(t, admin.WaitForURL(regexp.MustCompile(`/admin/people`)))
}

// TestEditorialFlow is issue 4's story: an editor creates a page, edits it
// twice, compares revisions 1 and 3 and reverts to 1; an author without
// "edit any" cannot open another author's edit form nor see their drafts;
// an administrator changes a permission in the matrix and it applies at once.
func TestEditorialFlow(t *testing.T) {
	admin := newPage(t)
	login(t, admin, adminName, adminPass)
	createUser(t, admin, "erin", "erin-password-1", "Editor")
	createUser(t, admin, "otto", "otto-password-1", "")

	editor := newPage(t)
	login(t, editor, "erin", "erin-password-1")
	var itemURL string
	t.Run("editor creates, edits twice, compares 1 and 3, reverts to 1", func(t *testing.T) {
		_, err := editor.Goto("/item/add/page")
		must(t, err)
		must(t, field(editor, "Title").Fill("Opening hours"))
		must(t, field(editor, "Subtitle").Fill("Monday to Friday nine to five"))
		must(t, button(editor, "Save").Click())
		must(t, editor.WaitForURL(regexp.MustCompile(`/item/[0-9a-f-]{36}$`)))
		itemURL = editor.URL()
		for i, sub := range []string{"Monday to Saturday nine to five", "Every day ten to six"} {
			_, err := editor.Goto(itemURL + "/edit")
			must(t, err)
			must(t, field(editor, "Subtitle").Fill(sub))
			must(t, field(editor, "Revision log message").Fill("Change "+string(rune('1'+i))))
			must(t, button(editor, "Save").Click())
			must(t, expect.Locator(editor.GetByTestId("message")).ToContainText("has been updated"))
		}
		must(t, editor.GetByRole(*playwright.AriaRoleLink, playwright.PageGetByRoleOptions{Name: "Revisions", Exact: playwright.Bool(true)}).Click())
		must(t, expect.Locator(editor.GetByTestId("revision-log")).ToHaveCount(2))
		// Revisions are listed newest first: 3, 2, 1. Compare the oldest with the newest.
		radiosA := editor.Locator(`input[name="a"]`)
		radiosB := editor.Locator(`input[name="b"]`)
		must(t, radiosA.Nth(2).Check())
		must(t, radiosB.Nth(0).Check())
		must(t, button(editor, "Compare selected revisions").Click())
		diff := editor.GetByTestId("revision-compare")
		must(t, expect.Locator(diff.Locator("del").First()).ToBeVisible())
		must(t, expect.Locator(diff).ToContainText("Every day"))
		must(t, expect.Locator(diff).ToContainText("Monday"))

		_, err = editor.Goto(itemURL + "/revisions")
		must(t, err)
		must(t, editor.Locator(`a[aria-label^="Revert to the revision of"]`).Last().Click())
		must(t, button(editor, "Revert").Click())
		must(t, expect.Locator(editor.GetByTestId("revision-log").First()).ToContainText("Copy of the revision from"))
		_, err = editor.Goto(itemURL)
		must(t, err)
		must(t, expect.Locator(editor.Locator(".page-subtitle")).ToHaveText("Monday to Friday nine to five"))
	})

	t.Run("an author without edit any is kept out", func(t *testing.T) {
		// otto may create pages and edit his own only.
		_, err := admin.Goto("/admin/people/permissions")
		must(t, err)
		for _, perm := range []string{"create page content", "edit own page content", "access admin"} {
			must(t, admin.GetByTestId("permission-"+perm).GetByLabel("Authenticated user", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).Check())
		}
		must(t, button(admin, "Save permissions").Click())
		must(t, expect.Locator(admin.GetByTestId("message")).ToBeVisible())

		// The editor writes an unpublished draft.
		_, err = editor.Goto("/item/add/page")
		must(t, err)
		must(t, field(editor, "Title").Fill("Secret draft by erin"))
		must(t, editor.GetByLabel("Published", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Uncheck())
		must(t, button(editor, "Save").Click())
		must(t, editor.WaitForURL(regexp.MustCompile(`/item/[0-9a-f-]{36}$`)))

		author := newPage(t)
		login(t, author, "otto", "otto-password-1")
		resp, err := author.Goto(itemURL + "/edit")
		must(t, err)
		if resp.Status() != 403 {
			t.Fatalf("otto opened erin's edit form: %d", resp.Status())
		}
		_, err = author.Goto("/admin/content")
		must(t, err)
		must(t, expect.Locator(author.GetByTestId("content-list")).ToContainText("Opening hours"))
		must(t, expect.Locator(author.GetByTestId("content-list")).Not().ToContainText("Secret draft by erin"))
		_, err = author.Goto("/recent-pages")
		must(t, err)
		must(t, expect.Locator(author.GetByTestId("main")).Not().ToContainText("Secret draft by erin"))
	})

	t.Run("a permission change applies at once", func(t *testing.T) {
		visitor := newPage(t)
		login(t, visitor, "otto", "otto-password-1")
		resp, err := visitor.Goto("/admin/structure/types")
		must(t, err)
		if resp.Status() != 403 {
			t.Fatalf("otto sees content types before the grant: %d", resp.Status())
		}
		_, err = admin.Goto("/admin/people/permissions")
		must(t, err)
		must(t, admin.GetByTestId("permission-administer content types").GetByLabel("Authenticated user", playwright.LocatorGetByLabelOptions{Exact: playwright.Bool(true)}).Check())
		must(t, button(admin, "Save permissions").Click())
		must(t, expect.Locator(admin.GetByTestId("message")).ToBeVisible())
		resp, err = visitor.Goto("/admin/structure/types")
		must(t, err)
		if resp.Status() != 200 {
			t.Fatalf("otto after the grant: %d", resp.Status())
		}
	})
}
