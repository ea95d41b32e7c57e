package textformat

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// xssVectors are attacks in the style of the OWASP XSS Filter Evasion Cheat
// Sheet, plus htmx attributes (executable in our pages) and Markdown-only
// ones. Every vector goes through every format; see checkSafe for what the
// output may not contain.
var xssVectors = []string{
	// Script elements in many casings and encodings.
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>`,
	`<ScRiPt>alert(1)</sCrIpT>`,
	`<script/xss src="https://xss.example/xss.js"></script>`,
	`<<SCRIPT>alert("XSS");//<</SCRIPT>`,
	`<SCRIPT SRC=//xss.example/.j>`,
	`<script>alert(1)`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`</TITLE><SCRIPT>alert("XSS");</SCRIPT>`,
	`<svg><script>alert(1)</script></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`,
	`<!--<script>alert(1)</script>-->`,
	`<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->`,
	`<xmp><script>alert(1)</script></xmp>`,
	`<textarea><script>alert(1)</script></textarea>`,
	`<p>\u003cscript\u003ealert(1)\u003c/script\u003e</p>`,
	// Images and media with event handlers.
	`<img src=x onerror=alert(1)>`,
	`<IMG SRC="javascript:alert('XSS');">`,
	`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
	"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
	`<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\>`,
	`<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>`,
	`<IMG SRC=# onmouseover="alert('xxs')">`,
	`<IMG SRC= onmouseover="alert('xxs')">`,
	`<IMG onmouseover="alert('xxs')">`,
	`<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>`,
	`<img src=x:alert(alt) onerror=eval(src) alt=0>`,
	`<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
	`<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>`,
	`<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>`,
	`<IMG SRC="jav	ascript:alert('XSS');">`,
	`<IMG SRC="jav&#x09;ascript:alert('XSS');">`,
	`<IMG SRC="jav&#x0A;ascript:alert('XSS');">`,
	`<IMG SRC="jav&#x0D;ascript:alert('XSS');">`,
	"<IMG SRC=java\x00script:alert(\"XSS\")>",
	`<IMG SRC=" &#14;  javascript:alert('XSS');">`,
	`<IMG DYNSRC="javascript:alert('XSS')">`,
	`<IMG LOWSRC="javascript:alert('XSS')">`,
	`<img src="https://example.org/a.png" onload="alert(1)" style="x:expression(alert(1))">`,
	`<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">`,
	`<img srcset="javascript:alert(1) 1x, data:image/png;base64,AA 2x">`,
	`<svg onload=alert(1)>`,
	`<svg/onload=alert('XSS')>`,
	`<svg><animate onbegin=alert(1) attributeName=x dur=1s>`,
	`<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>`,
	`<BODY ONLOAD=alert('XSS')>`,
	`<BODY onload!#$%&()*~+-_.,:;?@[/|\]^` + "`" + `=alert("XSS")>`,
	`<video><source onerror="alert(1)"></video>`,
	`<audio src=x onerror=alert(1)>`,
	`<details open ontoggle=alert(1)>`,
	`<marquee onstart=alert(1)>`,
	`<input autofocus onfocus=alert(1)>`,
	`<select autofocus onfocus=alert(1)>`,
	`<keygen autofocus onfocus=alert(1)>`,
	`<isindex type=image src=1 onerror=alert(1)>`,
	// Links with javascript:, vbscript: and data: URLs, obfuscated.
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<a href=" javascript:alert(1)">x</a>`,
	`<a href="jav&#x09;ascript:alert(1)">x</a>`,
	`<a href="jav&#x0A;ascript:alert(1)">x</a>`,
	"<a href=\"jav\tascript:alert(1)\">x</a>",
	"<a href=\"java\nscript:alert(1)\">x</a>",
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`<a href="&#x6A;avascript&#x3A;alert(1)">x</a>`,
	`<a href="javascript&colon;alert(1)">x</a>`,
	`<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">x</a>`,
	`<a href="javascript://%0Aalert(1)">x</a>`,
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="VBScript:msgbox(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	`<a href="DATA:text/html,<script>alert(1)</script>">x</a>`,
	`<a href="livescript:alert(1)">x</a>`,
	`<a href="https://example.org" onclick="alert(1)" onmouseover=alert(1)>x</a>`,
	`<a href="/ok"onclick=alert(1)>x</a>`,
	`<a href="/ok" ONCLICK="alert(1)">x</a>`,
	`<a href="/ok" onclick	=	"alert(1)">x</a>`,
	`<a href="/ok" target="_blank" formaction="javascript:alert(1)">x</a>`,
	`<blockquote cite="javascript:alert(1)">x</blockquote>`,
	`<q cite="javascript:alert(1)">x</q>`,
	// Styles.
	`<p style="background:url(javascript:alert(1))">x</p>`,
	`<div style="width: expression(alert('XSS'));">x</div>`,
	`<span STYLE="behavior: url(xss.htc);">x</span>`,
	`<STYLE>@import'https://xss.example/xss.css';</STYLE>`,
	`<STYLE>BODY{-moz-binding:url("https://xss.example/xssmoz.xml#xss")}</STYLE>`,
	`<STYLE TYPE="text/javascript">alert('XSS');</STYLE>`,
	`<LINK REL="stylesheet" HREF="javascript:alert('XSS');">`,
	`<table background="javascript:alert(1)"><tr><td background="javascript:alert(1)">x</td></tr></table>`,
	// Embedding, forms and document-level elements.
	`<iframe src="javascript:alert(1)"></iframe>`,
	`<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<FRAMESET><FRAME SRC="javascript:alert('XSS');"></FRAMESET>`,
	`<object data="javascript:alert(1)"></object>`,
	`<OBJECT TYPE="text/x-scriptlet" DATA="https://xss.example/scriptlet.html"></OBJECT>`,
	`<EMBED SRC="data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+" type="image/svg+xml" AllowScriptAccess="always"></EMBED>`,
	`<embed src="javascript:alert(1)">`,
	`<applet code="x"></applet>`,
	`<form action="javascript:alert(1)"><input type=submit></form>`,
	`<form><button formaction="javascript:alert(1)">x</button></form>`,
	`<isindex action="javascript:alert(1)" type=image>`,
	`<BASE HREF="javascript:alert('XSS');//">`,
	`<base href="https://evil.example/">`,
	`<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert('XSS');">`,
	`<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">`,
	`<meta charset="x-imap4-modified-utf7">`,
	`<template><script>alert(1)</script></template>`,
	`<div><template shadowrootmode="open"><img src=x onerror=alert(1)></template></div>`,
	// Malformed tags and quoting.
	`<a href="/ok" title="x" onclick="alert(1)"">x</a>`,
	`<a href='/ok' title='"><script>alert(1)</script>'>x</a>`,
	`<a title="a" onmouseover=alert(1) href="/ok">x</a>`,
	`<p title="x' onmouseover='alert(1)">x</p>`,
	`<a """ href="javascript:alert(1)">x</a>`,
	`<a href="/ok" title="</a><script>alert(1)</script>">x</a>`,
	`<p <script>alert(1)</script>>x</p>`,
	`<img src="x` + "`" + `<script>alert(1)</script>"` + "`" + `>`,
	`<b onmouseover=alert(1)//`,
	`<div/onmouseover='alert(1)'>x</div>`,
	`<strong/onclick=alert(1)>x</strong>`,
	`<p onclick=alert(1)/>x`,
	`<a/href="javascript:alert(1)">x</a>`,
	"<a href=\"/ok\"\x0conclick=alert(1)>x</a>",
	`<x onclick=alert(1)>x</x>`,
	`</p><p onclick=alert(1)>`,
	// htmx attributes, executable in our pages.
	`<a href="/ok" hx-get="/admin/people/1/delete" hx-trigger="load">x</a>`,
	`<div hx-post="/admin" hx-trigger="load" hx-target="body">x</div>`,
	`<p data-hx-post="/admin/x" data-hx-trigger="load">x</p>`,
	`<span hx-on:click="alert(1)">x</span>`,
	`<span hx-on::before-request="alert(1)">x</span>`,
	`<b hx-on="click: alert(1)">x</b>`,
	`<div hx-vals='js:{a: alert(1)}' hx-get="/x">x</div>`,
	`<div hx-headers='js:{a: alert(1)}'>x</div>`,
	`<a href="/ok" hx-boost="true" hx-swap="outerHTML" hx-select="script">x</a>`,
	`<em HX-GET="/x" Hx-Trigger="load">x</em>`,
	`<code data-hx-on:click="alert(1)">x</code>`,
	`<table hx-get="/x"><tr hx-post="/x"><td hx-put="/x">x</td></tr></table>`,
	`<img src="https://example.org/a.png" hx-get="/x" hx-trigger="load">`,
	`<div class="htmx-indicator" hx-ext="debug" hx-disinherit="*">x</div>`,
	// Markdown-specific.
	`[x](javascript:alert(1))`,
	`[x](JaVaScRiPt:alert(1))`,
	`[x](javascript&#58;alert(1))`,
	`[x](&#x6A;avascript:alert(1))`,
	`[x](<javascript:alert(1)>)`,
	`[x]( javascript:alert(1) "title")`,
	`[x](vbscript:msgbox(1))`,
	`[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![x](javascript:alert(1))`,
	`![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)`,
	`![x"onerror="alert(1)](https://example.org/a.png)`,
	`[x](https://example.org/"onclick="alert(1))`,
	`<javascript:alert(1)>`,
	`<vbscript:msgbox(1)>`,
	`<data:text/html,<script>alert(1)</script>>`,
	"[x][r]\n\n[r]: javascript:alert(1)",
	"![x][r]\n\n[r]: data:image/png;base64,AA",
	"# Title\n\n<script>alert(1)</script>\n\n*after*",
	"<div onclick=\"alert(1)\">\n\n**bold inside html block**\n\n</div>",
	"<iframe src=\"https://evil.example\">\n\ntext\n\n</iframe>",
	"| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <a href=\"javascript:alert(1)\">x</a> |",
	"```html\n<script>alert(1)</script>\n```",
	"`<script>alert(1)</script>`",
	"~~<svg onload=alert(1)>~~",
	"<details ontoggle=alert(1) open>\n\n*x*\n\n</details>",
	"> <a href=\"vbscript:msgbox(1)\" hx-get=\"/x\">quote</a>",
	"- [x](javascript:alert(1))\n- <span style=\"color:red\" hx-on:click=\"alert(1)\">y</span>",
	"www.example.org/javascript:alert(1) and https://example.org/?q=<script>",
}

