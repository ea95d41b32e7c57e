package gather

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
)

// Viewer is who the listing is built for; access rules go into the SQL.
type Viewer struct {
	ID              uuid.UUID // uuid.Nil for anonymous
	SeesUnpublished bool      // holds "view unpublished content"
	Stage           []string  // the stage chain read in, nearest first (empty: Live); see stage.go
}

// Query is a built statement: SQL with $n placeholders and its arguments.
type Query struct {
	SQL   string
	Args  []any
	Limit int // rows per page; the statement fetches Limit+1 for the mini pager
	Page  int // the 0-based page the statement fetches
	// CountSQL counts every row of the listing (full pager only); it takes
	// the first len(CountArgs) arguments.
	CountSQL  string
	CountArgs []any
	// familyTerms are the term ids of a stage listing's
	// has_term_or_descendants conditions when the request carried no
	// Families: RunRequest expands them and builds again.
	familyTerms []string
}

// Request is what one page view asks of a listing: the page, the values of
// exposed filters (by identifier; a date_range widget's bounds under
// identifier_from and identifier_to) and of path arguments (by name), and
// the site's field types.
type Request struct {
	Page   int
	Input  map[string]string
	Args   map[string]string
	Schema Schema
	// jsonbTerms makes Live term filters read the JSONB fields instead of
	// category_index, the stage listings' way: the tests compare the two.
	jsonbTerms bool
	// Families, in a stage listing, maps the term ids of
	// has_term_or_descendants conditions to each term and every term
	// below it as the stage sees them (the category overlay, with terms
	// created or reparented in the stage), in lower-case UUID text.
	// RunRequest fills it from Query.familyTerms. Without it a stage
	// listing walks Live's hierarchy (category_term_parent) in SQL. Live
	// listings never read it.
	Families map[string][]string
}

// Schema maps field names to their definitions, from the content types.
type Schema map[string]FieldInfo

// FieldInfo is what the builder needs to know of a field.
type FieldInfo struct {
	Type       string // field type, e.g. "text", "integer", "category_reference"
	Label      string
	Vocabulary string   // category_reference: the vocabulary of its terms
	Allowed    []Option // list: the allowed values
	// Column is the field's ready materialized column (materialize.go), or
	// "". Service.Schema fills it in; Live listings read it instead of the
	// JSONB expression, with the same results.
	Column string
	// ColumnStatus and ColumnError are the state of the field's column
	// build, if one was asked for (the preview's advice shows them).
	ColumnStatus string
	ColumnError  string
}

// MaxPage bounds the page number a request may ask for.
const MaxPage = 100000

// selectList is what every listing row carries before its fields (see
// shownFields); the FROM source is stage-aware (stage.go).
const selectList = `SELECT i.id, i.type, i.title, i.status, i.sticky, i.created, i.changed, u.name, `

// kind is how a field's values compare.
type kind int

const (
	kText   kind = iota // strings
	kNumber             // integer and decimal fields
	kDate               // date and datetime fields (ISO text)
	kStamp              // created, changed
	kBool
	kTerm // category_reference
	kRef  // item_reference
)

var kindNames = map[kind]string{kText: "text", kNumber: "number", kDate: "date", kStamp: "date", kBool: "true/false",
	kTerm: "category", kRef: "content reference"}

// opKinds says which kinds each operator applies to.
var opKinds = map[string][]kind{
	"=": {kText, kNumber, kDate, kStamp, kBool, kTerm, kRef}, "!=": {kText, kNumber, kDate, kStamp, kBool, kTerm, kRef},
	"<": {kText, kNumber, kDate, kStamp}, "<=": {kText, kNumber, kDate, kStamp},
	">": {kText, kNumber, kDate, kStamp}, ">=": {kText, kNumber, kDate, kStamp},
	"between": {kNumber, kDate, kStamp}, "contains": {kText}, "starts_with": {kText},
	"in": {kText, kNumber, kTerm, kRef}, "not_in": {kText, kNumber, kTerm, kRef},
	"empty": {kText, kNumber, kDate, kBool, kTerm, kRef}, "not_empty": {kText, kNumber, kDate, kBool, kTerm, kRef},
	"has_term": {kTerm}, "has_term_or_descendants": {kTerm}, "fulltext": {kText}, "year": {kDate, kStamp},
	"range": {kNumber, kDate, kStamp}, // internal: exposed date ranges, [from, to) with either bound empty
}

