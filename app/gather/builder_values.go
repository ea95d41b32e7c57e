package gather

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
)

// The listing builder's form keys. Row sections hold one row per part of
// the definition under "<section>.<row>.<key>" (e.g. "filters.0.op"), the
// shape the Form API's remove operation renumbers.
const (
	secFields        = "fields"
	secFilters       = "filters"
	secSorts         = "sorts"
	secRelationships = "relationships"
	secArguments     = "arguments"
)

// sections are the row sections in form order.
var sections = []string{secRelationships, secFields, secFilters, secSorts, secArguments}

func rowKey(sec string, i int, key string) string { return sec + "." + strconv.Itoa(i) + "." + key }

// listOps take a list of values.
var listOps = map[string]bool{"in": true, "not_in": true, "between": true, "has_term": true, "has_term_or_descendants": true}

// fieldKind is how a field compares, from the property or the field's type
// (text when the schema does not know it).
func fieldKind(field string, schema Schema) kind {
	if k, ok := baseKinds[field]; ok {
		return k
	}
	if k, ok := fieldKinds[schema[field].Type]; ok {
		return k
	}
	return kText
}

// definitionValues is d as the builder form's values: what the form shows
// for a stored listing. valuesDefinition is its inverse.
func definitionValues(d *Definition, schema Schema) form.Values {
	v := form.Values{}
	set := func(k, s string) {
		if s != "" {
			v[k] = []string{s}
		}
	}
	v["base_types"] = slices.Clone(d.BaseTypes)
	for i, r := range d.Relationships {
		set(rowKey(secRelationships, i, "id"), r.ID)
		set(rowKey(secRelationships, i, "field"), r.Field)
		set(rowKey(secRelationships, i, "label"), r.Label)
		if r.Required {
			set(rowKey(secRelationships, i, "required"), "1")
		}
	}
	for _, sec := range positioned {
		for i := range map[string]int{secFields: len(d.Fields), secFilters: len(d.Filters), secSorts: len(d.Sorts), secArguments: len(d.Arguments)}[sec] {
			set(rowKey(sec, i, "weight"), strconv.Itoa(i+1))
		}
	}
	for i, s := range d.Fields {
		set(rowKey(secFields, i, "field"), s.Field)
		set(rowKey(secFields, i, "formatter"), s.Formatter)
		set(rowKey(secFields, i, "label"), s.Label)
		set(rowKey(secFields, i, "relationship"), s.Relationship)
	}
	for i, f := range d.Filters {
		set(rowKey(secFilters, i, "field"), f.Field)
		set(rowKey(secFilters, i, "op"), f.Op)
		set(rowKey(secFilters, i, "relationship"), f.Relationship)
		if choiceValued(f.Field, f.Op, schema) {
			v[rowKey(secFilters, i, "choices")] = valueList(f.Value)
		} else {
			set(rowKey(secFilters, i, "value"), encodeValue(f.Value))
		}
		if e := f.Expose; e != nil {
			set(rowKey(secFilters, i, "expose"), "1")
			set(rowKey(secFilters, i, "identifier"), e.Identifier)
			set(rowKey(secFilters, i, "expose_label"), e.Label)
			set(rowKey(secFilters, i, "widget"), e.Widget)
			set(rowKey(secFilters, i, "vocabulary"), e.Vocabulary)
			var lines []string
			for _, o := range e.Options {
				lines = append(lines, o.Value+"|"+o.Label)
			}
			set(rowKey(secFilters, i, "options"), strings.Join(lines, "\n"))
		}
	}
	for i, s := range d.Sorts {
		set(rowKey(secSorts, i, "field"), s.Field)
		set(rowKey(secSorts, i, "direction"), s.Direction)
		set(rowKey(secSorts, i, "relationship"), s.Relationship)
	}
	for i, a := range d.Arguments {
		set(rowKey(secArguments, i, "name"), a.Name)
		set(rowKey(secArguments, i, "field"), a.Field)
		set(rowKey(secArguments, i, "op"), a.Op)
		set(rowKey(secArguments, i, "relationship"), a.Relationship)
	}
	set("pager.type", cmpOr(d.Pager.Type, "mini"))
	if d.Pager.ItemsPerPage != 0 {
		set("pager.items_per_page", strconv.Itoa(d.Pager.ItemsPerPage))
	}
	set("display.path", d.Display.Path)
	set("display.title", d.Display.Title)
	set("display.format", cmpOr(d.Display.Format, "list"))
	set("display.header", d.Display.Header)
	set("display.footer", d.Display.Footer)
	set("display.empty", d.Display.Empty)
	set("display.text_format", cmpOr(d.Display.TextFormat, "plain_text"))
	if d.Block != nil {
		set("block.enabled", "1")
		set("block.items", strconv.Itoa(d.Block.Items))
		set("block.title", d.Block.Title)
		if d.Block.More {
			set("block.more", "1")
		}
		set("block.more_text", d.Block.MoreText)
	}
	return v
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// encodeValue writes a filter value as the text of the Value input: lists
// comma-separated.
func encodeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			parts = append(parts, encodeValue(e))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// valueList is a term filter's value as the selected term ids.
func valueList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, encodeValue(e))
		}
		return out
	}
	return nil
}

