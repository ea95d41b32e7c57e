// Package gather is Trovato's listing engine (Drupal's Views): a listing is
// a definition stored as JSONB — base types, relationships, filters,
// contextual arguments, sorts, pager, display — that the builder turns into
// one parameterized SQL statement.
//
// Safety by construction: column names come from a fixed allowlist, JSONB
// field names are validated and then passed as bind parameters (the SQL
// never contains a field name), every value is a bind parameter, and the
// viewer's access (published status) is always part of the WHERE clause so
// a listing never shows an item its viewer may not see and pagers stay right.
// Request data only ever fills values: the query string is read only under
// the identifiers of exposed filters the definition declares, and the path
// only at the {argument} segments of the display path.
//
// Operators depend on the field's type (from the base types' field
// definitions; a field no base type declares is typed by its value's JSON
// kind):
//
//	text, email, list       = != < <= > >= contains starts_with in not_in empty not_empty fulltext(text)
//	integer, decimal        = != < <= > >= between in not_in empty not_empty
//	date, datetime          = != < <= > >= between year empty not_empty
//	boolean                 = != empty not_empty
//	category_reference      has_term has_term_or_descendants (= != in not_in as aliases) empty not_empty
//	item_reference          = != in not_in empty not_empty
//	title (property)        = != < <= > >= contains starts_with in not_in fulltext
//	created, changed        = != < <= > >= between year
//	status, sticky, promote = !=
//	type, author            = != in not_in contains starts_with
package gather

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/trovato/trovato/app/errs"
)

// Definition is a stored listing.
type Definition struct {
	BaseTypes     []string       `json:"base_types"`
	Relationships []Relationship `json:"relationships,omitempty"`
	Fields        []Show         `json:"fields,omitempty"`
	Filters       []Filter       `json:"filters,omitempty"`
	Arguments     []Argument     `json:"arguments,omitempty"`
	Sorts         []Sort         `json:"sorts,omitempty"`
	Pager         Pager          `json:"pager"`
	Display       Display        `json:"display"`
	// Block, when set, lets the listing be placed as a block in a theme
	// region (app/block; see block.go).
	Block *BlockDisplay `json:"block,omitempty"`
}

// BlockDisplay is a listing's block display: the first Items rows of the
// listing for the viewer (same filters, sorts, access and stage as the
// page), without a pager or an exposed form — exposed filters apply their
// default value, or nothing — and optionally a "more" link to the page.
type BlockDisplay struct {
	Items int    `json:"items"`           // rows shown, 1..MaxBlockItems
	Title string `json:"title,omitempty"` // block title; default: the display's title
	// More adds a link to the page display (Display.Path, which must then
	// be set and have no {argument} segments), labelled MoreText ("More").
	More     bool   `json:"more,omitempty"`
	MoreText string `json:"more_text,omitempty"`
}

// MaxBlockItems caps the rows of a block display.
const MaxBlockItems = 50

// Relationship joins the item an item_reference field of the base item
// points to (its first value), so filters, sorts and fields can use the
// referenced item's properties and fields. Only referenced items the viewer
// may see are joined. Required drops rows without a visible referenced item.
type Relationship struct {
	ID       string `json:"id"`    // machine name the other parts refer to, e.g. "parent"
	Field    string `json:"field"` // the item_reference field of the base item
	Label    string `json:"label,omitempty"`
	Required bool   `json:"required,omitempty"`
}

// Show is a field to display for each row, with a formatter.
type Show struct {
	Field        string `json:"field"`               // "title", "created", "changed", "author", "type" or a field name
	Formatter    string `json:"formatter,omitempty"` // "link" (title only), "text" (default), "date"
	Label        string `json:"label,omitempty"`
	Relationship string `json:"relationship,omitempty"` // show the referenced item's field
}