// fieldKinds maps field types to kinds; other types compare as text.
var fieldKinds = map[string]kind{
	"integer": kNumber, "decimal": kNumber, "date": kDate, "datetime": kDate, "boolean": kBool,
	"category_reference": kTerm, "item_reference": kRef,
}

// baseKinds are the kinds of item properties.
var baseKinds = map[string]kind{
	"title": kText, "type": kText, "author": kText, "created": kStamp, "changed": kStamp,
	"status": kBool, "sticky": kBool, "promote": kBool,
}

// builder accumulates SQL text from constants and placeholders only.
type builder struct {
	d      *Definition
	v      Viewer
	schema Schema
	args   []any
	fields map[string]string // field name → its placeholder
	// jsonbTerms, families: see Request; familyTerms: see Query.
	jsonbTerms  bool
	families    map[string][]string
	familyTerms []string
	// joins are the category_index joins of single-term filters
	// (termJoin), added to FROM after the filters are built; termCreated
	// is the first one's created column, which sorts on created read.
	joins       []string
	termCreated string
}

func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// field is the placeholder carrying a field name, one per name.
func (b *builder) field(name string) string {
	if p, ok := b.fields[name]; ok {
		return p
	}
	p := b.arg(name) + "::text"
	b.fields[name] = p
	return p
}

// Build turns a validated definition into one parameterized statement for
// page (0-based) as seen by viewer, without exposed input or arguments.
func Build(d *Definition, v Viewer, page int) (Query, error) {
	return BuildRequest(d, v, Request{Page: page})
}