// choiceValued reports a filter whose value is picked from a list rather
// than typed: a category field's terms, or a list field's allowed values
// when compared for equality or membership.
func choiceValued(field, op string, schema Schema) bool {
	if fieldKind(field, schema) == kTerm {
		return true
	}
	switch op {
	case "", "=", "!=", "in", "not_in":
		return len(schema[field].Allowed) > 0
	}
	return false
}

// decodeValue reads a filter's value — the chosen values, or else the
// Value text — into the JSON shape the operator takes, typed by the
// field's kind: numbers for number fields and years, true/false for
// booleans. Whichever of the two inputs the form showed is read, so a
// change of operator without a rebuild loses nothing.
func decodeValue(op string, k kind, raw string, chosen []string) any {
	if op == "empty" || op == "not_empty" {
		return nil
	}
	var parts []string
	for _, t := range chosen {
		if t = strings.TrimSpace(t); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) > 0 {
		// picked from a list
	} else if strings.TrimSpace(raw) != "" {
		if listOps[op] {
			for p := range strings.SplitSeq(raw, ",") {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, p)
				}
			}
		} else {
			parts = []string{strings.TrimSpace(raw)}
		}
	}
	if len(parts) == 0 {
		return nil
	}
	typed := func(s string) any {
		switch {
		case k == kNumber || op == "year":
			if n, err := strconv.ParseFloat(s, 64); err == nil {
				return n
			}
		case k == kBool:
			if b, err := strconv.ParseBool(s); err == nil {
				return b
			}
		}
		return s
	}
	if !listOps[op] {
		return typed(parts[0])
	}
	out := make([]any, 0, len(parts))
	for _, p := range parts {
		out = append(out, typed(p))
	}
	return out
}

// rowCount is the number of rows of a section the values carry.
func rowCount(v form.Values, sec string) int {
	n := 0
	for k := range v {
		rest, ok := strings.CutPrefix(k, sec+".")
		if !ok {
			continue
		}
		idx, _, found := strings.Cut(rest, ".")
		if !found {
			continue
		}
		if d, err := strconv.Atoi(idx); err == nil && d >= 0 && d < maxRows && d+1 > n {
			n = d + 1
		}
	}
	return n
}

// maxRows bounds the rows of one section.
const maxRows = 50

// positioned are the sections whose rows have a Position (their order
// matters: columns, the exposed form, sort keys, path arguments).
var positioned = []string{secFields, secFilters, secSorts, secArguments}

// positions lists a section's form rows in the order of their Position
// inputs (Drupal's "row weights"; equal or missing positions keep the form
// order), so rows can be reordered without JavaScript.
func positions(v form.Values, sec string) []int {
	n := rowCount(v, sec)
	order := make([]int, n)
	weight := make([]float64, n)
	for i := range n {
		order[i] = i
		weight[i] = float64(i + 1)
		if w, err := strconv.ParseFloat(strings.TrimSpace(v.Get(rowKey(sec, i, "weight"))), 64); err == nil {
			weight[i] = w
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(weight[a], weight[b]) })
	return order
}

