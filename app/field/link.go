package field

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// Length limits of link properties (Drupal's uri and title columns).
const (
	linkURIMaxLength   = 2048
	linkTitleMaxLength = 255
)

// linkTitleOptions are the choices of the link type's title setting.
var linkTitleOptions = []form.Option{
	{Value: "optional", Label: "Optional"},
	{Value: "required", Label: "Required"},
	{Value: "disabled", Label: "Disabled (the URL is the link text)"},
}

// Link is the "link" type: {"uri": string, "title": string}. The URI must be
// http(s) with a host, mailto: with an address, or a site path starting with
// "/"; javascript:, data:, protocol-relative "//host" and every other scheme
// are refused. title is always present ("" when none). Settings: title
// ("optional" (default), "required" or "disabled"). The widget is a fieldset
// with "URL" (key+".uri") and "Link text" (key+".title") inputs.
type Link struct{}

// Name implements Type.
func (Link) Name() string { return TypeLink }

// Label implements Type.
func (Link) Label() string { return "Link" }

// Description implements Type.
func (Link) Description() string {
	return "A link to a web page or a page of this site, with optional link text."
}

// Properties implements Type.
func (Link) Properties() []string { return []string{"uri", "title"} }

// DefaultSettings implements Type.
func (Link) DefaultSettings() map[string]any { return map[string]any{"title": "optional"} }

func (Link) titleMode(def Def) string {
	m := def.SettingString("title", "optional")
	for _, o := range linkTitleOptions {
		if o.Value == m {
			return m
		}
	}
	return "optional"
}

// SettingsForm implements Type.
func (Link) SettingsForm(settings map[string]any) []*form.Element {
	return []*form.Element{{
		Key: "settings.title", Type: form.Select, Label: "Link text", Required: true,
		Options: linkTitleOptions, Value: Def{Settings: settings}.SettingString("title", "optional"),
	}}
}

// ReadSettings implements Type.
func (Link) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	r := newSettingsReader(values)
	return r.result(map[string]any{"title": r.choice("title", "Link text", linkTitleOptions)})
}

// Widget implements Type.
func (l Link) Widget(def Def, key string, delta map[string]any) *form.Element {
	uri := &form.Element{
		// A text input, not type=url: site paths such as /about are valid
		// links but not valid absolute URLs; CheckURI validates on Extract.
		Key: key + ".uri", Type: form.TextField, Label: "URL", Required: def.Required && firstDelta(key),
		Attributes: map[string]string{"inputmode": "url"},
		Value:      display(delta["uri"]), MaxLength: linkURIMaxLength,
		Description: "A web address such as https://example.org, or a path on this site such as /about.",
	}
	children := []*form.Element{uri}
	if l.titleMode(def) != "disabled" {
		children = append(children, &form.Element{
			Key: key + ".title", Type: form.TextField, Label: "Link text", Value: display(delta["title"]),
			MaxLength: linkTitleMaxLength,
		})
	}
	return &form.Element{Key: key, Type: form.Fieldset, Label: def.DisplayLabel(), Description: def.Description,
		Children: children}
}

// Extract implements Type.
func (Link) Extract(_ Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	uri := strings.TrimSpace(values.Get(key + ".uri"))
	title := strings.TrimSpace(values.Get(key + ".title"))
	if uri == "" && title == "" {
		return nil, true, nil
	}
	return map[string]any{"uri": uri, "title": title}, false, nil
}

// CheckURI reports whether uri is a link target the link type stores:
// http(s) with a host, mailto: with an address, or a site path ("/about",
// not "//host"). It is exported for other types that store links.
func CheckURI(uri string) bool {
	if uri == "" || len(uri) > linkURIMaxLength || !utf8.ValidString(uri) {
		return false
	}
	for _, r := range uri {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	if strings.HasPrefix(uri, "/") {
		if strings.HasPrefix(uri, "//") || strings.HasPrefix(uri, "/\\") {
			return false
		}
		_, err := url.Parse(uri)
		return err == nil
	}
	u, err := url.Parse(uri)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != "" && u.Opaque == ""
	case "mailto":
		return u.Opaque != "" && strings.Contains(u.Opaque, "@")
	}
	return false
}

// Normalize implements Type.
func (l Link) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "uri", "title"); err != nil {
		return nil, err
	}
	uri, err := stringProp(def, delta, "uri")
	if err != nil {
		return nil, err
	}
	title, err := stringProp(def, delta, "title")
	if err != nil {
		return nil, err
	}
	uri, title = strings.TrimSpace(uri), oneLine(title)
	mode := l.titleMode(def)
	if mode == "disabled" {
		title = ""
	}
	switch {
	case uri == "" && title == "":
		return nil, nil
	case uri == "":
		return nil, fmt.Errorf("%s needs a URL for the link text %q.", def.DisplayLabel(), title)
	case !CheckURI(uri):
		return nil, fmt.Errorf("%s must be a URL starting with http://, https:// or mailto:, or a path on this site starting with /.", def.DisplayLabel())
	case mode == "required" && title == "":
		return nil, fmt.Errorf("%s needs link text.", def.DisplayLabel())
	case utf8.RuneCountInString(title) > linkTitleMaxLength:
		return nil, fmt.Errorf("%s: the link text cannot be longer than %d characters.", def.DisplayLabel(), linkTitleMaxLength)
	}
	return map[string]any{"uri": uri, "title": title}, nil
}

// Format implements Type: a link to the URI, with the title or the URI as
// its text.
func (Link) Format(_ Def, deltas []map[string]any) []render.Element {
	var out []render.Element
	for _, d := range deltas {
		uri, title := display(d["uri"]), display(d["title"])
		if title == "" {
			title = uri
		}
		out = append(out, render.Element{Type: render.TypeLink, Href: uri, Text: title})
	}
	return out
}

// Text implements Type: "Title (uri)", or the URI alone.
func (Link) Text(_ Def, delta map[string]any) string {
	uri, title := display(delta["uri"]), oneLine(display(delta["title"]))
	if title == "" {
		return uri
	}
	return title + " (" + uri + ")"
}