// BuildRequest turns a validated definition and one request into a
// parameterized statement. Bad exposed input is an Invalid error whose
// fields are keyed by input key; a bad path argument is NotFound.
func BuildRequest(d *Definition, v Viewer, r Request) (Query, error) {
	if err := d.Validate(); err != nil {
		return Query{}, err
	}
	page := min(max(r.Page, 0), MaxPage)
	if d.Pager.Type == "none" {
		page = 0
	}
	b := &builder{d: d, v: v, schema: r.Schema, fields: map[string]string{}, jsonbTerms: r.jsonbTerms,
		families: r.Families}
	from := "FROM " + b.source(v.Stage, "i") + " JOIN users u ON u.id = i.author_id"
	for i, rel := range d.Relationships {
		a := relAlias(i)
		join := "\nLEFT JOIN "
		if rel.Required {
			join = "\nJOIN "
		}
		from += join + b.source(v.Stage, a) + " ON " + a + ".id = gather_uuid(i.fields -> " + b.field(rel.Field) + " -> 0 ->> 'target_id')"
		if acc := b.access(a); acc != "" {
			from += " AND " + acc
		}
	}
	// One base type is an equality, so item_type_status_created serves the
	// listing's type, status and newest-first order (= ANY cannot use its
	// order on PostgreSQL 15).
	var where []string
	if len(d.BaseTypes) == 1 {
		where = append(where, "i.type = "+b.arg(d.BaseTypes[0])+"::text")
	} else {
		where = append(where, "i.type = ANY("+b.arg(d.BaseTypes)+"::text[])")
	}
	if acc := b.access("i"); acc != "" {
		where = append(where, acc)
	}
	var problems map[string]string
	for i, f := range d.Filters {
		val, key, skip, err := b.filterValue(f, r.Input)
		if err != nil {
			if problems == nil {
				problems = map[string]string{}
			}
			problems[key] = err.Error()
			continue
		}
		if skip {
			continue
		}
		op := f.Op
		if f.Expose != nil && f.Expose.Widget == "date_range" {
			op, val = rangeOp(val)
		}
		cond, err := b.filter(f.Relationship, f.Field, op, val)
		if err != nil {
			if f.Expose != nil && key != "" {
				if problems == nil {
					problems = map[string]string{}
				}
				problems[key] = err.Error()
				continue
			}
			return Query{}, errs.New(errs.Invalid, "The listing definition is not valid: filters[%d]: %v", i, err)
		}
		if cond != "" {
			where = append(where, cond)
		}
	}
	if problems != nil {
		return Query{}, errs.InvalidFields(problems)
	}
	for _, a := range d.Arguments {
		raw, ok := r.Args[a.Name]
		if !ok || raw == "" {
			return Query{}, errs.New(errs.NotFound, "The page you requested does not exist.")
		}
		op := a.Op
		if op == "" {
			op = "="
		}
		cond, err := b.filter(a.Relationship, a.Field, op, raw)
		if err != nil {
			return Query{}, errs.New(errs.NotFound, "The page you requested does not exist: %s %v.", a.Name, err)
		}
		if cond != "" {
			where = append(where, cond)
		}
	}
	from += strings.Join(b.joins, "")
	whereSQL := "\nWHERE " + strings.Join(where, "\n  AND ")
	q := Query{Limit: d.Pager.ItemsPerPage, Page: page}
	if d.Pager.Type == "full" {
		q.CountSQL = "SELECT count(*) " + from + whereSQL
		q.CountArgs = append([]any(nil), b.args...)
	}
	var order []string
	for _, s := range d.Sorts {
		dir := " ASC"
		if s.Direction == "desc" {
			dir = " DESC"
		}
		expr, nullable := b.sortExpr(s.Relationship, s.Field)
		if nullable {
			dir += " NULLS LAST"
		}
		order = append(order, expr+dir)
	}
	order = append(order, "i.id DESC") // a stable order keeps pages from overlapping
	sel := selectList + b.shownFields("i", "")
	for i, rel := range d.Relationships {
		a := relAlias(i)
		sel += ",\n  CASE WHEN " + a + ".id IS NULL THEN NULL ELSE jsonb_build_object('id', " + a + ".id, 'type', " + a +
			".type, 'title', " + a + ".title, 'created', " + a + ".created, 'changed', " + a + ".changed, 'fields', " +
			b.shownFields(a, rel.ID) + ") END"
	}
	limit := d.Pager.ItemsPerPage
	q.SQL = sel + "\n" + from + whereSQL +
		"\nORDER BY " + strings.Join(order, ", ") +
		"\nLIMIT " + b.arg(limit+1) + " OFFSET " + b.arg(page*limit)
	q.Args = b.args
	q.familyTerms = b.familyTerms
	return q, nil
}

func relAlias(i int) string { return "r" + strconv.Itoa(i+1) }

// shownFields is the SQL of the fields a row carries from alias a (the
// base item, rel "", or a relationship's item): only the fields the
// display shows from it, since every row's whole fields (2–8 KB of JSON)
// would otherwise be sent and decoded for a display of titles and dates.
// A definition that shows nothing (a plugin's item query, which hands the
// items on) carries every field.
func (b *builder) shownFields(a, rel string) string {
	if len(b.d.Fields) == 0 {
		return a + ".fields"
	}
	var names []string
	for _, s := range b.d.Fields {
		if s.Relationship == rel && fieldName.MatchString(s.Field) && !slices.Contains(names, s.Field) {
			names = append(names, s.Field)
		}
	}
	if len(names) == 0 {
		return "'{}'::jsonb"
	}
	return "(SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}') FROM jsonb_each(" + a + ".fields) f WHERE f.key = ANY(" +
		b.arg(names) + "::text[]))"
}

// access is the viewer's published-status condition on the item alias a.
func (b *builder) access(a string) string {
	if b.v.SeesUnpublished {
		return ""
	}
	if b.v.ID == uuid.Nil {
		return a + ".status"
	}
	return "(" + a + ".status OR " + a + ".author_id = " + b.arg(b.v.ID) + ")"
}

// alias is the table alias for a relationship id ("" is the base item).
func (b *builder) alias(rel string) string {
	if rel == "" {
		return "i"
	}
	i, _ := b.d.relationship(rel)
	return relAlias(i)
}