// fieldLabel is a field's or property's label, for an exposed filter
// given none.
func fieldLabel(field string, schema Schema) string {
	for _, p := range properties {
		if p.Value == field {
			return p.Label
		}
	}
	if l := schema[field].Label; l != "" {
		return l
	}
	return field
}

// rowIndex maps each part of a built definition back to its form row
// (blank rows are skipped, so they can differ), per section.
type rowIndex map[string][]int

// valuesDefinition turns the builder form's values into a definition. Rows
// without a field (or, for relationships and arguments, without anything)
// are skipped: they are rows just added. The result is not validated.
func valuesDefinition(v form.Values, schema Schema) (*Definition, rowIndex) {
	d := &Definition{}
	rows := rowIndex{}
	get := func(sec string, i int, key string) string { return strings.TrimSpace(v.Get(rowKey(sec, i, key))) }
	for _, t := range v.All("base_types") {
		if t != "" {
			d.BaseTypes = append(d.BaseTypes, t)
		}
	}
	for i := range rowCount(v, secRelationships) {
		r := Relationship{ID: get(secRelationships, i, "id"), Field: get(secRelationships, i, "field"),
			Label: get(secRelationships, i, "label"), Required: form.Checked(get(secRelationships, i, "required"))}
		if r.ID == "" && r.Field == "" {
			continue
		}
		d.Relationships = append(d.Relationships, r)
		rows[secRelationships] = append(rows[secRelationships], i)
	}
	for _, i := range positions(v, secFields) {
		s := Show{Field: get(secFields, i, "field"), Formatter: get(secFields, i, "formatter"),
			Label: get(secFields, i, "label"), Relationship: get(secFields, i, "relationship")}
		if s.Field == "" {
			continue
		}
		d.Fields = append(d.Fields, s)
		rows[secFields] = append(rows[secFields], i)
	}
	for _, i := range positions(v, secFilters) {
		f := Filter{Field: get(secFilters, i, "field"), Op: get(secFilters, i, "op"), Relationship: get(secFilters, i, "relationship")}
		if f.Field == "" {
			continue
		}
		f.Value = decodeValue(f.Op, fieldKind(f.Field, schema), v.Get(rowKey(secFilters, i, "value")), v.All(rowKey(secFilters, i, "choices")))
		if form.Checked(get(secFilters, i, "expose")) {
			e := &Expose{Identifier: get(secFilters, i, "identifier"), Label: get(secFilters, i, "expose_label"),
				Widget: cmpOr(get(secFilters, i, "widget"), "text"), Vocabulary: get(secFilters, i, "vocabulary")}
			if e.Identifier == "" && machineRe.MatchString(f.Field) {
				e.Identifier = f.Field
			}
			if e.Label == "" {
				e.Label = fieldLabel(f.Field, schema)
			}
			for line := range strings.SplitSeq(v.Get(rowKey(secFilters, i, "options")), "\n") {
				if line = strings.TrimSpace(line); line == "" {
					continue
				}
				val, label, found := strings.Cut(line, "|")
				val = strings.TrimSpace(val)
				if !found {
					label = val
				}
				e.Options = append(e.Options, Option{Value: val, Label: strings.TrimSpace(label)})
			}
			f.Expose = e
		}
		d.Filters = append(d.Filters, f)
		rows[secFilters] = append(rows[secFilters], i)
	}
	for _, i := range positions(v, secSorts) {
		s := Sort{Field: get(secSorts, i, "field"), Direction: cmpOr(get(secSorts, i, "direction"), "asc"),
			Relationship: get(secSorts, i, "relationship")}
		if s.Field == "" {
			continue
		}
		d.Sorts = append(d.Sorts, s)
		rows[secSorts] = append(rows[secSorts], i)
	}
	for _, i := range positions(v, secArguments) {
		a := Argument{Name: get(secArguments, i, "name"), Field: get(secArguments, i, "field"), Op: get(secArguments, i, "op"),
			Relationship: get(secArguments, i, "relationship")}
		if a.Name == "" && a.Field == "" {
			continue
		}
		d.Arguments = append(d.Arguments, a)
		rows[secArguments] = append(rows[secArguments], i)
	}
	d.Pager.Type = strings.TrimSpace(v.Get("pager.type"))
	d.Pager.ItemsPerPage, _ = strconv.Atoi(strings.TrimSpace(v.Get("pager.items_per_page")))
	d.Display = Display{
		Path: strings.TrimSpace(v.Get("display.path")), Title: strings.TrimSpace(v.Get("display.title")),
		Format: v.Get("display.format"), Header: v.Get("display.header"), Footer: v.Get("display.footer"),
		Empty: v.Get("display.empty"), TextFormat: v.Get("display.text_format"),
	}
	if form.Checked(v.Get("block.enabled")) {
		d.Block = &BlockDisplay{Title: strings.TrimSpace(v.Get("block.title")), More: form.Checked(v.Get("block.more")),
			MoreText: strings.TrimSpace(v.Get("block.more_text"))}
		d.Block.Items, _ = strconv.Atoi(strings.TrimSpace(v.Get("block.items")))
	}
	return d, rows
}

