package form_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/views"
)

func render(t *testing.T, c templ.Component) string {
	t.Helper()
	var sb strings.Builder
	if err := c.Render(context.Background(), &sb); err != nil {
		t.Fatalf("render: %v", err)
	}
	return sb.String()
}

// renderInForm renders els as the elements of a form posting to /save.
func renderInForm(t *testing.T, els ...*form.Element) string {
	t.Helper()
	return render(t, views.Form(&form.Form{ID: "test", Action: "/save", Elements: els}))
}

func checkHTML(t *testing.T, html string, want, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("missing %q in\n%s", w, html)
		}
	}
	for _, w := range notWant {
		if strings.Contains(html, w) {
			t.Errorf("unexpected %q in\n%s", w, html)
		}
	}
}

func ptr(f float64) *float64 { return &f }

var colors = []form.Option{{Value: "red", Label: "Red"}, {Value: "blue", Label: "Blue"}}

func TestRenderElementTypes(t *testing.T) {
	tests := []struct {
		name    string
		el      *form.Element
		want    []string
		notWant []string
	}{
		{
			name: "textfield keeps and escapes its value",
			el: &form.Element{Key: "title", Type: form.TextField, Label: "Title", Required: true, MaxLength: 255,
				Placeholder: "A title", Value: `<script>alert("x")</script>`, Description: "The <b>headline</b>."},
			want: []string{
				`<label for="edit-title">Title<span class="form-required" title="This field is required.">*</span>`,
				`<input type="text" value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"`,
				`id="edit-title"`, `name="title"`, `maxlength="255"`, `placeholder="A title"`, ` required`,
				`aria-describedby="edit-title--description"`,
				`<div id="edit-title--description" class="form-item-description">The &lt;b&gt;headline&lt;/b&gt;.</div>`,
			},
			notWant: []string{"<script>", "<b>", "has-error", "aria-invalid"},
		},
		{
			name: "error marks the element",
			el:   &form.Element{Key: "title", Type: form.TextField, Label: "Title", Value: "kept", Error: "Title field is required."},
			want: []string{
				`class="form-item form-type-textfield has-error"`, `aria-invalid="true"`, `value="kept"`,
				`aria-describedby="edit-title--error"`,
				`<div id="edit-title--error" class="form-item-error" data-testid="error-title">Title field is required.</div>`,
			},
		},
		{
			name: "textarea",
			el:   &form.Element{Key: "body", Type: form.TextArea, Label: "Body", Rows: 3, Value: "</textarea><script>x</script>"},
			want: []string{`<label for="edit-body">Body</label>`, `<textarea rows="3" id="edit-body" name="body">&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt;</textarea>`},
		},
		{
			name: "textarea keeps a leading newline",
			el:   &form.Element{Key: "body", Type: form.TextArea, Label: "Body", Value: "\nsecond line"},
			want: []string{`<textarea rows="5" id="edit-body" name="body">` + "\n\nsecond line</textarea>"},
		},
		{
			name: "number",
			el:   &form.Element{Key: "count", Type: form.Number, Label: "Count", Min: ptr(1), Max: ptr(10.5), Step: "1", Value: "3"},
			want: []string{`<label for="edit-count">Count</label>`, `<input type="number" value="3"`, `min="1"`, `max="10.5"`, `step="1"`},
		},
		{
			name: "number without step accepts any",
			el:   &form.Element{Key: "price", Type: form.Number, Label: "Price"},
			want: []string{`type="number"`, `step="any"`},
		},
		{
			name: "email",
			el:   &form.Element{Key: "mail", Type: form.Email, Label: "Email", Value: "a@example.com"},
			want: []string{`<label for="edit-mail">Email</label>`, `<input type="email" value="a@example.com"`, `name="mail"`},
		},
		{
			name: "url",
			el:   &form.Element{Key: "link", Type: form.URL, Label: "Link", Value: "https://example.com/?a=1&b=2"},
			want: []string{`<input type="url" value="https://example.com/?a=1&amp;b=2"`},
		},
		{
			name: "date",
			el:   &form.Element{Key: "day", Type: form.Date, Label: "Day", Value: "2024-02-29"},
			want: []string{`<label for="edit-day">Day</label>`, `<input type="date" value="2024-02-29"`},
		},
		{
			name: "datetime",
			el:   &form.Element{Key: "at", Type: form.DateTime, Label: "At", Value: "2024-02-29T13:45"},
			want: []string{`<input type="datetime-local" value="2024-02-29T13:45"`},
		},
		{
			name: "checkbox checked",
			el:   &form.Element{Key: "status", Type: form.Checkbox, Label: "Published", Value: "1"},
			want: []string{`<input type="checkbox" value="1" checked id="edit-status" name="status">`, `<label for="edit-status">Published</label>`},
		},
		{
			name:    "checkbox unchecked",
			el:      &form.Element{Key: "status", Type: form.Checkbox, Label: "Published", Value: "0"},
			want:    []string{`<input type="checkbox" value="1" id="edit-status" name="status">`},
			notWant: []string{"checked"},
		},
		{
			name: "checkboxes",
			el: &form.Element{Key: "colors", Type: form.Checkboxes, Label: "Colors", Required: true, Options: colors,
				Values: []string{"blue"}, Error: "Colors field is required.", Description: "Pick some."},
			want: []string{
				`<fieldset id="edit-colors" class="form-item form-type-checkboxes has-error" aria-describedby="edit-colors--error edit-colors--description">`,
				`<legend>Colors<span class="form-required"`,
				`<input type="checkbox" id="edit-colors-0" name="colors" value="red" aria-invalid="true"> <label for="edit-colors-0">Red</label>`,
				`<input type="checkbox" id="edit-colors-1" name="colors" value="blue" checked aria-invalid="true"> <label for="edit-colors-1">Blue</label>`,
				`data-testid="error-colors"`,
			},
		},
		{
			name: "radios",
			el:   &form.Element{Key: "color", Type: form.Radios, Label: "Color", Options: colors, Value: "red"},
			want: []string{
				`<fieldset id="edit-color" class="form-item form-type-radios">`, `<legend>Color</legend>`,
				`<input type="radio" id="edit-color-0" name="color" value="red" checked> <label for="edit-color-0">Red</label>`,
				`<input type="radio" id="edit-color-1" name="color" value="blue"> <label for="edit-color-1">Blue</label>`,
			},
		},
		{
			name:    "select keeps its value",
			el:      &form.Element{Key: "color", Type: form.Select, Label: "Color", Options: colors, Value: "blue"},
			want:    []string{`<label for="edit-color">Color</label>`, `<select id="edit-color" name="color">`, `<option value="red">Red</option>`, `<option value="blue" selected>Blue</option>`},
			notWant: []string{"multiple", `<option value="">`},
		},
		{
			name: "select without value offers an empty choice",
			el:   &form.Element{Key: "color", Type: form.Select, Label: "Color", Required: true, Options: colors},
			want: []string{`<option value="">- Select -</option>`},
		},
		{
			name:    "multiple select",
			el:      &form.Element{Key: "color", Type: form.Select, Label: "Color", Multiple: true, Options: colors, Values: []string{"red", "blue"}},
			want:    []string{`<select multiple id="edit-color" name="color">`, `<option value="red" selected>`, `<option value="blue" selected>`},
			notWant: []string{`<option value="">`},
		},
		{
			name:    "hidden",
			el:      &form.Element{Key: "nonce", Type: form.Hidden, Value: `"><script>`},
			want:    []string{`<input type="hidden" name="nonce" value="&#34;&gt;&lt;script&gt;">`},
			notWant: []string{"<label"},
		},
		{
			name:    "password is never echoed",
			el:      &form.Element{Key: "pass", Type: form.Password, Label: "Password", Value: "hunter2"},
			want:    []string{`<label for="edit-pass">Password</label>`, `<input type="password" autocomplete="current-password" id="edit-pass" name="pass">`},
			notWant: []string{"hunter2"},
		},
		{
			name: "file is a disabled placeholder",
			el:   &form.Element{Key: "upload", Type: form.File, Label: "Upload", Required: true, Disabled: true},
			want: []string{
				`<label for="edit-upload">Upload`, `<input type="file" disabled aria-describedby="edit-upload--note" id="edit-upload" name="upload">`,
				`File uploads arrive with file storage.`,
			},
		},
		{
			name: "autocomplete is a plain text input",
			el: &form.Element{Key: "ref.0.target_id", Type: form.Autocomplete, Label: "Related",
				AutocompletePath: "/item/autocomplete?types=page", Value: "0190b6c4-0000-7000-8000-000000000000"},
			want: []string{
				`<label for="edit-ref-0-target-id">Related</label>`,
				`<input type="text" value="0190b6c4-0000-7000-8000-000000000000" autocomplete="off" data-autocomplete-path="/item/autocomplete?types=page" id="edit-ref-0-target-id" list="edit-ref-0-target-id--suggestions" name="ref.0.target_id">`,
				`<datalist id="edit-ref-0-target-id--suggestions"></datalist>`,
			},
		},
		{
			name: "fieldset",
			el: &form.Element{Key: "meta", Type: form.Fieldset, Label: "Meta", Description: "About it.", Children: []*form.Element{
				{Key: "author", Type: form.TextField, Label: "Author"},
			}},
			want: []string{
				`<fieldset id="edit-meta" class="form-fieldset" aria-describedby="edit-meta--description"><legend>Meta</legend>`,
				`<label for="edit-author">Author</label>`, `id="edit-meta--description"`,
			},
		},
		{
			name: "details",
			el: &form.Element{Key: "more", Type: form.Details, Label: "More", Open: true, Children: []*form.Element{
				{Key: "note", Type: form.TextField, Label: "Note"},
			}},
			want: []string{`<details id="edit-more" class="form-details" open><summary>More</summary>`, `<label for="edit-note">Note</label>`},
		},
		{
			name: "closed details open on a child's error",
			el: &form.Element{Key: "more", Type: form.Details, Label: "More", Children: []*form.Element{
				{Key: "note", Type: form.TextField, Label: "Note", Error: "Note field is required."},
			}},
			want: []string{`<details id="edit-more" class="form-details" open>`},
		},
		{
			name:    "closed details",
			el:      &form.Element{Key: "more", Type: form.Details, Label: "More"},
			want:    []string{`<details id="edit-more" class="form-details">`},
			notWant: []string{" open"},
		},
		{
			name: "markup is escaped",
			el:   &form.Element{Key: "intro", Type: form.Markup, Markup: `<img src=x onerror=alert(1)>`},
			want: []string{`<div class="form-markup">&lt;img src=x onerror=alert(1)&gt;</div>`},
		},
		{
			name: "actions and submit",
			el: &form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{
				{Key: "op", Type: form.Submit, Label: "Save"},
			}},
			want: []string{
				`<div id="edit-actions" class="form-actions">`,
				`<button type="submit" id="edit-op" name="op" value="Save" class="button button-primary">Save</button>`,
			},
		},
		{
			name: "rebuild button posts the form and swaps its wrapper",
			el:   &form.Element{Key: "show_settings", Type: form.Button, Label: "Show settings", Op: "rebuild", Wrapper: "settings"},
			want: []string{
				`<button type="submit" id="edit-show-settings" name="show_settings" value="Show settings" formnovalidate class="button button-secondary" ` +
					`hx-post="/save" hx-target="#edit-settings" hx-select="#edit-settings" hx-swap="outerHTML" hx-include="closest form">Show settings</button>`,
			},
			notWant: []string{"rebuild"},
		},
		{
			name:    "button without a wrapper is a plain submit",
			el:      &form.Element{Key: "next", Type: form.Button, Label: "Next", Op: "rebuild"},
			want:    []string{`<button type="submit" id="edit-next" name="next" value="Next" formnovalidate class="button button-secondary">Next</button>`},
			notWant: []string{"hx-post"},
		},
		{
			name: "disabled",
			el:   &form.Element{Key: "title", Type: form.TextField, Label: "Title", Disabled: true, Value: "fixed"},
			want: []string{`class="form-item form-type-textfield form-disabled"`, `<input type="text" value="fixed" disabled id="edit-title" name="title">`},
		},
		{
			name:    "no access renders nothing",
			el:      &form.Element{Key: "secret", Type: form.TextField, Label: "Secret", NoAccess: true, Value: "s3cret"},
			notWant: []string{"secret", "s3cret"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkHTML(t, renderInForm(t, tt.el), tt.want, tt.notWant)
		})
	}
}

