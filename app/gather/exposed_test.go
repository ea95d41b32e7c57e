package gather

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/views"
)

// The exposed form is a Form API form with id gather_exposed_<name>, built
// from the definition, filled from the input, and passed to the alter hook
// (the plugin host's tap_form_alter); the page renders the altered form,
// and the listing still reads only the declared identifiers.
func TestExposedFormIsAlterable(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	s := NewService(pool)
	ids := seedArticles(t, pool)
	schema, err := s.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := &Definition{BaseTypes: []string{"article"}, Pager: Pager{ItemsPerPage: 5}, Filters: []Filter{
		{Field: "field_tags", Op: "has_term", Expose: &Expose{Identifier: "tag", Label: "Tag", Widget: "select", Vocabulary: "tags"}},
		{Field: "field_color", Op: "=", Expose: &Expose{Identifier: "color", Label: "Colour", Widget: "select"}},
		{Field: "field_at", Op: "between", Expose: &Expose{Identifier: "at", Label: "When", Widget: "date_range"}},
		{Field: "field_flag", Op: "=", Expose: &Expose{Identifier: "flag", Label: "Flagged", Widget: "checkbox"}},
	}}
	var seenID string
	h := &Handlers{gather: s, alter: func(_ context.Context, f *form.Form) {
		seenID = f.ID
		f.Find("tag").Label = "Topic"
		f.Elements = append(f.Elements, &form.Element{Key: "sneaky", Type: form.TextField, Label: "Sneaky"})
	}}
	f, err := h.exposedForm(ctx, &View{Name: "articles", Def: d}, "/articles",
		map[string]string{"tag": ids["news"], "at_from": "2024-01-01", "flag": "1"}, map[string]string{"color": "Choose one of the listed values."}, schema)
	if err != nil {
		t.Fatal(err)
	}
	if seenID != "gather_exposed_articles" || f.Method != "get" {
		t.Fatalf("alter saw form %q (method %q)", seenID, f.Method)
	}
	var buf bytes.Buffer
	if err := views.GatherExposedForm(views.GatherProps{ID: "gather-articles", Path: "/articles", Form: f}).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{`>Topic</label>`, `<option value="` + ids["local"] + `">-local</option>`, `<option value="` + ids["news"] + `" selected`,
		`>Red</option>`, `name="at_from"`, `value="2024-01-01"`, `name="at_to"`, `name="flag"`, `checked`, "Choose one of the listed values.",
		`method="get"`, `hx-push-url="true"`} {
		if !strings.Contains(html, want) {
			t.Errorf("form lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "csrf_token") || strings.Contains(html, `name="form_id"`) {
		t.Error("a GET filter form carries form plumbing into the URL")
	}
	// The added element is shown, but its key is never read.
	if in := readInput(d, func(k string, _ ...string) string { return map[string]string{"sneaky": "x", "tag": "t"}[k] }); in["sneaky"] != "" || in["tag"] != "t" {
		t.Errorf("read %v", in)
	}
}