// allowedTags is every element some format allows; each gets the event
// handler, style and htmx vectors of tagVectors.
var allowedTags = []string{
	"a", "abbr", "address", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col",
	"colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer",
	"h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
	"pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
	"tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
}

// tagVectors puts event handlers, a style attribute, htmx attributes and a
// javascript: URL on every allowed element, in a table where table parts
// need one to survive parsing.
func tagVectors() []string {
	var out []string
	for _, tag := range allowedTags {
		open := fmt.Sprintf(`<%s class="x" href="javascript:alert(1)" src="javascript:alert(1)" cite="vbscript:x" `+
			`onclick="alert(1)" OnMouseOver=alert(1) onerror =alert(1) style="x:expression(alert(1))" `+
			`hx-get="/x" hx-on:click="alert(1)" data-hx-post="/x" hx-vals='js:{}'>x</%s>`, tag, tag)
		switch tag {
		case "td", "th":
			open = "<table><tr>" + open + "</tr></table>"
		case "tr", "tbody", "thead", "tfoot", "caption", "colgroup":
			open = "<table>" + open + "</table>"
		case "col":
			open = "<table><colgroup>" + open + "</colgroup></table>"
		case "li":
			open = "<ul>" + open + "</ul>"
		case "dt", "dd":
			open = "<dl>" + open + "</dl>"
		}
		out = append(out, open)
	}
	return out
}