// Every rendered input, select and textarea has a label pointing at it.
func TestRenderEveryInputHasALabel(t *testing.T) {
	html := renderInForm(t,
		&form.Element{Key: "a", Type: form.TextField, Label: "A"},
		&form.Element{Key: "b", Type: form.TextArea, Label: "B"},
		&form.Element{Key: "c", Type: form.Number, Label: "C"},
		&form.Element{Key: "d", Type: form.Email, Label: "D"},
		&form.Element{Key: "e", Type: form.URL, Label: "E"},
		&form.Element{Key: "f", Type: form.Date, Label: "F"},
		&form.Element{Key: "g", Type: form.DateTime, Label: "G"},
		&form.Element{Key: "h", Type: form.Checkbox, Label: "H"},
		&form.Element{Key: "i", Type: form.Checkboxes, Label: "I", Options: colors},
		&form.Element{Key: "j", Type: form.Radios, Label: "J", Options: colors},
		&form.Element{Key: "k", Type: form.Select, Label: "K", Options: colors},
		&form.Element{Key: "l", Type: form.Password, Label: "L"},
		&form.Element{Key: "m", Type: form.File, Label: "M"},
		&form.Element{Key: "n", Type: form.Autocomplete, Label: "N"},
	)
	ids := regexp.MustCompile(`<(?:input|select|textarea) [^>]*\bid="([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(ids) != 16 {
		t.Fatalf("found %d inputs, want 16 in\n%s", len(ids), html)
	}
	for _, m := range ids {
		if !strings.Contains(html, `<label for="`+m[1]+`">`) {
			t.Errorf("input %s has no label", m[1])
		}
	}
}

func TestRenderFormShell(t *testing.T) {
	f := &form.Form{
		ID: "item_add_page", Action: "/item/add/page", BuildID: "form-abc", CSRFToken: "tok",
		Errors: []form.FieldError{
			{ID: "edit-title", Label: "Title", Message: "Title field is required."},
			{Message: "The item changed meanwhile."},
		},
		Elements: []*form.Element{{Key: "title", Type: form.TextField, Label: "Title", Error: "Title field is required."}},
	}
	checkHTML(t, render(t, views.Form(f)), []string{
		`<form id="form-item_add_page" class="form" method="post" action="/item/add/page" data-testid="form-item_add_page" novalidate>`,
		`<div class="form-errors" role="alert" data-testid="form-errors">`,
		`<a href="#edit-title">Title field is required.</a>`,
		`<li>The item changed meanwhile.</li>`,
		`<input type="hidden" name="csrf_token" value="tok">`,
		`<input type="hidden" name="form_id" value="item_add_page">`,
		`<input type="hidden" name="form_build_id" value="form-abc">`,
	}, nil)

	f = &form.Form{ID: "search", Action: "/search", Method: "get"}
	checkHTML(t, render(t, views.Form(f)), []string{`method="get"`},
		[]string{"csrf_token", "form_build_id", "form-errors"})
}

func TestRenderOrdersByWeight(t *testing.T) {
	html := renderInForm(t,
		&form.Element{Key: "third", Type: form.TextField, Label: "Third", Weight: 10},
		&form.Element{Key: "first", Type: form.TextField, Label: "First", Weight: -5},
		&form.Element{Key: "second_a", Type: form.TextField, Label: "Second A"},
		&form.Element{Key: "second_b", Type: form.TextField, Label: "Second B"},
	)
	var got []string
	for _, m := range regexp.MustCompile(`name="([a-z_]+)"`).FindAllStringSubmatch(html, -1) {
		if m[1] != "form_id" {
			got = append(got, m[1])
		}
	}
	if diff := cmp.Diff([]string{"first", "second_a", "second_b", "third"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func linksWrapper() *form.Element {
	return form.NewMultiValue(form.MultiValueSpec{
		Key: "field_links", Label: "Links", Count: 2,
		Item: func(delta int) *form.Element {
			return &form.Element{Key: "field_links." + string(rune('0'+delta)) + ".uri", Type: form.URL, Label: "URL"}
		},
	})
}

func TestRenderMultiValue(t *testing.T) {
	html := renderInForm(t, linksWrapper())
	checkHTML(t, html, []string{
		`<div id="edit-field-links" class="form-multivalue" data-testid="multivalue-field_links" role="group" aria-labelledby="edit-field-links--label">`,
		`<div id="edit-field-links--label" class="form-multivalue-label">Links</div>`,
		`<div class="form-multivalue-item"><div class="form-item form-type-url"><label for="edit-field-links-0-uri">URL</label>`,
		`name="field_links.remove-0" value="Remove item 1" formnovalidate class="button button-secondary" hx-post="/save" hx-target="#edit-field-links" hx-select="#edit-field-links" hx-swap="outerHTML" hx-include="closest form">Remove item 1</button></div>`,
		`name="field_links.add" value="Add another item" formnovalidate`,
	}, nil)
	if n := strings.Count(html, `class="form-multivalue-item"`); n != 2 {
		t.Errorf("%d items, want 2", n)
	}
	// The add button comes after the last item, outside it.
	if i, j := strings.LastIndex(html, "form-multivalue-item"), strings.Index(html, `name="field_links.add"`); j < i {
		t.Error("the add button is inside an item")
	}
}

// A partial re-render of the wrapper keeps its buttons posting to the
// form's action; a bare Element has no action and falls back to a plain
// submit, which works without JavaScript.
func TestRenderPartial(t *testing.T) {
	f := &form.Form{ID: "t", Action: "/item/add/page", Elements: []*form.Element{linksWrapper()}}
	html := render(t, views.FormPartial(f, f.Find("field_links")))
	checkHTML(t, html, []string{`<div id="edit-field-links"`, `hx-post="/item/add/page"`}, []string{"<form", "form_id"})

	html = render(t, views.Element(f.Find("field_links")))
	checkHTML(t, html, []string{`<div id="edit-field-links"`, `name="field_links.add"`}, []string{"hx-post"})

	if html := render(t, views.Element(nil)); html != "" {
		t.Errorf("nil element rendered %q", html)
	}
}

func TestRenderAttributesAllowlist(t *testing.T) {
	attrs := map[string]string{
		"class": `wide "><script> narrow`, "title": "Tip", "data-role": "x", "aria-label": "Name",
		"autocomplete": "username", "inputmode": "numeric", "pattern": "[0-9]+", "spellcheck": "false",
		"onclick": "alert(1)", "ONMOUSEOVER": "alert(2)", "style": "color:red", "hx-get": "/evil", "data-hx-get": "/evil",
		"hx-on:click": "alert(3)", "formaction": "/evil", "src": "/evil", "href": "/evil", "id": "other", "name": "other",
		"type": "hidden", "value": "other", "aria-invalid": "false",
	}
	html := renderInForm(t,
		&form.Element{Key: "title", Type: form.TextField, Label: "Title", Attributes: attrs},
		&form.Element{Key: "group", Type: form.Fieldset, Label: "Group", Attributes: attrs},
		&form.Element{Key: "op", Type: form.Submit, Label: "Save", Attributes: attrs},
	)
	checkHTML(t, html, []string{
		`<input type="text" value="" aria-label="Name" autocomplete="username" class="wide narrow" data-role="x" id="edit-title" inputmode="numeric" name="title" pattern="[0-9]+" spellcheck="false" title="Tip">`,
		`<fieldset id="edit-group" class="form-fieldset wide narrow" aria-label="Name" autocomplete="username" data-role="x"`,
		`<button type="submit" id="edit-op" name="op" value="Save" class="button button-primary wide narrow" aria-label="Name"`,
	}, []string{"alert", "color:red", "/evil", "other", "<script>", `type="hidden" value="other"`, "aria-invalid"})
}

func TestSafeAttributes(t *testing.T) {
	got := form.SafeAttributes(map[string]string{
		"Class": "a b-c 1bad", "lang": "de", "dir": "rtl", "data-testid": "x", "aria-hidden": "true",
		"data-hx-post": "/x", "data-hxfoo": "y", "onload": "x", "style": "x", "hx-post": "/x", "formaction": "/x",
		"data-Évil": "x", "data-a:b": "x", "aria-": "x", "id": "x",
	})
	want := templ.Attributes{"class": "a b-c", "lang": "de", "dir": "rtl", "data-testid": "x", "aria-hidden": "true"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SafeAttributes (-want +got):\n%s", diff)
	}
	if got := form.SafeAttributes(map[string]string{"class": "<>"}); len(got) != 0 {
		t.Errorf("an empty class survived: %v", got)
	}
}
