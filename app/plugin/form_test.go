package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
)

// testForm is the form formtap knows how to alter, under id.
func testForm(id string) *form.Form {
	return &form.Form{ID: id, Action: "/x", Method: "post", BuildID: "b1", Elements: []*form.Element{
		{Key: "title", Type: form.TextField, Label: "Title", Required: true},
		{Key: "body", Type: form.TextArea, Label: "Body", Rows: 5},
		{Key: "kind", Type: form.Select, Label: "Kind", Options: []form.Option{{Value: "a", Label: "A"}, {Value: "b", Label: "B"}}},
		{Key: "group", Type: form.Fieldset, Label: "Group", Children: []*form.Element{
			{Key: "group_note", Type: form.TextField, Label: "Note"},
		}},
		{Key: "tags", Type: form.TextField, Label: "Tags"},
		{Key: "remove_me", Type: form.Hidden, Value: "x"},
		{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save"}}},
	}}
}

// benchAltered is what one formbench run makes of testForm.
func benchAltered(id string) *form.Form {
	f := testForm(id)
	f.Elements[0].Label = "* Title"
	f.Elements[0].Description = "Added by formbench."
	// remove_me, just before actions, moves to the top.
	f.Elements = append([]*form.Element{f.Elements[5]}, append(f.Elements[:5:5], f.Elements[6])...)
	return f
}

func TestFormAlterChangesTheForm(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "formtap"})
	f := testForm("test_form")
	if errs := h.FormAlter(context.Background(), f); errs != nil {
		t.Fatalf("FormAlter errors: %v", errs)
	}
	want := testForm("test_form")
	title, body, kind, group, tags, actions := want.Elements[0], want.Elements[1], want.Elements[2], want.Elements[3], want.Elements[4], want.Elements[6]
	title.Label = "Headline"
	body.Description, body.Required = "Write <something>.", true
	kind.Options[1].Label = "Bee"
	note := group.Children[0]
	group.Children = nil
	want.Elements = []*form.Element{
		title, tags, body, note, kind, group,
		{Key: "formtap_note", Type: form.Markup, Markup: "Added by formtap"},
		actions,
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("altered form (-want +got):\n%s", diff)
	}
}

func TestFormAlterLeavesOtherFormsAlone(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "formtap"})
	f := testForm("other_form")
	before := f.Elements
	if errs := h.FormAlter(context.Background(), f); errs != nil {
		t.Fatalf("FormAlter errors: %v", errs)
	}
	if &before[0] != &f.Elements[0] || !cmp.Equal(testForm("other_form"), f) {
		t.Errorf("an unchanged answer replaced the elements: %+v", f.Elements)
	}
}

// A broken alteration is discarded whole; the next plugin still alters the
// form as the broken one found it.
func TestFormAlterDiscardsBrokenAlterations(t *testing.T) {
	tests := []struct{ id, reason string }{
		{"bad_form", `repeats the key "title"`},
		{"unknown_type_form", `unknown type "script"`},
		{"rename_form", `changed the form id from "rename_form" to "renamed"`},
		{"panic_form", "formtap cannot alter panic_form"},
		{"error_form", "formtap refuses error_form"},
	}
	h, logs := openHost(t, Config{}, fixture{name: "formtap"}, fixture{name: "formbench"})
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			f := testForm(tt.id)
			errs := h.FormAlter(context.Background(), f)
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.reason) || !strings.Contains(errs[0].Error(), "formtap") {
				t.Errorf("errors = %v, want one from formtap containing %q", errs, tt.reason)
			}
			if diff := cmp.Diff(benchAltered(tt.id), f); diff != "" {
				t.Errorf("form (-want only formbench's changes +got):\n%s", diff)
			}
			logs.requireLog(t, "form alteration discarded", "plugin=formtap", "form_id="+tt.id)
		})
	}
	if s := statusOf(t, h, "formtap"); s.Faults != 1 || s.Instances < 1 {
		t.Errorf("formtap status %+v, want one fault (the panic) and a replaced instance", s)
	}
	var trap error
	for _, err := range h.FormAlter(context.Background(), testForm("panic_form")) {
		trap = err
	}
	if !errors.Is(trap, ErrTrap) {
		t.Errorf("panic error %v does not wrap ErrTrap", trap)
	}
}

func TestFormAlterRunsInWeightOrder(t *testing.T) {
	// Three copies of formbench: each marks the next unmarked label, so the
	// labels show how many ran, and in which order the moves happened.
	manifest := func(name string, weight int) fixture {
		m := strings.Replace(manifestOf(t, "formbench"), `"name": "formbench"`, `"name": "`+name+`"`, 1)
		m = strings.Replace(m, `"weight": 1`, `"weight": `+string(rune('0'+weight)), 1)
		return fixture{name: name, module: "formbench", manifest: m}
	}
	h, _ := openHost(t, Config{}, manifest("c_first", 0), manifest("a_second", 1), manifest("b_third", 1))
	if got := h.Implements("form_alter"); !cmp.Equal(got, []string{"c_first", "a_second", "b_third"}) {
		t.Errorf("order = %v", got)
	}
	f := testForm("any")
	if errs := h.FormAlter(context.Background(), f); errs != nil {
		t.Fatal(errs)
	}
	var labels []string
	f.Walk(func(e *form.Element) {
		if strings.HasPrefix(e.Label, "* ") {
			labels = append(labels, e.Key)
		}
	})
	if len(labels) != 3 {
		t.Errorf("marked labels %v, want three", labels)
	}
	if err := form.CheckTree(f); err != nil {
		t.Error(err)
	}
}

