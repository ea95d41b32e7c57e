package textformat

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// The allowlist policies, built once: a bluemonday policy is safe for
// concurrent use once built. None of them allows script, style, iframe,
// object, embed, form, base or meta elements, on* or style attributes,
// hx-*/data-hx-* (or any data-*) attributes, or URLs with a scheme other
// than http, https and mailto (so no javascript:, vbscript: or data:).
var (
	basicPolicy    = newBasicPolicy()
	markdownPolicy = newMarkdownPolicy()
	fullPolicy     = newFullPolicy()
)

var (
	// classNames is a space-separated list of plain class names.
	classNames = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}( [A-Za-z_][A-Za-z0-9_-]{0,63}){0,15}$`)
	// idName is an id an anchor can point at.
	idName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)
	// imageSrc is an absolute http(s) URL or a site-relative path (not
	// protocol-relative); bluemonday checks the URL itself as well.
	imageSrc = regexp.MustCompile(`^(?:[Hh][Tt][Tt][Pp][Ss]?://|/(?:[^/\\]|$))`)
	// languageClass is the class goldmark puts on fenced code blocks.
	languageClass = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,32}$`)
	cellAlign     = regexp.MustCompile(`^(?:left|center|right)$`)
	number        = regexp.MustCompile(`^[0-9]{1,4}$`)
	cellScope     = regexp.MustCompile(`^(?:row|col|rowgroup|colgroup)$`)
)

// basicElements is the Basic HTML allowlist, close to Drupal's "Filtered
// HTML": inline emphasis, quotes, code, lists and headings below the page
// title; links come with it (allowBasic).
var basicElements = []string{
	"p", "br", "em", "strong", "b", "i", "u", "s", "cite", "blockquote", "code", "pre",
	"ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4", "h5", "h6", "hr", "sub", "sup", "abbr",
}

// allowBasic adds the Basic HTML allowlist to p.
func allowBasic(p *bluemonday.Policy) {
	p.AllowElements(basicElements...)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("a", "abbr")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(false)
}

func newBasicPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	allowBasic(p)
	return p
}

// newMarkdownPolicy is Basic HTML plus what Markdown itself produces: a
// top-level heading, strikethrough, tables with aligned cells, images and
// language classes on fenced code. Raw HTML written inside Markdown gets the
// same allowlist.
func newMarkdownPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	allowBasic(p)
	p.AllowElements("h1", "del", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("align").Matching(cellAlign).OnElements("th", "td")
	p.AllowAttrs("class").Matching(languageClass).OnElements("code")
	p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
	p.AllowAttrs("alt", "title").OnElements("img")
	return p
}

// newFullPolicy is Full HTML, for trusted roles: layout and media markup
// (tables, images, figures, sections, div and span with classes) on top of
// Basic HTML, still without anything that runs code.
func newFullPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	allowBasic(p)
	p.AllowElements("h1", "del", "ins", "small", "mark", "q", "kbd", "samp", "var", "dfn", "time", "address",
		"div", "span", "section", "article", "aside", "header", "footer", "figure", "figcaption",
		"details", "summary", "caption", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col")
	p.AllowAttrs("class").Matching(classNames).Globally()
	p.AllowAttrs("id").Matching(idName).Globally()
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$`)).Globally()
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(?:ltr|rtl|auto)$`)).Globally()
	p.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("datetime").Matching(regexp.MustCompile(`^[0-9T:+.Z -]{4,40}$`)).OnElements("time", "del", "ins")
	p.AllowAttrs("start").Matching(number).OnElements("ol")
	p.AllowAttrs("reversed").Matching(regexp.MustCompile(`^(?:|reversed)$`)).OnElements("ol")
	p.AllowAttrs("open").Matching(regexp.MustCompile(`^(?:|open)$`)).OnElements("details")
	p.AllowAttrs("align").Matching(cellAlign).OnElements("th", "td")
	p.AllowAttrs("colspan", "rowspan").Matching(number).OnElements("th", "td")
	p.AllowAttrs("scope").Matching(cellScope).OnElements("th")
	p.AllowAttrs("span").Matching(number).OnElements("col", "colgroup")
	p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(number).OnElements("img")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(?:lazy|eager)$`)).OnElements("img")
	return p
}
