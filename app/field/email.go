package field

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// emailMaxLength is the longest address SMTP allows (RFC 5321 path limit).
const emailMaxLength = 254

// Email is the "email" type: one address, {"value": "name@example.org"},
// checked with net/mail; display names and angle brackets are refused. It
// has no settings.
type Email struct{}

// Name implements Type.
func (Email) Name() string { return TypeEmail }

// Label implements Type.
func (Email) Label() string { return "Email" }

// Description implements Type.
func (Email) Description() string { return "An email address, shown as a mailto: link." }

// Properties implements Type.
func (Email) Properties() []string { return []string{"value"} }

// DefaultSettings implements Type.
func (Email) DefaultSettings() map[string]any { return map[string]any{} }

// SettingsForm implements Type.
func (Email) SettingsForm(map[string]any) []*form.Element { return nil }

// ReadSettings implements Type.
func (Email) ReadSettings(form.Values) (map[string]any, map[string]string) {
	return map[string]any{}, nil
}

// Widget implements Type.
func (Email) Widget(def Def, key string, delta map[string]any) *form.Element {
	e := input(def, key, "value", form.Email, display(delta["value"]))
	e.MaxLength = emailMaxLength
	return e
}

// Extract implements Type.
func (Email) Extract(_ Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	s := strings.TrimSpace(values.Get(key + ".value"))
	if s == "" {
		return nil, true, nil
	}
	return map[string]any{"value": s}, false, nil
}

// Normalize implements Type.
func (Email) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "value"); err != nil {
		return nil, err
	}
	s, err := stringProp(def, delta, "value")
	if err != nil {
		return nil, err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s || len(s) > emailMaxLength {
		return nil, fmt.Errorf("%s must be an email address like name@example.org.", def.DisplayLabel())
	}
	return map[string]any{"value": s}, nil
}

// Format implements Type.
func (Email) Format(_ Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		addr := display(d["value"])
		out = append(out, render.Element{Type: render.TypeLink, Href: "mailto:" + addr, Text: addr})
	}
	return out
}

// Text implements Type.
func (Email) Text(_ Def, delta map[string]any) string { return display(delta["value"]) }
