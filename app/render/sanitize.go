package render

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/trovato/trovato/app/textformat"
)

// Text formats a markup element may declare; see package textformat for
// them all (markdown, full_html) and what each allows.
const (
	FormatPlain = textformat.Plain
	FormatBasic = textformat.Basic
)

var (
	classPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)
	attrPattern  = regexp.MustCompile(`^(id|title|lang|dir|role|aria-[a-z]{1,30}|data-[a-z][a-z0-9-]{0,30})$`)
)

// Sanitize returns a copy of el that is safe to render: unknown element
// types are dropped, attribute names are allowlisted (no on*, style, or
// hx-*/data-hx-* attributes, which htmx would execute), classes must look
// like class names, links must be http(s), mailto or site-relative, and
// markup is cleaned by its format's policy (ending up in Text as HTML).
// It reports the number of elements it dropped.
func Sanitize(el Element) (Element, int) {
	return sanitize(el, 0)
}

func sanitize(el Element, depth int) (Element, int) {
	if !knownTypes[el.Type] || depth > maxDepth {
		return Element{}, 1
	}
	out := Element{Type: el.Type, Text: el.Text, Label: el.Label, Ordered: el.Ordered}
	for k, v := range el.Attributes {
		if attrPattern.MatchString(k) && !strings.HasPrefix(k, "data-hx-") {
			if out.Attributes == nil {
				out.Attributes = map[string]string{}
			}
			out.Attributes[k] = v
		}
	}
	for _, c := range el.Classes {
		if classPattern.MatchString(c) {
			out.Classes = append(out.Classes, c)
		}
	}
	switch el.Type {
	case TypeHeading:
		out.Level = min(max(el.Level, 1), 6)
	case TypeLink:
		out.Href = SafeURL(el.Href)
	case TypeMarkup:
		out.Format, out.Text = FormatHTML(el.Format, el.Text)
	}
	dropped := 0
	for _, child := range el.Children {
		c, n := sanitize(child, depth+1)
		dropped += n
		if c.Type != "" {
			out.Children = append(out.Children, c)
		}
	}
	return out, dropped
}

// FormatHTML renders text in a text format to safe HTML through the text
// format registry and returns the format used: unknown formats fall back to
// plain text.
func FormatHTML(format, text string) (string, string) {
	return textformat.Render(format, text)
}

// SafeURL returns href when it is site-relative or uses http, https or
// mailto, and "#" otherwise (javascript:, data:, vbscript: and the rest).
func SafeURL(href string) string {
	href = strings.TrimSpace(href)
	u, err := url.Parse(href)
	if err != nil {
		return "#"
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "mailto":
		return u.String()
	case "":
		if strings.HasPrefix(href, "//") {
			return "#"
		}
		return u.String()
	}
	return "#"
}

// PlainHTML escapes plain text and keeps its line breaks.
func PlainHTML(text string) string {
	_, h := FormatHTML(FormatPlain, text)
	return h
}
