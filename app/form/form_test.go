package form

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testForm() *Form {
	return &Form{ID: "t", Elements: []*Element{
		{Key: "title", Type: TextField, Label: "Title", Required: true, MaxLength: 5},
		{Key: "kind", Type: Select, Label: "Kind", Options: []Option{{"a", "A"}, {"b", "B"}}},
		{Key: "agree", Type: Checkbox, Label: "Agree"},
		{Key: "group", Type: Fieldset, Label: "Group", Children: []*Element{
			{Key: "note", Type: TextArea, Label: "Note"},
		}},
		{Key: "note_markup", Type: Markup, Markup: "static"},
		{Key: "actions", Type: Actions, Children: []*Element{{Key: "op", Type: Submit, Label: "Save"}}},
	}}
}

// Values are taken only for input elements of the built form; keys that
// look like Drupal render properties or name nothing are never read.
func TestSubmitReadsOnlyBuiltElements(t *testing.T) {
	posted := map[string]string{
		"title": "Hi", "kind": "b", "agree": "on", "note": "line1\r\nline2",
		"#type": "markup", "#markup": "<script>", "note_markup": "changed", "op": "Delete", "extra": "x",
	}
	var asked []string
	f := testForm()
	got := f.Submit(func(k string) string { asked = append(asked, k); return posted[k] })
	want := map[string]string{"title": "Hi", "kind": "b", "agree": "1", "note": "line1\nline2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"title", "kind", "agree", "note"}, asked); diff != "" {
		t.Errorf("keys read from the request (-want +got):\n%s", diff)
	}
	if f.Find("note_markup").Markup != "static" {
		t.Error("a markup element took a value from the request")
	}
	if !f.ValidateElements() {
		t.Errorf("valid input reported errors: %v", f.Errors)
	}
}

func TestValidateKeepsValuesAndReportsEachElement(t *testing.T) {
	f := testForm()
	f.Submit(func(k string) string {
		return map[string]string{"title": "too long", "kind": "zzz", "note": "kept"}[k]
	})
	if f.ValidateElements() {
		t.Fatal("invalid input passed")
	}
	want := []FieldError{
		{ID: "edit-title", Label: "Title", Message: "Title cannot be longer than 5 characters."},
		{ID: "edit-kind", Label: "Kind", Message: "An illegal choice has been detected. Please contact the site administrator."},
	}
	if diff := cmp.Diff(want, f.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if f.Find("note").Value != "kept" || f.Find("title").Value != "too long" {
		t.Error("submitted values were lost")
	}
	f = testForm()
	f.Submit(func(string) string { return "" })
	f.ValidateElements()
	if f.Find("title").Error != "Title field is required." {
		t.Errorf("required message = %q", f.Find("title").Error)
	}
}