// builderOwned lists the definition's JSON keys the builder edits, at the
// top level and inside pager and display. mergeDefinition keeps every other
// key of the stored definition, so parts the builder does not know yet
// survive an edit in the builder.
var builderOwned = map[string][]string{
	"":        {"base_types", "relationships", "fields", "filters", "arguments", "sorts", "block"},
	"pager":   {"type", "items_per_page"},
	"display": {"path", "title", "format", "header", "footer", "empty", "text_format"},
}

// mergeDefinition lays the builder's definition over the stored one (raw,
// may be empty): the keys the builder owns come from built, the rest from
// raw.
func mergeDefinition(raw []byte, built *Definition) (*Definition, error) {
	base := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &base); err != nil || base == nil {
			base = map[string]any{}
		}
	}
	b, err := json.Marshal(built)
	if err != nil {
		return nil, fmt.Errorf("encode listing: %w", err)
	}
	var over map[string]any
	if err := json.Unmarshal(b, &over); err != nil {
		return nil, fmt.Errorf("encode listing: %w", err)
	}
	for obj, keys := range builderOwned {
		dst, src := base, over
		if obj != "" {
			dst, _ = base[obj].(map[string]any)
			if dst == nil {
				dst = map[string]any{}
			}
			base[obj] = dst
			src, _ = over[obj].(map[string]any)
		}
		for _, k := range keys {
			if v, ok := src[k]; ok {
				dst[k] = v
			} else {
				delete(dst, k)
			}
		}
	}
	out, err := json.Marshal(base)
	if err != nil {
		return nil, fmt.Errorf("encode listing: %w", err)
	}
	var d Definition
	if err := json.Unmarshal(out, &d); err != nil {
		return nil, errs.New(errs.Invalid, "The listing definition is not valid: %v", err)
	}
	return &d, nil
}

var (
	problemRe = regexp.MustCompile(`^(relationships|fields|filters|sorts|arguments)\[(\d+)\]: (.*)$`)
	quotedRe  = regexp.MustCompile(`"[^"]*"`)
)