var (
	eventHandler = regexp.MustCompile(`\son[a-z]+\s*=`)
	// badMarkup are substrings no opening tag in the output may contain,
	// checked on the tag re-serialized with lower-cased names and values
	// elided (values are checked on their own: text in a title is harmless).
	badMarkup = []string{"<script", "style=", " hx-", " data-hx-",
		"<iframe", "<frame", "<object", "<embed", "<applet", "<form", "<meta", "<base", "<link", "<style",
		"<svg", "<math", "<template", "<input", "<button", "<textarea", "<select", "<isindex", "<body"}
	// badElements may not appear in the parsed output at all.
	badElements = map[string]bool{"script": true, "style": true, "iframe": true, "frame": true, "frameset": true,
		"object": true, "embed": true, "applet": true, "form": true, "meta": true, "base": true, "link": true,
		"svg": true, "math": true, "template": true, "input": true, "button": true, "textarea": true,
		"select": true, "noscript": true, "xmp": true, "isindex": true, "body": true}
	// scriptSchemes may not start any attribute value, once the white space
	// and control characters browsers ignore in URLs are removed.
	scriptSchemes = []string{"javascript:", "vbscript:", "livescript:"}
	// safeURL is what a URL attribute may hold: an http(s) or mailto URL,
	// or a relative one (no scheme before the first /, ? or #).
	safeURL = regexp.MustCompile(`^(?:https?:|mailto:|[^:/?#]*(?:[/?#]|$))`)
	// urlAttrs are attributes holding URLs, which may not be data: URLs.
	urlAttrs = map[string]bool{"href": true, "src": true, "cite": true, "action": true, "formaction": true,
		"background": true, "poster": true, "srcset": true, "data": true, "xlink:href": true, "lowsrc": true, "dynsrc": true}
)

