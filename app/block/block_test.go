package block

import "testing"

func TestMatchPath(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          bool
	}{
		{"/blog", "/blog", true},
		{"blog", "/blog", true},
		{"/blog", "/blog/", true},
		{"/blog", "/blog/1", false},
		{"/blog", "/blogs", false},
		{"/blog/*", "/blog/1", true},
		{"/blog/*", "/blog/2024/x", true},
		{"/blog/*", "/blog", false},
		{"/blog*", "/blog", true},
		{"/blog*", "/blogroll/x", true},
		{"*", "/anything/at/all", true},
		{"/user/*/edit", "/user/5/edit", true},
		{"/user/*/edit", "/user/5/delete", false},
		{"/*/edit", "/item/1/edit", true},
		{"<front>", "/", true},
		{"<front>", "/recent-pages", false},
		{"/a*b*c", "/aXbYc", true},
		{"/a*b*c", "/aXbY", false},
		{"/Blog", "/blog", false},
	}
	for _, tc := range cases {
		if got := MatchPath(tc.pattern, tc.path); got != tc.want {
			t.Errorf("MatchPath(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

func TestVisibleAt(t *testing.T) {
	cases := []struct {
		name string
		b    Block
		path string
		want bool
	}{
		{"except, no pages: everywhere", Block{Enabled: true, Visibility: ShowExcept}, "/x", true},
		{"except, listed", Block{Enabled: true, Visibility: ShowExcept, Pages: "/user/*\n/admin*"}, "/user/login", false},
		{"except, not listed", Block{Enabled: true, Visibility: ShowExcept, Pages: "/user/*\n/admin*"}, "/recent-pages", true},
		{"only, listed", Block{Enabled: true, Visibility: ShowOnly, Pages: " /blog \r\n\n/news/*"}, "/news/1", true},
		{"only, blank lines ignored", Block{Enabled: true, Visibility: ShowOnly, Pages: "\n\n/blog\n"}, "/", false},
		{"only, not listed", Block{Enabled: true, Visibility: ShowOnly, Pages: "/blog"}, "/news", false},
		{"disabled", Block{Visibility: ShowExcept}, "/x", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.b.VisibleAt(tc.path); got != tc.want {
				t.Errorf("VisibleAt(%q) = %v, want %v", tc.path, got, tc.want)
			}
		})
	}
}
