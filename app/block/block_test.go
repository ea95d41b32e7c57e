package block

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/user"
)

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

// TestShowsTo: the role and content type conditions, with the viewer's
// roles as ViewerRoles derives them from accounts (anonymous holds only
// "anonymous"; a logged-in user "authenticated" and their roles, whether
// or not the account lists "authenticated" itself; the admin flag adds no
// role).
func TestShowsTo(t *testing.T) {
	anon := ViewerRoles(&user.Account{ID: user.AnonymousID, Roles: []string{"anonymous"}})
	vic := ViewerRoles(&user.Account{ID: uuid.New(), Roles: []string{"authenticated"}})
	eddie := ViewerRoles(&user.Account{ID: uuid.New(), Roles: []string{"editor"}}) // without the implied role
	root := ViewerRoles(&user.Account{ID: uuid.New(), IsAdmin: true, Roles: []string{"anonymous", "authenticated"}})
	if diff := cmp.Diff([][]string{{"anonymous"}, {"authenticated"}, {"authenticated", "editor"}, {"authenticated"}},
		[][]string{anon, vic, eddie, root}); diff != "" {
		t.Errorf("ViewerRoles (-want +got):\n%s", diff)
	}
	if got := ViewerRoles(nil); !slices.Equal(got, []string{"anonymous"}) {
		t.Errorf("ViewerRoles(nil) = %v", got)
	}
	cases := []struct {
		name         string
		roles, types []string
		viewer       Viewer
		want         bool
	}{
		{"no conditions", nil, nil, Viewer{Roles: anon}, true},
		{"anonymous block, anonymous", []string{"anonymous"}, nil, Viewer{Roles: anon}, true},
		{"anonymous block, logged in", []string{"anonymous"}, nil, Viewer{Roles: vic}, false},
		{"authenticated block, anonymous", []string{"authenticated"}, nil, Viewer{Roles: anon}, false},
		{"authenticated block, editor", []string{"authenticated"}, nil, Viewer{Roles: eddie}, true},
		{"editor block, plain user", []string{"editor"}, nil, Viewer{Roles: vic}, false},
		{"editor block, admin without the role", []string{"editor"}, nil, Viewer{Roles: root}, false},
		{"editor block, editor", []string{"editor"}, nil, Viewer{Roles: eddie}, true},
		{"article block, article page", nil, []string{"article"}, Viewer{Roles: anon, ItemType: "article"}, true},
		{"article block, page page", nil, []string{"article"}, Viewer{Roles: anon, ItemType: "page"}, false},
		{"article block, no item", nil, []string{"article"}, Viewer{Roles: anon}, false},
		{"both, role fails", []string{"editor"}, []string{"article"}, Viewer{Roles: vic, ItemType: "article"}, false},
		{"both, type fails", []string{"editor"}, []string{"article"}, Viewer{Roles: eddie, ItemType: "page"}, false},
		{"both hold", []string{"editor"}, []string{"article", "page"}, Viewer{Roles: eddie, ItemType: "page"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := &Block{Roles: tc.roles, Types: tc.types}
			if got := b.ShowsTo(tc.viewer); got != tc.want {
				t.Errorf("ShowsTo = %v, want %v", got, tc.want)
			}
		})
	}
}
