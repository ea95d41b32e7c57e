package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// formPost submits a page's form: its hidden inputs (csrf_token, form_id,
// form_build_id) plus the given values.
func (c *client) formPost(page response, action string, values url.Values) response {
	c.t.Helper()
	v := url.Values{"csrf_token": {csrf(c.t, page)}}
	if m := buildIDInput.FindStringSubmatch(page.body); m != nil {
		v.Set("form_build_id", m[1])
	}
	for k, vs := range values {
		v[k] = vs
	}
	return c.postForm(action, v)
}

func addField(t *testing.T, c *client, typ, label, fieldType string, extra url.Values) {
	t.Helper()
	page := c.get("/admin/structure/types/" + typ + "/fields/add")
	v := url.Values{"label": {label}, "field_type": {fieldType}, "cardinality": {"1"}, "op": {"Save field"}}
	for k, vs := range extra {
		v[k] = vs
	}
	r := c.formPost(page, "/admin/structure/types/"+typ+"/fields/add", v)
	if r.status != http.StatusSeeOther {
		t.Fatalf("add field %s (%s): status %d\n%s", label, fieldType, r.status, r.body)
	}
}

// A site builder makes a content type with fields of several types in the
// admin UI, and an editor fills in the generated form.
func TestContentModelingThroughTheUI(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	c.login("admin", adminPassword)

	types := c.get("/admin/structure/types")
	mustContain(t, types.body, "Basic page", "Plugin: page", "Add content type")

	// The machine name is derived from the label.
	addPage := c.get("/admin/structure/types/add")
	r := c.formPost(addPage, "/admin/structure/types/add", url.Values{
		"label": {"Concert event"}, "description": {"Things happening"}, "title_label": {"Event name"}, "published": {"1"}, "op": {"Save content type"},
	})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/structure/types/concert_event/fields" {
		t.Fatalf("add type: %d → %q\n%s", r.status, r.header.Get("Location"), r.body)
	}
	// A taken machine name is refused on the form, values kept.
	r = c.formPost(c.get("/admin/structure/types/add"), "/admin/structure/types/add", url.Values{
		"label": {"Concert event"}, "title_label": {"Title"}, "op": {"Save content type"},
	})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate type: %d", r.status)
	}
	mustContain(t, r.body, "already in use", `value="Concert event"`)

	// Choosing a field type and pressing "Show settings" rebuilds the
	// settings; under htmx only the settings fieldset comes back.
	fieldForm := c.get("/admin/structure/types/concert_event/fields/add")
	v := url.Values{"csrf_token": {csrf(t, fieldForm)}, "form_build_id": {buildIDInput.FindStringSubmatch(fieldForm.body)[1]},
		"label": {"Kind"}, "field_type": {"list"}, "show_settings": {"Show settings for this type"}}
	partial := c.do("POST", "/admin/structure/types/concert_event/fields/add", strings.NewReader(v.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", "X-CSRF-Token": v.Get("csrf_token")})
	if partial.status != 200 {
		t.Fatalf("rebuild: %d %s", partial.status, partial.body)
	}
	mustContain(t, partial.body, `name="settings.allowed_values"`, `id="edit-settings"`)
	mustNotContain(t, partial.body, "<html", `name="label"`)

	addField(t, c, "concert_event", "Venue", "text", url.Values{"settings.max_length": {"60"}, "required": {"1"}})
	addField(t, c, "concert_event", "Seats", "integer", url.Values{"settings.min": {"1"}})
	addField(t, c, "concert_event", "Sold out", "boolean", url.Values{"settings.on_label": {"Sold out"}, "settings.off_label": {"Tickets left"}})
	addField(t, c, "concert_event", "Starts on", "date", url.Values{"settings.display": {"iso"}})
	addField(t, c, "concert_event", "Kind", "list", url.Values{"settings.allowed_values": {"jazz|Jazz\nrock|Rock"}})
	addField(t, c, "concert_event", "Links", "link", url.Values{"cardinality": {"-1"}, "settings.title": {"optional"}})

	fields := c.get("/admin/structure/types/concert_event/fields")
	for _, want := range []string{"field_venue", "field_seats", "field_sold_out", "field_starts_on", "field_kind", "field_links", "Unlimited"} {
		mustContain(t, fields.body, want)
	}
	// Reorder: move Links up one place.
	r = c.postForm("/admin/structure/types/concert_event/fields/field_links/move", url.Values{"csrf_token": {csrf(t, fields)}, "dir": {"up"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("move: %d", r.status)
	}
	fields = c.get("/admin/structure/types/concert_event/fields")
	if strings.Index(fields.body, "field_links") > strings.Index(fields.body, "field_kind") {
		t.Error("Links did not move above Kind")
	}

	// The generated item form: Add another item twice on the links.
	form := c.get("/item/add/concert_event")
	mustContain(t, form.body, `<label for="edit-title">`, "Event name", `name="field_venue.0.value"`, `name="field_links.0.uri"`, "Add another item")
	values := url.Values{"title": {"Jazz night"}, "field_venue.0.value": {"The Cellar"}, "field_seats.0.value": {"not a number"},
		"field_sold_out.0.value": {"1"}, "field_starts_on.0.value": {"2026-12-24"}, "field_kind.0.value": {"jazz"},
		"field_links.0.uri": {"https://example.org/one"}, "status": {"1"}}
	page := form
	for i := 1; i <= 2; i++ {
		add := url.Values{"field_links.add": {"Add another item"}}
		for k, vs := range values {
			add[k] = vs
		}
		page = c.formPost(page, "/item/add/concert_event", add)
		if page.status != 200 {
			t.Fatalf("add another %d: %d %s", i, page.status, page.body)
		}
		mustContain(t, page.body, `name="field_links.`+string(rune('0'+i))+`.uri"`, `value="The Cellar"`)
		values.Set("field_links."+string(rune('0'+i))+".uri", "/local/"+string(rune('0'+i)))
	}
	values.Set("op", "Save")
	// One invalid value: 422, every other value kept.
	r = c.formPost(page, "/item/add/concert_event", values)
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid seats: %d", r.status)
	}
	mustContain(t, r.body, `data-testid="error-field_seats.0.value"`, `value="The Cellar"`, `value="not a number"`,
		`value="https://example.org/one"`, `value="/local/2"`, `value="2026-12-24"`)
	values.Set("field_seats.0.value", "120")
	r = c.formPost(r, "/item/add/concert_event", values)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", r.status, r.body)
	}
	itemURL := r.header.Get("Location")
	view := c.get(itemURL)
	mustContain(t, view.body, "Jazz night", "The Cellar", "120", "Sold out", "Jazz", `href="https://example.org/one"`, `href="/local/2"`)

	// A type with items cannot be deleted; the message says why.
	del := c.get("/admin/structure/types/concert_event/delete")
	if del.status != http.StatusConflict {
		t.Fatalf("delete type with items: %d", del.status)
	}
	mustContain(t, del.body, "is used by 1 item(s)")

	// Deleting a field asks first and says how many items hold values.
	confirm := c.get("/admin/structure/types/concert_event/fields/field_venue/delete")
	mustContain(t, confirm.body, "1 item(s) hold values in it")
	r = c.postForm("/admin/structure/types/concert_event/fields/field_venue/delete", url.Values{"csrf_token": {csrf(t, confirm)}, "confirm": {"1"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("delete field: %d", r.status)
	}
	view = c.get(itemURL)
	mustNotContain(t, view.body, "The Cellar")

	// Plugin-defined fields cannot be deleted; site builders may add fields to plugin types.
	if r := c.get("/admin/structure/types/page/fields/field_subtitle/delete"); r.status != http.StatusForbidden {
		t.Errorf("delete a plugin field: %d", r.status)
	}
	addField(t, c, "page", "Tagline", "text", url.Values{"settings.max_length": {"100"}})
	mustContain(t, c.get("/item/add/page").body, `name="field_subtitle.0.value"`, `name="field_tagline.0.value"`)
}

// The blog plugin's tap_form_alter (real wasm) reshapes the generated item
// form: help text on the summary, moved directly under the title.
func TestBlogPluginAltersItemForm(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	c.login("admin", adminPassword)
	page := c.get("/item/add/blog")
	if page.status != 200 {
		t.Fatalf("blog form: %d", page.status)
	}
	mustContain(t, page.body, "Shown in listings and feeds; keep it under 160 characters.")
	title := strings.Index(page.body, `name="title"`)
	summary := strings.Index(page.body, `name="field_summary.0.value"`)
	keywords := strings.Index(page.body, `name="field_tags_text.0.value"`)
	if title < 0 || summary < 0 || keywords < 0 || !(title < summary && summary < keywords) {
		t.Fatalf("order title=%d summary=%d keywords=%d: the summary is not right after the title", title, summary, keywords)
	}
	// The page form is left alone.
	mustNotContain(t, c.get("/item/add/page").body, "keep it under 160 characters")
}

// Item references: suggestions come from /item/autocomplete, and the
// widget accepts the suggestion's "Title (id)" back.
func TestItemReferenceAutocomplete(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	if r := c.get("/item/autocomplete?q=Welcome"); r.status != http.StatusForbidden {
		t.Errorf("anonymous autocomplete: %d", r.status)
	}
	c.login("admin", adminPassword)
	addField(t, c, "page", "Related", "item_reference", url.Values{"settings.target_types": {"page"}})
	r := c.do("GET", "/item/autocomplete?types=page&q=welcome", nil, map[string]string{"Accept": "application/json"})
	var got []map[string]string
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || len(got) != 1 || got[0]["title"] != "Welcome to Trovato" {
		t.Fatalf("suggestions %s (%v)", r.body, err)
	}
	form := c.get("/item/add/page")
	mustContain(t, form.body, `data-autocomplete-path="/item/autocomplete?types=page"`)
	save := c.formPost(form, "/item/add/page", url.Values{"title": {"Linked"}, "field_related.0.target_id": {got[0]["label"]}, "status": {"1"}, "op": {"Save"}})
	if save.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", save.status, save.body)
	}
	mustContain(t, c.get(save.header.Get("Location")).body, `href="/item/`+got[0]["id"]+`"`)
	// A reference to something that does not exist is refused on the form.
	bad := c.formPost(c.get("/item/add/page"), "/item/add/page", url.Values{"title": {"Broken"},
		"field_related.0.target_id": {"0190f5b4-0000-7000-8000-000000000000"}, "op": {"Save"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("dangling reference: %d", bad.status)
	}
}
