// Package views holds the admin UI and the shared UI atoms (forms, messages,
// errors) as templ components. Components take typed props structs built by
// handlers from domain types, never database rows.
package views

import "github.com/a-h/templ"

// AdminProps is the admin shell around an admin page.
type AdminProps struct {
	SiteName  string
	Title     string
	UserName  string
	CSRFToken string
	Messages  []string
	Section   string    // the toolbar entry to highlight, e.g. "content"
	Stage     *StageBar // the active-stage switcher; nil for accounts that cannot use stages
	Content   templ.Component
}

// ContentRow is one line of the admin content list.
type ContentRow struct {
	ID        string
	Title     string
	URL       string
	Type      string
	Author    string
	Published bool
	Changed   string
	CanEdit   bool
	CanDelete bool
}

// ContentFilters are the admin content list's filter values, as in the URL.
type ContentFilters struct {
	Type, Status, Author, Title, Sort, Order string
}

// SortLink is a column header that sorts the list.
type SortLink struct {
	Label  string
	URL    string
	Active string // "", "asc" or "desc"
}

// ContentListProps is the admin content list: filters, sortable columns,
// bulk operations and a mini pager.
type ContentListProps struct {
	Rows      []ContentRow
	Filters   ContentFilters
	Types     []AddLink // Label = type label, URL = machine name
	Columns   []SortLink
	CSRFToken string
	Page      int
	PrevURL   string
	NextURL   string
	AddURLs   []AddLink
}

// BulkConfirmProps confirms a bulk delete of the listed items.
type BulkConfirmProps struct {
	IDs       []string
	Titles    []string
	CSRFToken string
}

// AddLink offers creating an item of one type.
type AddLink struct {
	Label string
	URL   string
}

// toolbar lists the admin sections in Drupal's familiar order.
var toolbar = []struct{ Key, Label, URL string }{
	{"content", "Content", "/admin/content"},
	{"structure", "Structure", "/admin/structure"},
	{"stages", "Stages", "/admin/stages"},
	{"people", "People", "/admin/people"},
	{"plugins", "Extend", "/admin/plugins"},
	{"reports", "Reports", "/admin/reports"},
}

// TypeRow is one content type in the admin list.
type TypeRow struct {
	Label       string
	Machine     string
	Description string
	Plugin      string // set when a plugin defines the type
	Items       int64
}

// TypesProps is the content types list.
type TypesProps struct {
	Rows []TypeRow
}

// FieldRow is one field of a content type in the Manage fields table.
type FieldRow struct {
	Label       string
	Machine     string
	TypeLabel   string
	Cardinality string
	Required    bool
	Locked      bool // defined by plugin code
	First, Last bool
}

// FieldsProps is the Manage fields page of a content type.
type FieldsProps struct {
	Type      string
	TypeLabel string
	Plugin    string
	CSRFToken string
	Rows      []FieldRow
}

// ConfirmProps is a confirmation form for a destructive action.
type ConfirmProps struct {
	Question  string // what will happen, in full
	Action    string // POST target
	Confirm   string // the button text, e.g. "Delete"
	CancelURL string
	CSRFToken string
}
