package textformat

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/user"
)

func TestRenderKeepsWhatEachFormatAllows(t *testing.T) {
	for _, tc := range []struct {
		name, format, text string
		wantFormat         string
		want               string   // exact output, when set
		contains           []string // substrings of the output otherwise
		absent             []string
	}{
		{name: "plain text escapes and keeps line breaks", format: Plain, text: "a <b>&\r\nc\n\nd",
			wantFormat: Plain, want: "a &lt;b&gt;&amp;<br>\nc<br>\n<br>\nd"},
		{name: "unknown format is plain text", format: "php", text: "<?php echo 1; ?>",
			wantFormat: Plain, want: "&lt;?php echo 1; ?&gt;"},
		{name: "empty format is plain text", format: "", text: "<b>x</b>", wantFormat: Plain, want: "&lt;b&gt;x&lt;/b&gt;"},
		{name: "basic html keeps emphasis and links", format: Basic,
			text:       `<p><strong>Bold</strong> <em>it</em> <a href="https://example.org/a?b=1" title="t">link</a> <a href="/item/1">local</a> <a href="mailto:a@example.org">mail</a></p>`,
			wantFormat: Basic,
			want:       `<p><strong>Bold</strong> <em>it</em> <a href="https://example.org/a?b=1" title="t">link</a> <a href="/item/1">local</a> <a href="mailto:a@example.org">mail</a></p>`},
		{name: "basic html keeps lists, quotes, code, headings", format: Basic,
			text:       "<h2>H</h2><ul><li>a</li></ul><ol><li>b</li></ol><dl><dt>t</dt><dd>d</dd></dl><blockquote><cite>c</cite></blockquote><pre><code>x</code></pre><br>",
			wantFormat: Basic,
			want:       "<h2>H</h2><ul><li>a</li></ul><ol><li>b</li></ol><dl><dt>t</dt><dd>d</dd></dl><blockquote><cite>c</cite></blockquote><pre><code>x</code></pre><br>"},
		{name: "basic html drops tables, images, classes and h1", format: Basic,
			text:       `<h1>T</h1><table><tr><td>x</td></tr></table><img src="https://example.org/a.png"><span class="c">s</span>`,
			wantFormat: Basic, want: "Txs"},
		{name: "full html keeps a table and an https image", format: Full,
			text:       `<table class="data"><caption>C</caption><thead><tr><th scope="col">h</th></tr></thead><tbody><tr><td colspan="2">x</td></tr></tbody></table><figure><img src="https://example.org/a.png" alt="A" width="10" height="20"><figcaption>F</figcaption></figure>`,
			wantFormat: Full,
			want:       `<table class="data"><caption>C</caption><thead><tr><th scope="col">h</th></tr></thead><tbody><tr><td colspan="2">x</td></tr></tbody></table><figure><img src="https://example.org/a.png" alt="A" width="10" height="20"><figcaption>F</figcaption></figure>`},
		{name: "full html keeps div and span classes and site images", format: Full,
			text:       `<div class="note wide" id="intro"><span class="x">s</span><img src="/files/a.png" alt=""></div>`,
			wantFormat: Full, want: `<div class="note wide" id="intro"><span class="x">s</span><img src="/files/a.png" alt=""></div>`},
		{name: "full html drops image sources of other schemes", format: Full,
			text:       `<img src="ftp://example.org/a.png" alt="a"><img src="//evil.example/a.png"><img src="data:image/png;base64,AA">`,
			wantFormat: Full, want: `<img alt="a">`},
		{name: "full html drops bad class names", format: Full, text: `<span class="a&quot; onclick=&quot;x">s</span>`,
			wantFormat: Full, want: `<span>s</span>`},
		{name: "markdown renders headings, lists and emphasis", format: Markdown,
			text: "# Title\n\n## Sub\n\n- one\n- **two**\n\n1. first\n\n> quoted *text*\n", wantFormat: Markdown,
			want: "<h1>Title</h1>\n<h2>Sub</h2>\n<ul>\n<li>one</li>\n<li><strong>two</strong></li>\n</ul>\n<ol>\n<li>first</li>\n</ol>\n<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>\n"},
		{name: "markdown renders tables with alignment", format: Markdown,
			text: "| a | b |\n|:--|--:|\n| 1 | 2 |\n", wantFormat: Markdown,
			want: "<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th align=\"right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"left\">1</td>\n<td align=\"right\">2</td>\n</tr>\n</tbody>\n</table>\n"},
		{name: "markdown strikethrough, autolinks, links, images, code", format: Markdown,
			text:       "~~old~~ https://example.org [site](/item/1) ![pic](https://example.org/p.png)\n\n```go\nx := 1\n```\n",
			wantFormat: Markdown,
			want:       "<p><del>old</del> <a href=\"https://example.org\">https://example.org</a> <a href=\"/item/1\">site</a> <img src=\"https://example.org/p.png\" alt=\"pic\"></p>\n<pre><code class=\"language-go\">x := 1\n</code></pre>\n"},
		{name: "markdown raw html gets the basic html allowlist", format: Markdown,
			text:       "Hi <strong onclick=\"x\">you</strong> <span class=\"c\">s</span> <script>alert(1)</script>\n",
			wantFormat: Markdown, contains: []string{"<strong>you</strong>", "s"},
			absent: []string{"onclick", "<span", "class=", "<script", "alert"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, out := Render(tc.format, tc.text)
			if f != tc.wantFormat {
				t.Errorf("format = %q, want %q", f, tc.wantFormat)
			}
			if tc.want != "" || (tc.contains == nil && tc.absent == nil) {
				if diff := cmp.Diff(tc.want, out); diff != "" {
					t.Errorf("output (-want +got):\n%s", diff)
				}
			}
			for _, s := range tc.contains {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q: %s", s, out)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(out, s) {
					t.Errorf("output has %q: %s", s, out)
				}
			}
		})
	}
}