// Filter restricts rows. Value is compared with Op: a string, number or
// boolean; a list for in, not_in, between (two values) and the term
// operators; nothing for empty and not_empty.
type Filter struct {
	Field        string  `json:"field"`
	Op           string  `json:"op"`
	Value        any     `json:"value,omitempty"`
	Relationship string  `json:"relationship,omitempty"`
	Expose       *Expose `json:"expose,omitempty"`
}

// Expose lets visitors set a filter's value from the query string under
// Identifier. Without a submitted value an exposed filter applies its own
// Value when it has one, and is skipped otherwise.
type Expose struct {
	Identifier string   `json:"identifier"` // query-string key, e.g. "field_tags" or "year"
	Label      string   `json:"label"`
	Widget     string   `json:"widget"`            // "text", "select", "date_range", "checkbox"
	Options    []Option `json:"options,omitempty"` // select: allowed values
	Vocabulary string   `json:"vocabulary,omitempty"`
	// Vocabulary (select): the choices are this vocabulary's terms.
}

// Option is one allowed value of a select widget.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Argument binds a {Name} segment of the display path (e.g. /blog/{author})
// to a filter on Field with Op (default "=").
type Argument struct {
	Name         string `json:"name"`
	Field        string `json:"field"`
	Op           string `json:"op,omitempty"`
	Relationship string `json:"relationship,omitempty"`
}

// Sort orders rows.
type Sort struct {
	Field        string `json:"field"`
	Direction    string `json:"direction"` // "asc" or "desc"
	Relationship string `json:"relationship,omitempty"`
}

// Pager says how rows are split into pages.
type Pager struct {
	// Type is "mini" (default: fetch limit+1, no COUNT), "full" (numbered
	// pages; one COUNT query more) or "none" (first page only).
	Type         string `json:"type"`
	ItemsPerPage int    `json:"items_per_page"`
}

// Display is where and how the listing shows.
type Display struct {
	Path   string `json:"path"`             // page path, e.g. "/recent-pages" or "/blog/{author}"
	Title  string `json:"title"`            // page title
	Format string `json:"format,omitempty"` // "list" (default), "table", "grid", "teasers"
	// Header, Footer and Empty are text in TextFormat (default plain_text),
	// sanitized by that format's policy when shown.
	Header     string `json:"header,omitempty"`
	Footer     string `json:"footer,omitempty"`
	Empty      string `json:"empty,omitempty"`
	TextFormat string `json:"text_format,omitempty"`
}

// MaxItemsPerPage caps the page size a definition may ask for.
const MaxItemsPerPage = 200

var (
	fieldName  = regexp.MustCompile(`^field_[a-z0-9_]{1,58}$`)
	typeName   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	machineRe  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	segmentRe  = regexp.MustCompile(`^([a-z0-9][a-z0-9_-]*|\{[a-z][a-z0-9_]{0,31}\})$`)
	reservedID = map[string]bool{"page": true}
)

// baseColumns maps the definition's names for item properties to SQL
// column names of the item table; nothing else ever becomes SQL text.
// "author" is the author's user name (from the joined users table).
var baseColumns = map[string]string{
	"title":   "title",
	"created": "created",
	"changed": "changed",
	"status":  "status",
	"sticky":  "sticky",
	"promote": "promote",
	"type":    "type",
	"author":  "author",
}

// operators lists the filter operators.
var operators = map[string]bool{
	"=": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "between": true,
	"contains": true, "starts_with": true, "in": true, "not_in": true, "empty": true, "not_empty": true,
	"has_term": true, "has_term_or_descendants": true, "fulltext": true, "year": true,
}

// Operators lists the filter operators in the order the admin UI offers them.
func Operators() []string {
	return []string{"=", "!=", "<", "<=", ">", ">=", "between", "contains", "starts_with", "in", "not_in",
		"empty", "not_empty", "has_term", "has_term_or_descendants", "fulltext", "year"}
}

var widgets = map[string]bool{"text": true, "select": true, "date_range": true, "checkbox": true}

var formats = map[string]bool{"": true, "list": true, "table": true, "grid": true, "teasers": true}