// filterValue returns the value a filter applies: its own, or the exposed
// input. skip reports an exposed filter with neither. key is the input key
// problems are reported under.
func (b *builder) filterValue(f Filter, input map[string]string) (val any, key string, skip bool, err error) {
	e := f.Expose
	if e == nil {
		return f.Value, "", false, nil
	}
	key = e.Identifier
	switch e.Widget {
	case "date_range":
		from, to := strings.TrimSpace(input[key+"_from"]), strings.TrimSpace(input[key+"_to"])
		if from == "" && to == "" {
			return f.Value, key, f.Value == nil, nil
		}
		for k, s := range map[string]string{key + "_from": from, key + "_to": to} {
			if s != "" {
				if _, _, ok := parseDate(s); !ok {
					return nil, k, false, fmt.Errorf("Enter a date like 2024-05-31.")
				}
			}
		}
		return dateRange{from, to}, key, false, nil
	case "checkbox":
		if s := input[key]; s != "" && s != "0" {
			return true, key, false, nil
		}
		return f.Value, key, f.Value == nil, nil
	}
	s := strings.TrimSpace(input[key])
	if s == "" {
		return f.Value, key, f.Value == nil, nil
	}
	if len(s) > 200 {
		return nil, key, false, fmt.Errorf("The value is too long (at most 200 characters).")
	}
	if !validText(s) {
		return nil, key, false, fmt.Errorf("Enter valid text.")
	}
	if e.Widget == "select" && len(e.Options) > 0 && !hasValue(e.Options, s) {
		return nil, key, false, fmt.Errorf("Choose one of the listed values.")
	}
	return s, key, false, nil
}

