package field

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
)

// Settings shown in a type's settings form and submitted unchanged read
// back as the same settings.
func TestSettingsRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		typ      string
		settings map[string]any // nil: the type's defaults
	}{
		{TypeText, nil},
		{TypeText, map[string]any{"max_length": 4096}},
		{TypeTextLong, nil},
		{TypeTextLong, map[string]any{"rows": 12, "default_format": "basic_html"}},
		{TypeInteger, nil},
		{TypeInteger, map[string]any{"min": -5, "max": 10, "prefix": "€", "suffix": " pcs"}},
		{TypeDecimal, nil},
		{TypeDecimal, map[string]any{"precision": 32, "scale": 0, "prefix": "", "suffix": " kg"}},
		{TypeBoolean, nil},
		{TypeBoolean, map[string]any{"on_label": "Yes", "off_label": "No"}},
		{TypeDate, nil},
		{TypeDateTime, map[string]any{"display": "iso"}},
		{TypeEmail, nil},
		{TypeLink, nil},
		{TypeLink, map[string]any{"title": "disabled"}},
		{TypeList, map[string]any{"allowed_values": []any{
			map[string]any{"value": "red", "label": "Red"}, map[string]any{"value": "1", "label": "One | uno"}}}},
		{TypeItemReference, nil},
		{TypeItemReference, map[string]any{"target_types": []string{"page", "blog"}}},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			typ := typeOf(t, tc.typ)
			want := tc.settings
			if want == nil {
				want = typ.DefaultSettings()
			}
			got, problems := typ.ReadSettings(elementValues(typ.SettingsForm(want)))
			if problems != nil {
				t.Fatalf("problems: %v", problems)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSettingsFormKeys(t *testing.T) {
	for _, typ := range NewRegistry().Types() {
		f := &form.Form{ID: "settings", Elements: typ.SettingsForm(typ.DefaultSettings())}
		if err := form.CheckTree(f); err != nil {
			t.Errorf("%s: %v", typ.Name(), err)
		}
		f.Walk(func(e *form.Element) {
			if len(e.Key) < len("settings.") || e.Key[:len("settings.")] != "settings." || e.Label == "" {
				t.Errorf("%s: element %q (label %q)", typ.Name(), e.Key, e.Label)
			}
		})
	}
}

func TestReadSettingsInvalid(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    string
		values form.Values
		want   map[string]string
	}{
		{"text max_length zero", TypeText, form.Values{"settings.max_length": {"0"}},
			map[string]string{"settings.max_length": "Maximum length must be between 1 and 4096."}},
		{"text max_length missing", TypeText, form.Values{},
			map[string]string{"settings.max_length": "Maximum length is required."}},
		{"text max_length words", TypeText, form.Values{"settings.max_length": {"ten"}},
			map[string]string{"settings.max_length": "Maximum length must be a whole number."}},
		{"text_long bad format", TypeTextLong, form.Values{"settings.rows": {"5"}, "settings.default_format": {"php"}},
			map[string]string{"settings.default_format": "Default text format: the value you selected is not a valid choice."}},
		{"integer min above max", TypeInteger, form.Values{"settings.min": {"10"}, "settings.max": {"1"}},
			map[string]string{"settings.max": "Maximum cannot be smaller than the minimum."}},
		{"integer long prefix", TypeInteger, form.Values{"settings.prefix": {"123456789012345678901234567890123"}},
			map[string]string{"settings.prefix": "Prefix cannot be longer than 32 characters."}},
		{"decimal scale above precision", TypeDecimal, form.Values{"settings.precision": {"3"}, "settings.scale": {"4"}},
			map[string]string{"settings.scale": "Scale cannot be larger than the precision."}},
		{"decimal precision out of range", TypeDecimal, form.Values{"settings.precision": {"33"}, "settings.scale": {"2"}},
			map[string]string{"settings.precision": "Precision must be between 1 and 32."}},
		{"boolean empty label", TypeBoolean, form.Values{"settings.on_label": {" "}, "settings.off_label": {"Off"}},
			map[string]string{"settings.on_label": "\"On\" label is required."}},
		{"date unknown display", TypeDate, form.Values{"settings.display": {"%Y"}},
			map[string]string{"settings.display": "Display format: the value you selected is not a valid choice."}},
		{"link unknown title mode", TypeLink, form.Values{"settings.title": {"sometimes"}},
			map[string]string{"settings.title": "Link text: the value you selected is not a valid choice."}},
		{"list empty", TypeList, form.Values{"settings.allowed_values": {"\n \n"}},
			map[string]string{"settings.allowed_values": "Enter at least one allowed value."}},
		{"list duplicate key", TypeList, form.Values{"settings.allowed_values": {"a|A\nb\na|Again"}},
			map[string]string{"settings.allowed_values": `Allowed values: the key "a" appears more than once.`}},
		{"list empty key", TypeList, form.Values{"settings.allowed_values": {"a|A\n|B"}},
			map[string]string{"settings.allowed_values": `Allowed values: line 2 has no key before the "|".`}},
		{"reference bad type name", TypeItemReference, form.Values{"settings.target_types": {"page, Blog Post"}},
			map[string]string{"settings.target_types": `"Blog Post" is not a content type machine name (lower-case letters, digits and underscores).`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := typeOf(t, tc.typ).ReadSettings(tc.values)
			if got != nil {
				t.Errorf("settings = %v, want nil", got)
			}
			if diff := cmp.Diff(tc.want, problems); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// Settings parse from the shapes a site builder types.
func TestReadSettingsParses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		typ    string
		values form.Values
		want   map[string]any
	}{
		{"list lines", TypeList, form.Values{"settings.allowed_values": {" a | Apple \r\n\r\nb\nc|C|x\n"}},
			map[string]any{"allowed_values": []any{
				map[string]any{"value": "a", "label": "Apple"},
				map[string]any{"value": "b", "label": "b"},
				map[string]any{"value": "c", "label": "C|x"},
			}}},
		{"reference checkboxes and commas, deduplicated", TypeItemReference,
			form.Values{"settings.target_types": {"page", "blog, page", ""}},
			map[string]any{"target_types": []string{"page", "blog"}}},
		{"integer blank bounds", TypeInteger, form.Values{"settings.min": {""}, "settings.max": {" 7 "}},
			map[string]any{"max": 7, "prefix": "", "suffix": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := typeOf(t, tc.typ).ReadSettings(tc.values)
			if problems != nil {
				t.Fatalf("problems: %v", problems)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