func TestFormats(t *testing.T) {
	want := []Format{
		{Name: "plain_text", Label: "Plain text"},
		{Name: "basic_html", Label: "Basic HTML"},
		{Name: "markdown", Label: "Markdown"},
		{Name: "full_html", Label: "Full HTML", Restricted: true},
	}
	got := Formats()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Formats (-want +got):\n%s", diff)
	}
	got[0].Name = "changed"
	if Formats()[0].Name != Plain {
		t.Error("Formats returned the registry itself, not a copy")
	}
	for _, f := range want {
		if !Known(f.Name) {
			t.Errorf("Known(%q) = false", f.Name)
		}
	}
	if Known("php") || Known("") {
		t.Error("unknown formats reported known")
	}
}

// grant is a permission check granting perms.
func grant(perms ...string) func(string) bool {
	return func(p string) bool {
		for _, q := range perms {
			if p == q {
				return true
			}
		}
		return false
	}
}

func TestPermissionsAndAllowed(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{Plain, ""},
		{Basic, "use text format basic_html"},
		{Markdown, "use text format markdown"},
		{Full, "use text format full_html"},
	} {
		if got := Permission(tc.format); got != tc.want {
			t.Errorf("Permission(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
	for _, tc := range []struct {
		name string
		can  func(string) bool
		want []string
	}{
		{name: "nil check: plain text only", want: []string{Plain}},
		{name: "no permissions: plain text only", can: grant(), want: []string{Plain}},
		{name: "basic html", can: grant("use text format basic_html"), want: []string{Plain, Basic}},
		{name: "everything", can: func(string) bool { return true }, want: []string{Plain, Basic, Markdown, Full}},
		{name: "full html alone", can: grant("use text format full_html"), want: []string{Plain, Full}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range Allowed(tc.can) {
				got = append(got, f.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Allowed (-want +got):\n%s", diff)
			}
		})
	}
	if CanUse(func(string) bool { return true }, "php") {
		t.Error("CanUse allowed an unknown format")
	}
	var acct *user.Account
	if !CanUse(acct.Can, Plain) || CanUse(acct.Can, Basic) {
		t.Error("an anonymous (nil) account must use plain text only")
	}
	admin := &user.Account{IsAdmin: true}
	if len(Allowed(admin.Can)) != len(Formats()) {
		t.Error("an admin account must use every format")
	}

	want := []user.Permission{
		{Name: "use text format basic_html", Title: "Use the Basic HTML text format", Description: descriptions[Basic], Group: "Text formats"},
		{Name: "use text format markdown", Title: "Use the Markdown text format", Description: descriptions[Markdown], Group: "Text formats"},
		{Name: "use text format full_html", Title: "Use the Full HTML text format", Description: descriptions[Full], Group: "Text formats", Restricted: true},
	}
	if diff := cmp.Diff(want, Permissions()); diff != "" {
		t.Errorf("Permissions (-want +got):\n%s", diff)
	}
}
