package field

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

func TestEmailWidget(t *testing.T) {
	d := Def{Name: "field_mail", Type: TypeEmail, Label: "Contact", Required: true}
	want := &form.Element{Key: "field_mail.0.value", Type: form.Email, Label: "Contact", Required: true,
		Value: "a@example.org", MaxLength: 254}
	if diff := cmp.Diff(want, Email{}.Widget(d, "field_mail.0", map[string]any{"value": "a@example.org"})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEmailExtract(t *testing.T) {
	runExtract(t, TypeEmail, []extractCase{
		{name: "trimmed", values: form.Values{"field_x.0.value": {" a@example.org "}}, want: map[string]any{"value": "a@example.org"}},
		{name: "empty", values: form.Values{"field_x.0.value": {""}}, empty: true},
		// Malformed addresses are Normalize's to refuse, so every channel
		// gets the same message.
		{name: "not parsed here", values: form.Values{"field_x.0.value": {"nope"}}, want: map[string]any{"value": "nope"}},
	})
}

func TestEmailNormalize(t *testing.T) {
	const msg = "X must be an email address like name@example.org."
	runNormalize(t, TypeEmail, []normalizeCase{
		{name: "valid", in: map[string]any{"value": "ada.lovelace+cms@example.org"},
			want: map[string]any{"value": "ada.lovelace+cms@example.org"}},
		{name: "empty", in: map[string]any{"value": " "}},
		{name: "no at", in: map[string]any{"value": "example.org"}, err: msg},
		{name: "display name", in: map[string]any{"value": "Ada <ada@example.org>"}, err: msg},
		{name: "angle brackets", in: map[string]any{"value": "<ada@example.org>"}, err: msg},
		{name: "two addresses", in: map[string]any{"value": "a@example.org, b@example.org"}, err: msg},
		{name: "number", in: map[string]any{"value": 1.0}, err: "X must be text."},
	})
}

func TestEmailDisplay(t *testing.T) {
	runDisplay(t, TypeEmail, []displayCase{
		{name: "mailto", delta: map[string]any{"value": "a@example.org"},
			format: render.Element{Type: render.TypeLink, Href: "mailto:a@example.org", Text: "a@example.org"},
			text:   "a@example.org"},
	})
}