func TestFormValidate(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "formtap"}, fixture{name: "formbench"})
	ctx := context.Background()
	got := h.FormValidate(ctx, "test_form", form.Values{"title": {"bad"}, "tags": {"a", "b", "c"}})
	want := map[string]string{
		"title": "formtap: the title must not be bad.", // formtap runs first and wins
		"tags":  "formtap: at most two tags.",
		"body":  "formbench: the body too.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FormValidate (-want +got):\n%s", diff)
	}
	if got := h.FormValidate(ctx, "test_form", form.Values{"title": {"fine"}}); got != nil {
		t.Errorf("FormValidate of good values = %v, want nil", got)
	}
}

func TestFormSubmit(t *testing.T) {
	h, logs := openHost(t, Config{}, fixture{name: "formtap"}, fixture{name: "formbench"})
	h.FormSubmit(context.Background(), "test_form", form.Values{"title": {"T"}, "tags": {"a", "b"}}, map[string]string{"item_id": "42"})
	logs.requireLog(t, "level=INFO", "formtap submitted form=test_form item_id=42 tags=a,b title=T", "plugin=formtap", "tap=form_submit")
}

func TestFormTapInputs(t *testing.T) {
	in, err := encodeTapInput(valuesJSON{FormID: "f", Values: form.Values{"a": {"1"}}, Result: map[string]string{"item_id": "x"}})
	if err != nil || string(in) != `{"form_id":"f","values":{"a":["1"]},"result":{"item_id":"x"}}` {
		t.Errorf("values input %s, %v", in, err)
	}
}

// blogForm is an item form in the shape the kernel builds: the title, then
// each field by name with its delta inputs.
func blogForm(id string) *form.Form {
	return &form.Form{ID: id, Elements: []*form.Element{
		{Key: "title", Type: form.TextField, Label: "Title", Required: true},
		{Key: "field_tags_text", Type: form.MultiValue, Label: "Keywords", Children: []*form.Element{
			{Key: "field_tags_text.0.value", Type: form.TextField},
			{Key: "field_tags_text_add", Type: form.Button, Label: "Add another item", Op: "add:field_tags_text", Wrapper: "field_tags_text"},
		}},
		{Key: "field_summary", Type: form.Fieldset, Label: "Summary", Children: []*form.Element{
			{Key: "field_summary.0.value", Type: form.TextField, Label: "Summary"},
		}},
		{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save"}}},
	}}
}

func TestBlogFormAlter(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "blog"}, fixture{name: "page"})
	ctx := context.Background()
	for _, id := range []string{"item_add_blog", "item_edit_blog"} {
		f := blogForm(id)
		if errs := h.FormAlter(ctx, f); errs != nil {
			t.Fatalf("%s: %v", id, errs)
		}
		want := blogForm(id)
		e := want.Elements
		e[2].Description = "Shown in listings and feeds; keep it under 160 characters."
		want.Elements = []*form.Element{e[0], e[2], e[1], e[3]}
		if diff := cmp.Diff(want, f); diff != "" {
			t.Errorf("%s (-want +got):\n%s", id, diff)
		}
	}
	f := blogForm("item_add_page")
	if errs := h.FormAlter(ctx, f); errs != nil || !cmp.Equal(blogForm("item_add_page"), f) {
		t.Errorf("blog altered another form: %v\n%+v", errs, f.Elements)
	}
}

func TestBlogItemInfoAndView(t *testing.T) {
	h, _ := openHost(t, Config{}, fixture{name: "blog"})
	ctx := context.Background()
	want := []ItemType{{
		Plugin: "blog", Type: "blog", Label: "Blog post", Description: "A dated entry in a blog.",
		Fields: []FieldDef{
			{Name: "field_summary", Type: "text", Label: "Summary", Cardinality: 1},
			{Name: "field_tags_text", Type: "text", Label: "Keywords", Cardinality: -1},
		},
	}}
	if diff := cmp.Diff(want, h.ItemInfo(ctx)); diff != "" {
		t.Errorf("ItemInfo (-want +got):\n%s", diff)
	}
	post := &Item{ID: "p1", Type: "blog", Title: "Hello", Fields: map[string][]map[string]any{
		"field_summary": {{"value": "First post"}},
	}}
	rs := h.ItemView(ctx, post, "full")
	wantView := `{"type":"container","classes":["blog"],"children":[{"type":"text","classes":["blog-summary"],"text":"First post"}]}`
	if len(rs) != 1 || string(rs[0].Element) != wantView {
		t.Errorf("ItemView = %s, want %s", rendered(rs), wantView)
	}
}

func TestItemTypeSettingsPassThrough(t *testing.T) {
	in := `[{"type":"t","label":"T","description":"d","title_label":"","fields":[{"name":"f","type":"text","label":"F",` +
		`"required":false,"cardinality":1,"description":"help","settings":{"max_length":160}}],"settings":{"x":[true]}}]`
	var got []ItemType
	if err := json.Unmarshal([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	want := []ItemType{{Type: "t", Label: "T", Description: "d", Settings: map[string]any{"x": []any{true}},
		Fields: []FieldDef{{Name: "f", Type: "text", Label: "F", Cardinality: 1, Description: "help", Settings: map[string]any{"max_length": 160.0}}}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
}
