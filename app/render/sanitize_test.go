package render

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSanitizeDropsWhatCouldRunCode(t *testing.T) {
	in := Element{Type: TypeContainer,
		Attributes: map[string]string{
			"onclick": "alert(1)", "style": "background:url(javascript:alert(1))", "hx-get": "/admin",
			"data-hx-post": "/x", "hx-on:click": "alert(1)", "id": "ok", "data-role": "fine", "aria-label": "fine", "srcdoc": "<script>",
		},
		Classes: []string{"good-class", `bad" onmouseover="x`, "also_good"},
		Children: []Element{
			{Type: "script", Text: "alert(1)"},
			{Type: "#markup", Text: "<script>alert(1)</script>"},
			{Type: TypeLink, Href: "javascript:alert(1)", Text: "x"},
			{Type: TypeLink, Href: " JaVaScRiPt:alert(1)", Text: "x"},
			{Type: TypeLink, Href: "data:text/html;base64,PHNjcmlwdD4=", Text: "x"},
			{Type: TypeLink, Href: "//evil.example/", Text: "x"},
			{Type: TypeLink, Href: "java\tscript:alert(1)", Text: "x"},
			{Type: TypeLink, Href: "/item/1", Text: "local"},
			{Type: TypeLink, Href: "https://example.org/a?b=c", Text: "remote"},
			{Type: TypeMarkup, Format: FormatBasic, Text: `<p onclick="x">Hi <a href="javascript:alert(1)">a</a> <img src=x onerror=alert(1)><script>alert(1)</script><b hx-get="/x">b</b></p>`},
			{Type: TypeMarkup, Format: "php", Text: `<script>alert(1)</script>`},
			{Type: TypeHeading, Level: 99, Text: "h"},
		},
	}
	out, dropped := Sanitize(in)
	if dropped != 2 {
		t.Errorf("dropped %d elements, want the 2 of unknown type", dropped)
	}
	if diff := cmp.Diff(map[string]string{"id": "ok", "data-role": "fine", "aria-label": "fine"}, out.Attributes); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"good-class", "also_good"}, out.Classes); diff != "" {
		t.Errorf("classes (-want +got):\n%s", diff)
	}
	var hrefs []string
	for _, c := range out.Children {
		if c.Type == TypeLink {
			hrefs = append(hrefs, c.Href)
		}
	}
	want := []string{"#", "#", "#", "#", "#", "/item/1", "https://example.org/a?b=c"}
	if diff := cmp.Diff(want, hrefs); diff != "" {
		t.Errorf("hrefs (-want +got):\n%s", diff)
	}
	basic := out.Children[len(out.Children)-3].Text
	for _, bad := range []string{"onclick", "javascript:", "onerror", "<script", "hx-get"} {
		if strings.Contains(strings.ToLower(basic), bad) {
			t.Errorf("basic_html kept %q: %s", bad, basic)
		}
	}
	if !strings.Contains(basic, "<b>b</b>") {
		t.Errorf("basic_html lost allowed markup: %s", basic)
	}
	// Unknown formats fall back to plain text: escaped, never executed.
	if got := out.Children[len(out.Children)-2]; got.Format != FormatPlain || !strings.Contains(got.Text, "&lt;script&gt;") {
		t.Errorf("unknown format rendered as %q: %s", got.Format, got.Text)
	}
	if got := out.Children[len(out.Children)-1].Level; got != 6 {
		t.Errorf("heading level clamped to %d, want 6", got)
	}
}

func TestSanitizeBoundsDepth(t *testing.T) {
	el := Element{Type: TypeText, Text: "leaf"}
	for range maxDepth + 5 {
		el = Element{Type: TypeContainer, Children: []Element{el}}
	}
	_, dropped := Sanitize(el)
	if dropped == 0 {
		t.Fatal("a tree deeper than maxDepth was rendered whole")
	}
}

func TestPlainHTMLKeepsLineBreaks(t *testing.T) {
	if got, want := PlainHTML("a <b>\nc"), "a &lt;b&gt;<br>\nc"; got != want {
		t.Errorf("PlainHTML = %q, want %q", got, want)
	}
}

func TestFormatHTMLUsesTheRegistry(t *testing.T) {
	for _, tc := range []struct {
		format, text         string
		wantFormat, wantHTML string
	}{
		{format: FormatPlain, text: "a <b>", wantFormat: "plain_text", wantHTML: "a &lt;b&gt;"},
		{format: FormatBasic, text: `<b onclick="x">b</b>`, wantFormat: "basic_html", wantHTML: "<b>b</b>"},
		{format: "full_html", text: `<table><tr><td>x</td></tr></table><script>alert(1)</script>`,
			wantFormat: "full_html", wantHTML: "<table><tr><td>x</td></tr></table>"},
		{format: "markdown", text: "**b** [x](javascript:alert(1))", wantFormat: "markdown",
			wantHTML: "<p><strong>b</strong> x</p>\n"},
		{format: "", text: "<i>", wantFormat: "plain_text", wantHTML: "&lt;i&gt;"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			f, h := FormatHTML(tc.format, tc.text)
			if diff := cmp.Diff([2]string{tc.wantFormat, tc.wantHTML}, [2]string{f, h}); diff != "" {
				t.Errorf("FormatHTML(%q) (-want +got):\n%s", tc.format, diff)
			}
			el, _ := Sanitize(Element{Type: TypeMarkup, Format: tc.format, Text: tc.text})
			if el.Format != tc.wantFormat || el.Text != tc.wantHTML {
				t.Errorf("Sanitize markup = %q %q, want %q %q", el.Format, el.Text, tc.wantFormat, tc.wantHTML)
			}
		})
	}
}