// Parse decodes and validates a stored definition.
func Parse(raw json.RawMessage) (*Definition, error) {
	var d Definition
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, errs.New(errs.Invalid, "The listing definition is not valid JSON for a listing: %v", err)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// Validate checks every name and operator against what the builder knows,
// and reports all problems at once. Value types are checked when the
// statement is built, against the field types of the base types.
func (d *Definition) Validate() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(d.BaseTypes) == 0 {
		add("base_types: name at least one content type")
	}
	for _, t := range d.BaseTypes {
		if !typeName.MatchString(t) {
			add("base_types: %q is not a content type machine name", t)
		}
	}
	rels := map[string]bool{}
	for i, r := range d.Relationships {
		if !machineRe.MatchString(r.ID) {
			add("relationships[%d]: id %q must be a machine name", i, r.ID)
		} else if rels[r.ID] {
			add("relationships[%d]: id %q is used twice", i, r.ID)
		}
		rels[r.ID] = true
		if !fieldName.MatchString(r.Field) {
			add("relationships[%d]: %q is not a field name", i, r.Field)
		}
	}
	if len(d.Relationships) > 4 {
		add("relationships: at most 4")
	}
	knownIn := func(rel, field string, where string) {
		if rel != "" && !rels[rel] {
			add("%s: unknown relationship %q", where, rel)
		}
		if !knownField(field) {
			add("%s: unknown field %q", where, field)
		} else if rel != "" && field == "author" {
			add("%s: the author of a related item cannot be used", where)
		}
	}
	ids := map[string]bool{}
	for i, f := range d.Filters {
		where := fmt.Sprintf("filters[%d]", i)
		knownIn(f.Relationship, f.Field, where)
		if !operators[f.Op] {
			add("%s: unknown operator %q", where, f.Op)
		}
		if err := checkValueShape(f.Value); err != nil {
			add("%s: %v", where, err)
		}
		if e := f.Expose; e != nil {
			if !machineRe.MatchString(e.Identifier) || reservedID[e.Identifier] {
				add("%s: exposed identifier %q must be a machine name other than page", where, e.Identifier)
			} else if ids[e.Identifier] {
				add("%s: exposed identifier %q is used twice", where, e.Identifier)
			}
			ids[e.Identifier] = true
			if !widgets[e.Widget] {
				add("%s: unknown widget %q (text, select, date_range or checkbox)", where, e.Widget)
			}
			if strings.TrimSpace(e.Label) == "" {
				add("%s: an exposed filter needs a label", where)
			}
			if e.Widget == "select" && len(e.Options) == 0 && e.Vocabulary == "" {
				add("%s: a select needs options or a vocabulary", where)
			}
			if e.Vocabulary != "" && !machineRe.MatchString(e.Vocabulary) {
				add("%s: %q is not a vocabulary machine name", where, e.Vocabulary)
			}
			if e.Widget == "date_range" && f.Op != "between" {
				add("%s: the date_range widget takes the between operator", where)
			}
		}
	}
	args := map[string]bool{}
	for i, a := range d.Arguments {
		where := fmt.Sprintf("arguments[%d]", i)
		if !machineRe.MatchString(a.Name) || len(a.Name) > 32 {
			add("%s: name %q must be a machine name", where, a.Name)
		}
		args[a.Name] = true
		knownIn(a.Relationship, a.Field, where)
		if a.Op != "" && !operators[a.Op] {
			add("%s: unknown operator %q", where, a.Op)
		}
		switch a.Op {
		case "between", "empty", "not_empty":
			add("%s: operator %s cannot take a path argument", where, a.Op)
		}
	}
	for i, s := range d.Sorts {
		where := fmt.Sprintf("sorts[%d]", i)
		knownIn(s.Relationship, s.Field, where)
		if s.Direction != "asc" && s.Direction != "desc" {
			add("%s: direction must be asc or desc", where)
		}
	}
	for i, s := range d.Fields {
		knownIn(s.Relationship, s.Field, fmt.Sprintf("fields[%d]", i))
		switch s.Formatter {
		case "", "text", "link", "date":
		default:
			add("fields[%d]: unknown formatter %q", i, s.Formatter)
		}
	}
	switch d.Pager.Type {
	case "", "mini", "full", "none":
	default:
		add("pager: unknown type %q (mini, full or none)", d.Pager.Type)
	}
	if d.Pager.ItemsPerPage < 1 || d.Pager.ItemsPerPage > MaxItemsPerPage {
		add("pager: items_per_page must be between 1 and %d", MaxItemsPerPage)
	}
	if !formats[d.Display.Format] {
		add("display: unknown format %q (list, table, grid or teasers)", d.Display.Format)
	}
	if d.Display.Path != "" {
		segs, ok := pathSegments(d.Display.Path)
		if !ok {
			add("display: path %q must look like /some-path or /blog/{author}", d.Display.Path)
		}
		inPath := map[string]bool{}
		for _, s := range segs {
			if name, isArg := argSegment(s); isArg {
				inPath[name] = true
				if !args[name] {
					add("display: path segment {%s} has no argument", name)
				}
			}
		}
		for name := range args {
			if !inPath[name] {
				add("arguments: %q is not a {segment} of the display path", name)
			}
		}
		if len(segs) > 0 {
			if _, isArg := argSegment(segs[0]); isArg {
				add("display: the path must start with a fixed segment")
			}
		}
	} else if len(d.Arguments) > 0 {
		add("arguments: they need a display path with {segments}")
	}
	if b := d.Block; b != nil {
		if b.Items < 1 || b.Items > MaxBlockItems {
			add("block: items must be between 1 and %d", MaxBlockItems)
		}
		if len(d.Arguments) > 0 {
			add("block: a listing with path arguments cannot be a block (a block has no path to read them from)")
		}
		if b.More && (d.Display.Path == "" || strings.Contains(d.Display.Path, "{")) {
			add("block: the more link needs a page display path without {arguments}")
		}
		if len(b.Title) > 255 || len(b.MoreText) > 64 {
			add("block: the title has at most 255 characters and the more link text at most 64")
		}
	}
	if len(problems) > 0 {
		return errs.New(errs.Invalid, "The listing definition is not valid: %s", strings.Join(problems, "; "))
	}
	return nil
}

