package textformat

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// md renders CommonMark with the GitHub tables, strikethrough and autolink
// extensions. Raw HTML is passed through (WithUnsafe) and so are all link
// destinations: the output is always cleaned by markdownPolicy, which is
// where URLs and markup are decided, in one place for both.
var md = goldmark.New(
	goldmark.WithExtensions(
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.Linkify,
	),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// renderMarkdown converts Markdown to HTML and sanitizes it.
func renderMarkdown(text string) string {
	var buf bytes.Buffer
	if err := md.Convert([]byte(text), &buf); err != nil {
		// goldmark only fails when the writer does; a bytes.Buffer does
		// not. Show the source escaped rather than nothing.
		return plainHTML(text)
	}
	return markdownPolicy.Sanitize(buf.String())
}
