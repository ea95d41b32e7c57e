// Package textformat is the text format registry: the named ways a piece of
// user-written text (a long text field, a plugin's markup element) is turned
// into HTML that is safe to put on a page. Like Drupal's text formats, each
// format is a fixed pipeline ending in an HTML allowlist, and using any
// format but plain text is a permission ("use text format basic_html").
//
// Every format removes what could run code in our pages: script, style and
// embedding elements, event handler and style attributes, javascript:,
// vbscript: and data: URLs, and the hx-*/data-hx-* attributes that htmx
// would execute. Stored text is kept as typed; it is rendered at display
// time, so tightening a policy protects old content too.
package textformat

import (
	"html"
	"strings"

	"github.com/trovato/trovato/app/user"
)

// Machine names of the text formats.
const (
	Plain    = "plain_text"
	Basic    = "basic_html"
	Full     = "full_html"
	Markdown = "markdown"
)

// Format describes one text format for pickers and the permissions page.
type Format struct {
	Name       string // machine name stored with the text, e.g. "basic_html"
	Label      string // e.g. "Basic HTML"
	Restricted bool   // for trusted roles only: its permission is restricted
}

// formats lists the formats in the order pickers show them, plain text
// first: it is the fallback every user may use.
var formats = []Format{
	{Name: Plain, Label: "Plain text"},
	{Name: Basic, Label: "Basic HTML"},
	{Name: Markdown, Label: "Markdown"},
	{Name: Full, Label: "Full HTML", Restricted: true},
}

// Formats returns every text format, plain text first.
func Formats() []Format {
	return append([]Format(nil), formats...)
}

// Get returns the format named name and whether it exists.
func Get(name string) (Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Known reports whether name is a text format.
func Known(name string) bool {
	_, ok := Get(name)
	return ok
}

// Render turns text written in format into safe HTML. It returns the
// format actually used: unknown formats fall back to plain text, so text in
// a format that was removed is shown escaped, never executed.
func Render(format, text string) (canonicalFormat string, out string) {
	switch format {
	case Basic:
		return Basic, basicPolicy.Sanitize(text)
	case Full:
		return Full, fullPolicy.Sanitize(text)
	case Markdown:
		return Markdown, renderMarkdown(text)
	}
	return Plain, plainHTML(text)
}

// plainHTML escapes text and keeps its line breaks as <br>.
func plainHTML(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.ReplaceAll(html.EscapeString(text), "\n", "<br>\n")
}

// Permission is the permission a user needs to write in format: "use text
// format <name>". Plain text needs none, so it returns "" for it.
func Permission(format string) string {
	if format == Plain {
		return ""
	}
	return "use text format " + format
}

// CanUse reports whether a user with the permission check can may write in
// format. Everyone may use plain text; nobody may use an unknown format.
func CanUse(can func(perm string) bool, format string) bool {
	switch {
	case format == Plain:
		return true
	case !Known(format):
		return false
	}
	return can != nil && can(Permission(format))
}

// Allowed returns the formats a user with the permission check can may
// write in, in Formats order; plain text is always among them.
func Allowed(can func(perm string) bool) []Format {
	var out []Format
	for _, f := range formats {
		if CanUse(can, f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// Permissions are the text formats' entries for the permissions matrix, one
// per format but plain text. Full HTML is restricted: its allowlist lets an
// author lay out a page freely (tables, images, classes).
func Permissions() []user.Permission {
	var out []user.Permission
	for _, f := range formats {
		if f.Name == Plain {
			continue
		}
		out = append(out, user.Permission{
			Name:        Permission(f.Name),
			Title:       "Use the " + f.Label + " text format",
			Description: descriptions[f.Name],
			Group:       "Text formats",
			Restricted:  f.Restricted,
		})
	}
	return out
}

var descriptions = map[string]string{
	Basic:    "Write links, emphasis, lists, quotes, code and headings in HTML.",
	Markdown: "Write Markdown (with tables, strikethrough and autolinks); HTML in it is limited as in Basic HTML.",
	Full:     "Write HTML with tables, images, figures and classes. Scripts, styles and event handlers are still removed.",
}
