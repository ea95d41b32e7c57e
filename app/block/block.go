// Package block places blocks in the regions of the visitor theme, the way
// Drupal's block layout does. A block is either a Gather listing's block
// display (the listing's first rows for the viewer; see gather.Blocks) or a
// custom text block (a title and a body in a text format, sanitized by
// app/textformat's policy for that format when shown).
//
// Each placement names a region the active theme declares
// (theme.Theme.Regions), a weight (lighter first), and path visibility:
// "all pages except those listed" (an empty list: every page) or "only the
// listed pages", one pattern a line, * matching any characters (slashes
// too), as in Drupal. Disabled blocks keep their settings and show nowhere.
//
// Placements are few and read on every visitor page, so each node keeps
// them in memory: a change on this node reloads them at once, and Watch
// checks the table's version (count and newest change, one tiny query) every
// few seconds so changes made on another node show there too. Rendering is
// per request (a listing block runs its query for the viewer's access and
// stage), never cached across viewers.
package block

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/user"
)

// Kinds of block.
const (
	KindListing = "listing" // a Gather listing's block display
	KindText    = "text"    // a custom text block
)

// Path visibility modes.
const (
	ShowExcept = "except" // every page except the listed ones (none listed: every page)
	ShowOnly   = "only"   // only the listed pages
)

// NoTitle as a block's title hides the heading (Drupal's <none>).
const NoTitle = "<none>"

// PermAdminister lets a user place, configure and remove blocks.
const PermAdminister = "administer blocks"

// Permissions lists the block permissions for the permissions matrix.
func Permissions() []user.Permission {
	return []user.Permission{{Name: PermAdminister, Title: "Administer blocks", Group: "Blocks", Restricted: true,
		Description: "Place listing and custom text blocks in the theme's regions, reorder them and set where they show."}}
}

// Block is one placement.
type Block struct {
	ID         uuid.UUID
	Theme      string
	Region     string
	Weight     int
	Kind       string
	Listing    string   // KindListing: the listing's machine name
	Title      string   // empty: the listing's own title (custom text: none); NoTitle: none
	Body       string   // KindText
	Format     string   // KindText: the body's text format
	Visibility string   // ShowExcept or ShowOnly
	Pages      string   // path patterns, one a line
	Roles      []string // role names that see the block; none: everyone
	Types      []string // content types whose item pages show the block; none: every page
	Enabled    bool
	Changed    time.Time
}

// Patterns returns the block's path patterns, trimmed, blank lines dropped.
func (b *Block) Patterns() []string {
	var out []string
	for _, l := range strings.Split(b.Pages, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// VisibleAt reports whether the block shows on the page at path.
func (b *Block) VisibleAt(path string) bool {
	if !b.Enabled {
		return false
	}
	pats := b.Patterns()
	matched := false
	for _, p := range pats {
		if MatchPath(p, path) {
			matched = true
			break
		}
	}
	if b.Visibility == ShowOnly {
		return matched
	}
	return !matched
}

// Viewer is what block visibility needs to know about a request besides
// its path: the viewer's roles and the content type of the item the page
// shows ("" when the page shows no item).
type Viewer struct {
	Roles    []string
	ItemType string
}

// ViewerRoles returns the roles a viewer holds for block visibility:
// "anonymous" alone for a visitor who is not logged in; "authenticated"
// and the account's stored roles for a logged-in user. It does not rely on
// how user.Account lists the implied roles.
func ViewerRoles(acct *user.Account) []string {
	if !acct.IsAuthenticated() {
		return []string{RoleAnonymous}
	}
	out := []string{RoleAuthenticated}
	for _, r := range acct.Roles {
		if r != RoleAnonymous && r != RoleAuthenticated {
			out = append(out, r)
		}
	}
	return out
}

// The implied roles (roles table rows every visitor or every logged-in
// user holds).
const (
	RoleAnonymous     = "anonymous"
	RoleAuthenticated = "authenticated"
)

// ShowsTo reports whether the block's role and content type conditions let
// it show to v (path and enabled are VisibleAt's).
func (b *Block) ShowsTo(v Viewer) bool {
	if len(b.Roles) > 0 && !slices.ContainsFunc(v.Roles, func(r string) bool { return slices.Contains(b.Roles, r) }) {
		return false
	}
	if len(b.Types) > 0 && (v.ItemType == "" || !slices.Contains(b.Types, v.ItemType)) {
		return false
	}
	return true
}

// MatchPath reports whether path matches pattern: * matches any run of
// characters (slashes included), everything else matches itself. A leading
// slash is optional on either side and a trailing slash on the path is
// ignored, so "blog/*", "/blog/*" match "/blog/2024/x"; "/blog" matches only
// "/blog"; "<front>" is the front page "/".
func MatchPath(pattern, path string) bool {
	pattern = strings.TrimSpace(pattern)
	if pattern == "<front>" {
		pattern = "/"
	}
	norm := func(s string) string {
		if !strings.HasPrefix(s, "/") {
			s = "/" + s
		}
		if len(s) > 1 {
			s = strings.TrimSuffix(s, "/")
		}
		return s
	}
	return glob(norm(pattern), norm(path))
}

// glob matches s against p, where * in p matches any run of bytes. It is
// the classic two-pointer wildcard match: linear in practice, no regexp
// built from user input.
func glob(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