// checkSafe fails the test when out, the HTML a format made, holds
// anything that could run code (see problems).
func checkSafe(t *testing.T, out string) {
	t.Helper()
	for _, p := range problems(out) {
		t.Errorf("%s in output: %s", p, out)
	}
}

// problems lists what in out could run code. It parses out as a browser
// would (in a <div>, as pages embed it) and checks every element and
// attribute; it also looks for dangerous tags in the raw text, where
// escaped text ("&lt;script") cannot match.
func problems(out string) []string {
	var found []string
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<iframe", "<object", "<embed", "<form", "<meta", "<base", "<style", "<svg", "<!--"} {
		if strings.Contains(lower, bad) {
			found = append(found, fmt.Sprintf("raw %q", bad))
		}
	}
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return append(found, "unparsable: "+err.Error())
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.CommentNode:
			found = append(found, fmt.Sprintf("comment %q", n.Data))
		case html.ElementNode:
			if badElements[n.Data] {
				found = append(found, fmt.Sprintf("<%s> element", n.Data))
			}
			tag := "<" + n.Data
			for _, a := range n.Attr {
				name := strings.ToLower(a.Key)
				if a.Namespace != "" {
					name = strings.ToLower(a.Namespace) + ":" + name
				}
				// value as a browser reads a URL: no white space or
				// control characters, any case.
				value := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' || r == 0x7f {
						return -1
					}
					return r
				}, a.Val))
				if strings.HasPrefix(name, "on") || strings.HasPrefix(name, "hx-") || strings.HasPrefix(name, "data-hx-") || name == "style" {
					found = append(found, fmt.Sprintf("%s attribute on <%s>", name, n.Data))
				}
				for _, scheme := range scriptSchemes {
					if strings.HasPrefix(value, scheme) {
						found = append(found, fmt.Sprintf("%s in %s on <%s>", scheme, name, n.Data))
					}
				}
				if urlAttrs[name] && (strings.HasPrefix(value, "data:") || !safeURL.MatchString(value)) {
					found = append(found, fmt.Sprintf("unsafe URL %q in %s on <%s>", value, name, n.Data))
				}
				tag += " " + name + `="…"`
			}
			tag += ">"
			if eventHandler.MatchString(tag) {
				found = append(found, fmt.Sprintf("event handler in %s", tag))
			}
			for _, bad := range badMarkup {
				if strings.Contains(tag, bad) {
					found = append(found, fmt.Sprintf("%q in %s", bad, tag))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}

func TestEveryFormatRemovesXSSVectors(t *testing.T) {
	vectors := append(append([]string(nil), xssVectors...), tagVectors()...)
	if len(xssVectors) < 60 {
		t.Fatalf("only %d hand-written vectors", len(xssVectors))
	}
	for _, f := range Formats() {
		for i, v := range vectors {
			t.Run(fmt.Sprintf("%s/%d", f.Name, i), func(t *testing.T) {
				got, out := Render(f.Name, v)
				if got != f.Name {
					t.Fatalf("rendered as %q, want %q", got, f.Name)
				}
				checkSafe(t, out)
				// Sanitized output must be stable: rendering it again in an
				// HTML format changes nothing that matters.
				if f.Name != Plain {
					_, again := Render(f.Name, out)
					checkSafe(t, again)
				}
			})
		}
	}
}

// TestCheckSafeCatches makes sure the checker fails on what it is meant to
// catch, so a vector passing is not the checker being blind.
func TestCheckSafeCatches(t *testing.T) {
	for _, out := range []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<a href="VBSCRIPT:x">x</a>`,
		`<img src="data:image/png;base64,AA">`,
		`<p style="color:red">x</p>`,
		`<p hx-get="/x">x</p>`,
		`<p data-hx-post="/x">x</p>`,
		`<iframe></iframe>`,
		`<object></object>`,
		`<embed>`,
		`<form></form>`,
		`<meta http-equiv="refresh">`,
		`<base href="/">`,
		`<!-- x -->`,
	} {
		t.Run(out, func(t *testing.T) {
			if len(problems(out)) == 0 {
				t.Errorf("problems found nothing in %s", out)
			}
		})
	}
}
