// Package gather is Trovato's listing engine (Drupal's Views): a listing is
// a definition stored as JSONB — base types, filters, sorts, pager, display —
// that the builder turns into parameterized SQL.
//
// Safety by construction: column names come from a fixed allowlist, JSONB
// field names are validated and then passed as bind parameters (the SQL
// never contains a field name), every value is a bind parameter, and the
// viewer's access (published status) is always part of the WHERE clause so
// a listing never shows an item its viewer may not see and pagers stay right.
package gather

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/trovato/trovato/app/errs"
)

// Definition is a stored listing.
type Definition struct {
	BaseTypes []string `json:"base_types"`
	Fields    []Show   `json:"fields,omitempty"`
	Filters   []Filter `json:"filters,omitempty"`
	Sorts     []Sort   `json:"sorts,omitempty"`
	Pager     Pager    `json:"pager"`
	Display   Display  `json:"display"`
}

// Show is a field to display for each row, with a formatter.
type Show struct {
	Field     string `json:"field"`               // "title", "created", "author" or a field name
	Formatter string `json:"formatter,omitempty"` // "link" (title only), "text" (default), "date"
	Label     string `json:"label,omitempty"`
}

// Filter restricts rows. Value is compared with Op.
type Filter struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	Value any    `json:"value"`
}

// Sort orders rows.
type Sort struct {
	Field     string `json:"field"`
	Direction string `json:"direction"` // "asc" or "desc"
}

// Pager says how rows are split into pages.
type Pager struct {
	Type         string `json:"type"` // "mini" (default: fetch limit+1, no COUNT) or "none"
	ItemsPerPage int    `json:"items_per_page"`
}

// Display is where and how the listing shows.
type Display struct {
	Path  string `json:"path"`  // page path, e.g. "/recent-pages"
	Title string `json:"title"` // page title
	Empty string `json:"empty,omitempty"`
}

// MaxItemsPerPage caps the page size a definition may ask for.
const MaxItemsPerPage = 200

var (
	fieldName = regexp.MustCompile(`^field_[a-z0-9_]{1,58}$`)
	typeName  = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	pathRe    = regexp.MustCompile(`^(/[a-z0-9][a-z0-9_-]*)+$`)
)

// baseColumns maps the definition's names for item properties to SQL
// expressions; nothing else ever becomes SQL text.
var baseColumns = map[string]string{
	"title":   "i.title",
	"created": "i.created",
	"changed": "i.changed",
	"status":  "i.status",
	"sticky":  "i.sticky",
	"promote": "i.promote",
	"type":    "i.type",
}

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
// and reports all problems at once.
func (d *Definition) Validate() error {
	var problems []string
	if len(d.BaseTypes) == 0 {
		problems = append(problems, "base_types: name at least one content type")
	}
	for _, t := range d.BaseTypes {
		if !typeName.MatchString(t) {
			problems = append(problems, fmt.Sprintf("base_types: %q is not a content type machine name", t))
		}
	}
	for i, f := range d.Filters {
		if err := f.validate(); err != nil {
			problems = append(problems, fmt.Sprintf("filters[%d]: %v", i, err))
		}
	}
	for i, s := range d.Sorts {
		if !knownField(s.Field) {
			problems = append(problems, fmt.Sprintf("sorts[%d]: unknown field %q", i, s.Field))
		}
		if s.Direction != "asc" && s.Direction != "desc" {
			problems = append(problems, fmt.Sprintf("sorts[%d]: direction must be asc or desc", i))
		}
	}
	for i, s := range d.Fields {
		if s.Field != "author" && !knownField(s.Field) {
			problems = append(problems, fmt.Sprintf("fields[%d]: unknown field %q", i, s.Field))
		}
		switch s.Formatter {
		case "", "text", "link", "date":
		default:
			problems = append(problems, fmt.Sprintf("fields[%d]: unknown formatter %q", i, s.Formatter))
		}
	}
	switch d.Pager.Type {
	case "", "mini", "none":
	default:
		problems = append(problems, fmt.Sprintf("pager: unknown type %q (mini or none)", d.Pager.Type))
	}
	if d.Pager.ItemsPerPage < 1 || d.Pager.ItemsPerPage > MaxItemsPerPage {
		problems = append(problems, fmt.Sprintf("pager: items_per_page must be between 1 and %d", MaxItemsPerPage))
	}
	if d.Display.Path != "" && !pathRe.MatchString(d.Display.Path) {
		problems = append(problems, fmt.Sprintf("display: path %q must look like /some-path", d.Display.Path))
	}
	if len(problems) > 0 {
		return errs.New(errs.Invalid, "The listing definition is not valid: %s", strings.Join(problems, "; "))
	}
	return nil
}

func knownField(name string) bool {
	_, base := baseColumns[name]
	return base || fieldName.MatchString(name)
}

// operators lists the filter operators of this version and their SQL.
var operators = map[string]string{
	"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "contains": "ILIKE",
}

func (f Filter) validate() error {
	if !knownField(f.Field) {
		return fmt.Errorf("unknown field %q", f.Field)
	}
	if _, ok := operators[f.Op]; !ok {
		return fmt.Errorf("unknown operator %q", f.Op)
	}
	switch f.Value.(type) {
	case string, bool, float64:
	default:
		return fmt.Errorf("value must be a string, number or boolean")
	}
	return nil
}