// problemFields maps the messages of a definition or build error to the
// builder form's elements: "filters[1]: unknown operator" goes to the
// operator of the second filter row; a bad exposed value (keyed by its
// identifier) to that filter's value; anything else to "" (the form's
// summary). Messages lose their developer prefix.
func problemFields(err error, d *Definition, rows rowIndex, schema Schema) map[string]string {
	out := map[string]string{}
	add := func(key, msg string) {
		msg = strings.TrimSpace(msg)
		if msg == "" {
			return
		}
		msg = strings.ToUpper(msg[:1]) + msg[1:]
		if !strings.HasSuffix(msg, ".") {
			msg += "."
		}
		if prev, ok := out[key]; ok {
			msg = prev + " " + msg
		}
		out[key] = msg
	}
	for id, msg := range errs.FieldsOf(err) {
		key := ""
		for i, f := range d.Filters {
			if f.Expose != nil && (f.Expose.Identifier == id || f.Expose.Identifier+"_from" == id || f.Expose.Identifier+"_to" == id) {
				key = valueKey(formRow(rows, secFilters, i), f, schema)
			}
		}
		add(key, msg)
	}
	if len(out) > 0 {
		return out
	}
	text := errs.Public(err)
	text = strings.TrimPrefix(text, "The listing definition is not valid: ")
	for p := range strings.SplitSeq(text, "; ") {
		key, msg := problemKey(p, rows)
		for i, f := range d.Filters {
			if key == rowKey(secFilters, formRow(rows, secFilters, i), "value") {
				key = valueKey(formRow(rows, secFilters, i), f, schema)
			}
		}
		add(key, msg)
	}
	return out
}

// valueKey is the element holding a filter row's value: the select of
// terms or allowed values, or the text input.
func valueKey(row int, f Filter, schema Schema) string {
	if choiceValued(f.Field, f.Op, schema) {
		return rowKey(secFilters, row, "choices")
	}
	return rowKey(secFilters, row, "value")
}

func formRow(rows rowIndex, sec string, i int) int {
	if i < len(rows[sec]) {
		return rows[sec][i]
	}
	return i
}

// problemKey picks the element one problem message belongs to.
func problemKey(p string, rows rowIndex) (string, string) {
	if m := problemRe.FindStringSubmatch(p); m != nil {
		sec, msg := m[1], m[3]
		i, _ := strconv.Atoi(m[2])
		row := formRow(rows, sec, i)
		plain := quotedRe.ReplaceAllString(msg, "")
		key := "field"
		switch {
		case strings.Contains(plain, "relationship"):
			key = "relationship"
		case strings.Contains(plain, "exposed identifier"):
			key = "identifier"
		case strings.Contains(plain, "widget"):
			key = "widget"
			if strings.Contains(plain, "between operator") {
				key = "op"
			}
		case strings.Contains(plain, "exposed filter needs a label"):
			key = "expose_label"
		case strings.Contains(plain, "select needs options"):
			key = "options"
		case strings.Contains(plain, "vocabulary"):
			key = "vocabulary"
		case strings.Contains(plain, "operator") || strings.Contains(plain, "does not apply") || strings.Contains(plain, "never empty") ||
			strings.Contains(plain, "full text"):
			key = "op"
		case strings.Contains(plain, "direction"):
			key = "direction"
		case strings.Contains(plain, "formatter"):
			key = "formatter"
		case sec == secRelationships && strings.HasPrefix(plain, "id"), sec == secArguments && strings.HasPrefix(plain, "name"):
			key = map[string]string{secRelationships: "id", secArguments: "name"}[sec]
		case strings.Contains(plain, "value") || strings.Contains(plain, "Enter") || strings.Contains(plain, "Choose") ||
			strings.Contains(plain, "takes") || strings.Contains(plain, "needs"):
			key = "value"
		}
		return rowKey(sec, row, key), msg
	}
	head, msg, found := strings.Cut(p, ": ")
	if !found {
		return "", p
	}
	switch head {
	case "base_types":
		return "base_types", msg
	case "pager":
		if strings.Contains(msg, "items_per_page") {
			return "pager.items_per_page", strings.Replace(msg, "items_per_page", "items per page", 1)
		}
		return "pager.type", msg
	case "display":
		if strings.Contains(msg, "format") {
			return "display.format", msg
		}
		return "display.path", msg
	case "arguments":
		return "display.path", msg
	case "block":
		switch {
		case strings.Contains(msg, "items"):
			return "block.items", msg
		case strings.Contains(msg, "path arguments"):
			return "block.enabled", msg
		case strings.Contains(msg, "more link needs"):
			return "block.more", msg
		}
		return "block.title", msg
	}
	return "", p
}
