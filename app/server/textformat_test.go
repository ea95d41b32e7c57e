package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// A user may only write in text formats their roles allow; content stored in
// a format they may not use stays read-only in their form and survives
// their save unchanged.
func TestTextFormatPermissions(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	id, err := s.Users.Create(ctx, "ed", "editor-password", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Users.AddRole(ctx, id, "editor"); err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	addField(t, admin, "page", "Body", "text_long", url.Values{"settings.rows": {"5"}, "settings.default_format": {"basic_html"}})

	edTok := token(t, s, "ed")
	r := newClient(t, s).postJSON("/item/add/page", edTok, `{"title":"Sneaky","fields":{"field_body":{"value":"<table></table>","format":"full_html"}}}`)
	if r.status != http.StatusForbidden {
		t.Fatalf("editor writing full_html: %d %s", r.status, r.body)
	}
	mustContain(t, r.body, "Full HTML", `"fields.field_body"`)
	if r := newClient(t, s).postJSON("/item/add/page", edTok, `{"title":"Fine","fields":{"field_body":{"value":"**bold**","format":"markdown"}}}`); r.status != 201 {
		t.Fatalf("editor writing markdown: %d %s", r.status, r.body)
	}

	r = admin.postJSON("/item/add/page", token(t, s, "admin"), `{"title":"Trusted","fields":{"field_body":{"value":"<table><tr><td>cell</td></tr></table><script>x()</script>","format":"full_html"}}}`)
	path := r.json(t)["url"].(string)
	view := admin.get(path)
	mustContain(t, view.body, "<td>cell</td>")
	mustNotContain(t, view.body, "<script>x()")

	ed := newClient(t, s)
	ed.login("ed", "editor-password")
	form := ed.get(path + "/edit")
	mustContain(t, form.body, "shown read-only")
	mustContain(t, form.body, `<select disabled id="edit-field-body-0-format"`)
	save := ed.formPost(form, path+"/edit", url.Values{"title": {"Trusted, retitled"}, "status": {"1"}, "op": {"Save"}})
	if save.status != http.StatusSeeOther {
		t.Fatalf("editor saving around locked text: %d\n%s", save.status, save.body)
	}
	mustContain(t, admin.get(path).body, "Trusted, retitled", "<td>cell</td>")
}