// pathSegments splits a display path into its segments.
func pathSegments(p string) ([]string, bool) {
	if !strings.HasPrefix(p, "/") || len(p) > 200 {
		return nil, false
	}
	segs := strings.Split(p[1:], "/")
	for _, s := range segs {
		if !segmentRe.MatchString(s) {
			return nil, false
		}
	}
	return segs, true
}

// argSegment reports whether a path segment is an {argument}.
func argSegment(s string) (string, bool) {
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// Exposed returns the exposed filters in definition order.
func (d *Definition) Exposed() []Filter {
	var out []Filter
	for _, f := range d.Filters {
		if f.Expose != nil {
			out = append(out, f)
		}
	}
	return out
}

// RelationshipFields returns the fields relationships join through.
func (d *Definition) relationship(id string) (int, bool) {
	i := slices.IndexFunc(d.Relationships, func(r Relationship) bool { return r.ID == id })
	return i, i >= 0
}

func knownField(name string) bool {
	_, base := baseColumns[name]
	return base || fieldName.MatchString(name)
}

// checkValueShape accepts the JSON shapes a filter value may have.
func checkValueShape(v any) error {
	switch v := v.(type) {
	case nil, string, bool, float64:
		return nil
	case []any:
		if len(v) > 100 {
			return fmt.Errorf("a value list takes at most 100 values")
		}
		for _, e := range v {
			switch e.(type) {
			case string, float64:
			default:
				return fmt.Errorf("value lists take strings or numbers")
			}
		}
		return nil
	}
	return fmt.Errorf("value must be a string, number, boolean or a list")
}