func hasValue(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// dateRange is the input of a date_range widget; either bound may be empty.
type dateRange struct{ from, to string }

// rangeOp turns a date range into the internal "range" operator: from
// included, to included as a whole day (so the bound sent is the next day,
// excluded). Either bound may be empty.
func rangeOp(v any) (string, any) {
	r, ok := v.(dateRange)
	if !ok {
		return "between", v
	}
	to := r.to
	if t, dateOnly, ok := parseDate(to); ok && dateOnly {
		to = t.AddDate(0, 0, 1).Format("2006-01-02")
	}
	return "range", []any{r.from, to}
}

// kindOf is how field compares: by the property, the field type in the
// schema, or else the value's JSON kind.
func (b *builder) kindOf(field, op string, val any) kind {
	if k, ok := baseKinds[field]; ok {
		return k
	}
	if info, ok := b.schema[field]; ok {
		if k, ok := fieldKinds[info.Type]; ok {
			return k
		}
		return kText
	}
	if op == "has_term" || op == "has_term_or_descendants" {
		return kTerm
	}
	if l, ok := val.([]any); ok && len(l) > 0 {
		val = l[0]
	}
	switch val.(type) {
	case bool:
		return kBool
	case float64:
		return kNumber
	}
	return kText
}

// prop is the JSONB property a field's values are compared on.
func (b *builder) prop(field string) string {
	switch b.schema[field].Type {
	case "link":
		return "'uri'"
	case "category_reference", "item_reference":
		return "'target_id'"
	}
	return "'value'"
}

// column is the SQL of an item property on alias a.
func column(a, field string) string {
	if field == "author" {
		return "u.name"
	}
	return a + "." + baseColumns[field]
}

// materialized is field's ready materialized column on alias a and the
// column's kind, or ok false. Only Live listings read them: a stage's
// revision rows (stage.go) have no such columns, so a stage listing
// compares the same JSONB expressions the columns are generated from.
func (b *builder) materialized(a, field string) (col, kind string, ok bool) {
	info, found := b.schema[field]
	if !found || info.Column == "" || len(b.v.Stage) > 0 || !fieldName.MatchString(field) {
		return "", "", false
	}
	kind, ok = columnKind(info.Type)
	if !ok || info.Column != columnName(field) {
		return "", "", false
	}
	return a + "." + info.Column, kind, true
}

// termIndexed reports whether term filters on field read category_index
// (migrations/00015): in Live listings, for a category_reference field.
// The table holds one row per Live item, category_reference field name
// and referenced term, published or not, so "the item's field references
// one of these terms" is a lookup of the terms' rows instead of a JSONB
// containment test of every row (the GIN index finds the items, but the
// listing cannot then stop at its page in its index's order). A stage
// listing reads fields through stage_items and compares the JSONB.
func (b *builder) termIndexed(field string) bool {
	return len(b.v.Stage) == 0 && !b.jsonbTerms && b.schema[field].Type == "category_reference"
}

// termIndexCond is "a's field references one of terms" (SQL of a uuid[])
// from category_index. IN (a semi-join) lets the planner either hash the
// term's item ids (an index-only scan of category_index_term) and fetch
// those items, for a rare term, or walk the listing's own index and probe
// each item's rows by the primary key, for a common one.
func (b *builder) termIndexCond(a, field, terms string) string {
	return a + ".id IN (SELECT ci.item_id FROM category_index ci WHERE ci.term_id = ANY(" + terms + ") AND ci.field = " +
		b.field(field) + ")"
}

// termJoin joins the listing's item to its category_index row for one
// term in field, the form of "tagged with this term" that can also serve
// the newest-first order: the row's created equals the item's (the
// triggers keep it so), and a sort on created reads the row's (sortExpr),
// so the planner may walk category_index_term — the term's rows, newest
// first, item_id breaking ties as i.id does — and stop at the page,
// reading a page's items only, however rare or common the term. (Saying
// ct.created = i.created in the join instead would make the planner
// count it as a second, independent condition and expect one row.) The
// primary key (item_id, field, term_id) gives each item one row at most,
// so the join adds no duplicates.
func (b *builder) termJoin(field string, term any) {
	c := "ct" + strconv.Itoa(len(b.joins)+1)
	b.joins = append(b.joins, "\nJOIN category_index "+c+" ON "+c+".item_id = i.id AND "+
		c+".term_id = "+b.arg(term)+"::uuid AND "+c+".field = "+b.field(field))
	if b.termCreated == "" {
		b.termCreated = c + ".created"
	}
}

// sortExpr is the SQL a sort orders by, and whether it may be NULL.
func (b *builder) sortExpr(rel, field string) (string, bool) {
	a := b.alias(rel)
	if field == "created" && rel == "" && b.termCreated != "" {
		return b.termCreated, false // the same value (termJoin)
	}
	if _, ok := baseColumns[field]; ok {
		return column(a, field), rel != ""
	}
	if col, kind, ok := b.materialized(a, field); ok {
		return firstOf(col, kind), true
	}
	first := "(" + a + ".fields -> " + b.field(field) + " -> 0 ->> " + b.prop(field) + ")"
	if b.kindOf(field, "", nil) == kNumber {
		return "gather_numeric" + first, true
	}
	return first, true
}

// filter is the SQL condition of one filter with its value.
func (b *builder) filter(rel, field, op string, raw any) (string, error) {
	k := b.kindOf(field, op, raw)
	if !allowed(op, k) {
		return "", fmt.Errorf("%s does not apply to %s (a %s field)", opLabel(op), field, kindNames[k])
	}
	a := b.alias(rel)
	_, isBase := baseColumns[field]
	if isBase && (op == "empty" || op == "not_empty") {
		return "", fmt.Errorf("%s is never empty", field)
	}
	if op == "fulltext" && isBase && field != "title" {
		return "", fmt.Errorf("full text search applies to the title and text fields")
	}
	if op == "empty" || op == "not_empty" {
		cond := "coalesce((" + a + ".fields -> " + b.field(field) + ") @> '[{}]', false)"
		if op == "empty" {
			cond = "NOT " + cond
		}
		return cond, nil
	}
	vals, err := b.values(field, op, k, raw)
	if err != nil {
		return "", err
	}
	if isBase {
		return b.baseCond(column(a, field), field, op, k, vals)
	}
	return b.fieldCond(a, field, op, k, vals)
}

func allowed(op string, k kind) bool {
	for _, x := range opKinds[op] {
		if x == k {
			return true
		}
	}
	return false
}

func opLabel(op string) string {
	switch op {
	case "=":
		return "equals"
	case "!=":
		return "not equals"
	}
	return strings.ReplaceAll(op, "_", " ")
}

// values converts a raw value (from the definition or a request) into the
// typed values op takes.
func (b *builder) values(field, op string, k kind, raw any) ([]any, error) {
	var list []any
	switch v := raw.(type) {
	case []any:
		list = v
	case nil:
		return nil, fmt.Errorf("%s needs a value", opLabel(op))
	default:
		list = []any{v}
	}
	switch op {
	case "between", "range":
		if len(list) != 2 {
			return nil, fmt.Errorf("between takes two values")
		}
	case "in", "not_in", "has_term", "has_term_or_descendants":
		if len(list) == 0 {
			return nil, fmt.Errorf("%s needs at least one value", opLabel(op))
		}
	default:
		if len(list) != 1 {
			return nil, fmt.Errorf("%s takes one value", opLabel(op))
		}
	}
	out := make([]any, 0, len(list))
	for _, v := range list {
		if op == "range" && v == "" {
			out = append(out, nil)
			continue
		}
		c, err := b.convert(field, op, k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// convert checks one value against the field's kind.
func (b *builder) convert(field, op string, k kind, v any) (any, error) {
	if op == "year" {
		y, ok := toNumber(v)
		if !ok || y != math.Trunc(y) || y < 1 || y > 9998 {
			return nil, fmt.Errorf("Enter a year like 2024.")
		}
		return int(y), nil
	}
	switch k {
	case kNumber:
		n, ok := toNumber(v)
		if !ok {
			return nil, fmt.Errorf("Enter a number.")
		}
		return n, nil
	case kBool:
		switch v := v.(type) {
		case bool:
			return v, nil
		case string:
			switch strings.ToLower(v) {
			case "1", "true", "on", "yes":
				return true, nil
			case "0", "false", "off", "no":
				return false, nil
			}
		}
		return nil, fmt.Errorf("Enter true or false.")
	case kTerm, kRef:
		s, _ := v.(string)
		id, err := uuid.Parse(s)
		if err != nil {
			if k == kTerm {
				return nil, fmt.Errorf("Choose a category term.")
			}
			return nil, fmt.Errorf("Enter the id of a piece of content.")
		}
		return id.String(), nil
	case kDate, kStamp:
		s, ok := v.(string)
		var t time.Time
		var dateOnly bool
		if ok {
			t, dateOnly, ok = parseDate(s)
		}
		if !ok {
			return nil, fmt.Errorf("Enter a date like 2024-05-31.")
		}
		if k == kStamp {
			return t, nil
		}
		if b.schema[field].Type == "date" || dateOnly {
			return t.Format("2006-01-02"), nil
		}
		return t.UTC().Format(time.RFC3339), nil
	}
	switch v := v.(type) {
	case string:
		if !validText(v) {
			return nil, fmt.Errorf("Enter valid text.")
		}
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	}
	return nil, fmt.Errorf("Enter text.")
}

// validText is text PostgreSQL accepts: valid UTF-8 without NUL (it
// refuses anything else with an error, which would be a 500).
func validText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func toNumber(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, !math.IsNaN(v) && !math.IsInf(v, 0)
	case string:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return n, err == nil && !math.IsNaN(n) && !math.IsInf(n, 0)
	}
	return 0, false
}

// parseDate reads a date (2006-01-02) or an RFC 3339 date-time.
func parseDate(s string) (time.Time, bool, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), false, true
	}
	return time.Time{}, false, false
}

var compare = map[string]string{"=": " = ", "!=": " <> ", "<": " < ", "<=": " <= ", ">": " > ", ">=": " >= "}

// baseCond is a condition on an item property column.
func (b *builder) baseCond(col, field, op string, k kind, vals []any) (string, error) {
	cast := "::text"
	switch {
	case k == kStamp:
		cast = "::timestamptz"
	case k == kBool:
		cast = "::boolean"
	case field == "author":
		cast = "::citext"
	}
	switch op {
	case "=", "!=", "<", "<=", ">", ">=":
		return col + compare[op] + b.arg(vals[0]) + cast, nil
	case "between":
		return col + " BETWEEN " + b.arg(vals[0]) + cast + " AND " + b.arg(vals[1]) + cast, nil
	case "range":
		return b.rangeCond(col, cast, vals), nil
	case "year":
		y := vals[0].(int)
		from := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		return "(" + col + " >= " + b.arg(from) + "::timestamptz AND " + col + " < " + b.arg(from.AddDate(1, 0, 0)) + "::timestamptz)", nil
	case "contains":
		return "strpos(lower(" + col + "::text), lower(" + b.arg(vals[0]) + "::text)) > 0", nil
	case "starts_with":
		return "starts_with(lower(" + col + "::text), lower(" + b.arg(vals[0]) + "::text))", nil
	case "in", "not_in":
		cond := col + " = ANY(" + b.arg(strings1(vals)) + cast + "[])"
		if op == "not_in" {
			cond = "NOT (" + cond + ")"
		}
		return cond, nil
	case "fulltext":
		return "to_tsvector('english', " + col + ") @@ websearch_to_tsquery('english', " + b.arg(vals[0]) + "::text)", nil
	}
	return "", fmt.Errorf("%s does not apply to %s", opLabel(op), field)
}

// rangeCond is expr in [vals[0], vals[1]), a nil bound being open.
func (b *builder) rangeCond(expr, cast string, vals []any) string {
	var conds []string
	if vals[0] != nil {
		conds = append(conds, expr+" >= "+b.arg(vals[0])+cast)
	}
	if vals[1] != nil {
		conds = append(conds, expr+" < "+b.arg(vals[1])+cast)
	}
	if len(conds) == 0 {
		return "true"
	}
	return "(" + strings.Join(conds, " AND ") + ")"
}

func strings1(vals []any) []string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// familyOf is the union of the request's families of terms (a term
// without one is its own family), each member once, in order.
func (b *builder) familyOf(terms []string) []any {
	seen := map[string]bool{}
	var out []any
	for _, t := range terms {
		members, ok := b.families[t]
		if !ok {
			members = []string{t}
		}
		for _, m := range members {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// containment is the JSONB document "field has a value with prop = v",
// served by the GIN index on fields.
func containment(field, prop string, v any) string {
	doc, _ := json.Marshal(map[string][]map[string]any{field: {{prop: v}}})
	return string(doc)
}

// fieldCond is a condition on a JSONB field of alias a.
func (b *builder) fieldCond(a, field, op string, k kind, vals []any) (string, error) {
	prop := b.prop(field)
	propName := strings.Trim(prop, "'")
	// The first value's SQL; built only when used, since every placeholder
	// must appear in the statement.
	var first, typed string
	cast := "::text"
	if k == kNumber {
		cast = "::numeric"
	}
	if k == kTerm && b.termIndexed(field) {
		switch op {
		case "=", "!=", "in", "not_in", "has_term":
			if a == "i" && len(vals) == 1 && op != "!=" && op != "not_in" {
				b.termJoin(field, vals[0])
				return "", nil
			}
			cond := b.termIndexCond(a, field, b.arg(strings1(vals))+"::uuid[]")
			if op == "!=" || op == "not_in" {
				cond = "NOT (" + cond + ")"
			}
			return cond, nil
		case "has_term_or_descendants":
			// category_term_family is folded into its array at planning
			// (migrations/00015), so the plan fits how common the terms are.
			return b.termIndexCond(a, field, "category_term_family("+b.arg(strings1(vals))+"::uuid[])"), nil
		}
	}
	col, colKind, useCol := b.materialized(a, field)
	if k == kNumber || k == kDate || (op != "=" && op != "!=" && op != "in" && op != "not_in" && op != "has_term" &&
		op != "has_term_or_descendants" && op != "fulltext") {
		if useCol {
			first = firstOf(col, colKind)
			typed = first
		} else {
			first = "(" + a + ".fields -> " + b.field(field) + " -> 0 ->> " + prop + ")"
			typed = first
			if k == kNumber {
				typed = "gather_numeric" + first
			}
		}
	}
	// A list column (text, reference) holds every value: overlapping the
	// values asked for is the containment "some value equals one of them".
	listCol := useCol && (colKind == colText || colKind == colReference)
	anyOf := func(vs []any) string {
		if listCol {
			return col + " && " + b.arg(strings1(vs)) + "::text[]"
		}
		docs := make([]string, 0, len(vs))
		for _, v := range vs {
			docs = append(docs, containment(field, propName, v))
		}
		return a + ".fields @> ANY(" + b.arg(docs) + "::jsonb[])"
	}
	switch op {
	case "=", "!=":
		if k == kNumber || k == kDate {
			return typed + compare[op] + b.arg(vals[0]) + cast, nil
		}
		cond := anyOf(vals)
		if op == "!=" {
			cond = "NOT (" + cond + ")"
		}
		return cond, nil
	case "<", "<=", ">", ">=":
		return typed + compare[op] + b.arg(vals[0]) + cast, nil
	case "between":
		return typed + " BETWEEN " + b.arg(vals[0]) + cast + " AND " + b.arg(vals[1]) + cast, nil
	case "range":
		return b.rangeCond(typed, cast, vals), nil
	case "year":
		y := vals[0].(int)
		return "(" + first + " >= " + b.arg(fmt.Sprintf("%04d-01-01", y)) + "::text AND " + first + " < " +
			b.arg(fmt.Sprintf("%04d-01-01", y+1)) + "::text)", nil
	case "contains":
		return "strpos(lower(" + first + "), lower(" + b.arg(vals[0]) + "::text)) > 0", nil
	case "starts_with":
		return "starts_with(lower(" + first + "), lower(" + b.arg(vals[0]) + "::text))", nil
	case "in", "not_in", "has_term":
		var cond string
		if k == kNumber {
			nums := make([]float64, 0, len(vals))
			for _, v := range vals {
				nums = append(nums, v.(float64))
			}
			cond = typed + " = ANY(" + b.arg(nums) + "::numeric[])"
		} else {
			cond = anyOf(vals)
		}
		if op == "not_in" {
			cond = "NOT (" + cond + ")"
		}
		return cond, nil
	case "has_term_or_descendants":
		// A stage listing (Live reads category_index for a
		// category_reference field, whatever the column), or a field the
		// schema does not know. In a stage, the families the request
		// carries (the stage's hierarchy, expanded in Go): one containment
		// document per family member.
		if len(b.v.Stage) > 0 {
			if b.families != nil {
				return anyOf(b.familyOf(strings1(vals))), nil
			}
			b.familyTerms = append(b.familyTerms, strings1(vals)...)
		}
		// Otherwise Live's hierarchy: the terms and every term below them
		// (cycle-safe), as containment documents computed once for the
		// statement.
		down := "WITH RECURSIVE down(id, seen) AS (" +
			"SELECT t, ARRAY[t] FROM unnest(" + b.arg(strings1(vals)) + "::uuid[]) t " +
			"UNION ALL SELECT p.term_id, down.seen || p.term_id FROM category_term_parent p JOIN down ON p.parent_id = down.id " +
			"WHERE NOT p.term_id = ANY(down.seen)) "
		return a + ".fields @> ANY(ARRAY(" + down +
			"SELECT DISTINCT jsonb_build_object(" + b.field(field) + ", jsonb_build_array(jsonb_build_object('target_id', id::text))) FROM down))", nil
	case "fulltext":
		if t := b.schema[field].Type; t != "" && t != "text" && t != "text_long" {
			return "", fmt.Errorf("full text search applies to the title and text fields")
		}
		return "to_tsvector('english', jsonb_path_query_array(" + a + ".fields -> " + b.field(field) + ", '$[*].value')) @@ websearch_to_tsquery('english', " +
			b.arg(vals[0]) + "::text)", nil
	}
	return "", fmt.Errorf("%s does not apply to %s", opLabel(op), field)
}
