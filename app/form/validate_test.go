package form

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fp(f float64) *float64 { return &f }

var validateOptions = []Option{{Value: "red", Label: "Red"}, {Value: "blue", Label: "Blue"}}

func TestElementValidate(t *testing.T) {
	tests := []struct {
		name string
		el   Element
		want string
	}{
		// textfield and the checks every text-like element shares
		{"textfield ok", Element{Type: TextField, Label: "Title", Required: true, Value: "Hello"}, ""},
		{"textfield required empty", Element{Type: TextField, Label: "Title", Required: true}, "Title field is required."},
		{"textfield required blank", Element{Type: TextField, Label: "Title", Required: true, Value: " \t\n"}, "Title field is required."},
		{"textfield optional empty", Element{Type: TextField, Label: "Title", MaxLength: 3}, ""},
		{"textfield label falls back to key", Element{Key: "title", Type: TextField, Required: true}, "title field is required."},
		{"maxlength counts runes", Element{Type: TextField, Label: "Title", MaxLength: 5, Value: "héllo"}, ""},
		{"maxlength exceeded", Element{Type: TextField, Label: "Title", MaxLength: 5, Value: "héllo!"}, "Title cannot be longer than 5 characters."},
		{"textarea ok", Element{Type: TextArea, Label: "Body", Required: true, Value: "line\nline"}, ""},
		{"textarea maxlength", Element{Type: TextArea, Label: "Body", MaxLength: 2, Value: "abc"}, "Body cannot be longer than 2 characters."},
		{"hidden required", Element{Type: Hidden, Label: "Token", Required: true}, "Token field is required."},
		{"password ok", Element{Type: Password, Label: "Password", Required: true, Value: " spaced "}, ""},
		{"autocomplete required", Element{Type: Autocomplete, Label: "Related", Required: true}, "Related field is required."},
		{"autocomplete ok", Element{Type: Autocomplete, Label: "Related", Value: "0190b6c4-0000-7000-8000-000000000000"}, ""},

		// number
		{"number ok", Element{Type: Number, Label: "Count", Value: "3"}, ""},
		{"number decimal ok", Element{Type: Number, Label: "Price", Value: "-3.25"}, ""},
		{"number trimmed", Element{Type: Number, Label: "Count", Value: " 3 "}, ""},
		{"number not a number", Element{Type: Number, Label: "Count", Value: "three"}, "Count must be a number."},
		{"number infinity", Element{Type: Number, Label: "Count", Value: "Inf"}, "Count must be a number."},
		{"number NaN", Element{Type: Number, Label: "Count", Value: "NaN"}, "Count must be a number."},
		{"number below min", Element{Type: Number, Label: "Count", Min: fp(1), Value: "0"}, "Count must be higher than or equal to 1."},
		{"number at min", Element{Type: Number, Label: "Count", Min: fp(1), Value: "1"}, ""},
		{"number above max", Element{Type: Number, Label: "Count", Max: fp(2.5), Value: "2.6"}, "Count must be lower than or equal to 2.5."},
		{"number at max", Element{Type: Number, Label: "Count", Max: fp(2.5), Value: "2.5"}, ""},
		{"number step 1", Element{Type: Number, Label: "Count", Step: "1", Value: "1.5"}, "Count must be a whole number."},
		{"number step 1 ok", Element{Type: Number, Label: "Count", Step: "1", Value: "-4"}, ""},
		{"number step 0.01 ok", Element{Type: Number, Label: "Price", Step: "0.01", Value: "19.99"}, ""},
		{"number step 0.01", Element{Type: Number, Label: "Price", Step: "0.01", Value: "19.999"}, "Price is not a valid number."},
		{"number step from min", Element{Type: Number, Label: "Odd", Step: "2", Min: fp(1), Value: "5"}, ""},
		{"number step from min off", Element{Type: Number, Label: "Odd", Step: "2", Min: fp(1), Value: "4"}, "Odd is not a valid number."},
		{"number step any", Element{Type: Number, Label: "Price", Step: "any", Value: "1.23456"}, ""},
		{"number required", Element{Type: Number, Label: "Count", Required: true}, "Count field is required."},
		{"number optional empty", Element{Type: Number, Label: "Count", Min: fp(1)}, ""},

		// email, url
		{"email ok", Element{Type: Email, Label: "Email", Value: "a@example.com"}, ""},
		{"email invalid", Element{Type: Email, Label: "Email", Value: "a@"}, "Email must be a valid email address."},
		{"url ok", Element{Type: URL, Label: "Link", Value: "https://example.com/a?b=c"}, ""},
		{"url http ok", Element{Type: URL, Label: "Link", Value: "HTTP://example.com"}, ""},
		{"url javascript", Element{Type: URL, Label: "Link", Value: "javascript:alert(1)"}, "Link must be a valid URL starting with http:// or https://."},
		{"url ftp", Element{Type: URL, Label: "Link", Value: "ftp://example.com/file"}, "Link must be a valid URL starting with http:// or https://."},
		{"url relative", Element{Type: URL, Label: "Link", Value: "/about"}, "Link must be a valid URL starting with http:// or https://."},
		{"url no host", Element{Type: URL, Label: "Link", Value: "https://"}, "Link must be a valid URL starting with http:// or https://."},

		// date, datetime
		{"date ok", Element{Type: Date, Label: "Day", Value: "2024-02-29"}, ""},
		{"date impossible", Element{Type: Date, Label: "Day", Value: "2023-02-29"}, "Day must be a valid date (YYYY-MM-DD)."},
		{"date wrong layout", Element{Type: Date, Label: "Day", Value: "29.02.2024"}, "Day must be a valid date (YYYY-MM-DD)."},
		{"datetime ok", Element{Type: DateTime, Label: "At", Value: "2024-02-29T13:45"}, ""},
		{"datetime seconds ok", Element{Type: DateTime, Label: "At", Value: "2024-02-29T13:45:30"}, ""},
		{"datetime date only", Element{Type: DateTime, Label: "At", Value: "2024-02-29"}, "At must be a valid date and time (YYYY-MM-DDTHH:MM)."},
		{"datetime bad hour", Element{Type: DateTime, Label: "At", Value: "2024-02-29T25:00"}, "At must be a valid date and time (YYYY-MM-DDTHH:MM)."},

		// checkbox
		{"checkbox required checked", Element{Type: Checkbox, Label: "Agree", Required: true, Value: "1"}, ""},
		{"checkbox required unchecked", Element{Type: Checkbox, Label: "Agree", Required: true}, "Agree field is required."},
		{"checkbox required zero", Element{Type: Checkbox, Label: "Agree", Required: true, Value: "0"}, "Agree field is required."},
		{"checkbox optional", Element{Type: Checkbox, Label: "Agree"}, ""},

		// options
		{"select ok", Element{Type: Select, Label: "Color", Options: validateOptions, Value: "blue"}, ""},
		{"select illegal", Element{Type: Select, Label: "Color", Options: validateOptions, Value: "green"}, IllegalChoice},
		{"select optional empty", Element{Type: Select, Label: "Color", Options: validateOptions}, ""},
		{"select required empty", Element{Type: Select, Label: "Color", Required: true, Options: validateOptions}, "Color field is required."},
		{"radios ok", Element{Type: Radios, Label: "Color", Options: validateOptions, Value: "red"}, ""},
		{"radios illegal", Element{Type: Radios, Label: "Color", Options: validateOptions, Value: "Red"}, IllegalChoice},
		{"radios required", Element{Type: Radios, Label: "Color", Required: true, Options: validateOptions}, "Color field is required."},
		{"checkboxes ok", Element{Type: Checkboxes, Label: "Colors", Required: true, Options: validateOptions, Values: []string{"red", "blue"}}, ""},
		{"checkboxes required none", Element{Type: Checkboxes, Label: "Colors", Required: true, Options: validateOptions}, "Colors field is required."},
		{"checkboxes required only empty", Element{Type: Checkboxes, Label: "Colors", Required: true, Options: validateOptions, Values: []string{""}}, "Colors field is required."},
		{"checkboxes illegal", Element{Type: Checkboxes, Label: "Colors", Options: validateOptions, Values: []string{"red", "green"}}, IllegalChoice},
		{"checkboxes optional none", Element{Type: Checkboxes, Label: "Colors", Options: validateOptions}, ""},
		{"multiple select ok", Element{Type: Select, Multiple: true, Label: "Colors", Required: true, Options: validateOptions, Values: []string{"blue"}}, ""},
		{"multiple select required", Element{Type: Select, Multiple: true, Label: "Colors", Required: true, Options: validateOptions}, "Colors field is required."},
		{"multiple select illegal", Element{Type: Select, Multiple: true, Label: "Colors", Options: validateOptions, Values: []string{"x"}}, IllegalChoice},

		// elements that take no value
		{"markup", Element{Type: Markup, Label: "Intro", Required: true}, ""},
		{"fieldset", Element{Type: Fieldset, Label: "Group", Required: true}, ""},
		{"submit", Element{Type: Submit, Label: "Save", Required: true}, ""},
		{"file", Element{Type: File, Label: "Upload", Required: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.el.Validate(); got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidateElements(t *testing.T) {
	f := &Form{ID: "t", Elements: []*Element{
		{Key: "title", Type: TextField, Label: "Title", Required: true},
		{Key: "kind", Type: Select, Label: "Kind", Options: validateOptions, Value: "blue", Error: "Set by Fill."},
		{Key: "hidden_group", Type: Fieldset, Label: "Hidden", NoAccess: true, Children: []*Element{
			{Key: "secret", Type: TextField, Label: "Secret", Required: true},
		}},
		{Key: "locked_group", Type: Fieldset, Label: "Locked", Disabled: true, Children: []*Element{
			{Key: "locked", Type: TextField, Label: "Locked", Required: true},
		}},
		{Key: "off", Type: TextField, Label: "Off", Required: true, Disabled: true},
		{Key: "group", Type: Details, Label: "More", Children: []*Element{
			{Key: "count", Type: Number, Label: "Count", Min: fp(1), Value: "0"},
			{Key: "ok", Type: Email, Label: "Email", Value: "a@example.com"},
		}},
	}}
	if f.ValidateElements() {
		t.Fatal("invalid form passed")
	}
	want := []FieldError{
		{ID: "edit-title", Label: "Title", Message: "Title field is required."},
		{ID: "edit-kind", Label: "Kind", Message: "Set by Fill."},
		{ID: "edit-count", Label: "Count", Message: "Count must be higher than or equal to 1."},
	}
	if diff := cmp.Diff(want, f.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	for _, k := range []string{"secret", "locked", "off", "ok"} {
		if e := f.Find(k); e.Error != "" {
			t.Errorf("%s got an error: %q", k, e.Error)
		}
	}

	f.Find("title").Value, f.Find("title").Error = "Now set", ""
	f.Find("kind").Error = ""
	f.Find("count").Value, f.Find("count").Error = "1", ""
	if !f.ValidateElements() || len(f.Errors) != 0 {
		t.Errorf("corrected form failed: %v", f.Errors)
	}
}

// The same request through Fill and ValidateElements keeps every value and
// reports an out-of-list choice once.
func TestFillThenValidateElements(t *testing.T) {
	f := &Form{ID: "t", Elements: []*Element{
		{Key: "title", Type: TextField, Label: "Title", MaxLength: 5},
		{Key: "colors", Type: Checkboxes, Label: "Colors", Options: validateOptions},
		{Key: "color", Type: Select, Label: "Color", Options: validateOptions},
	}}
	f.Fill(Values{"title": {"too long"}, "colors": {"red", "green"}, "color": {"nope"}})
	if f.ValidateElements() {
		t.Fatal("invalid input passed")
	}
	want := []FieldError{
		{ID: "edit-title", Label: "Title", Message: "Title cannot be longer than 5 characters."},
		{ID: "edit-colors", Label: "Colors", Message: IllegalChoice},
		{ID: "edit-color", Label: "Color", Message: IllegalChoice},
	}
	if diff := cmp.Diff(want, f.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"red", "green"}, f.Find("colors").Values); diff != "" {
		t.Errorf("values lost (-want +got):\n%s", diff)
	}
}
