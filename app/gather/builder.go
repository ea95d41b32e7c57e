package gather

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/textformat"
)

// The listing builder is a point-and-click editor for a Definition, built
// with the Form API: sections of rows (relationships, fields, filters,
// sorts, arguments) that "Add a …" and "Remove" buttons grow and shrink, the
// pager and the display. Every choice is a select or checkbox offering only
// what fits: the fields of the chosen content types, the operators of the
// chosen field's type. A change of content type or field rebuilds the
// choices (under htmx at once; without JavaScript with "Update choices").
//
// Row counts live in the form state as rows+1 ("slots"), so the Form API's
// generic add and remove operations — which never go below one — can still
// take a section down to no rows.

// builderFormID is the form id of the listing builder.
const builderFormID = "gather_listing"

// refreshKey is the rebuild button that refreshes the builder's choices.
const refreshKey = "refresh"

// jsonApplyKey is the button that loads the Advanced JSON into the builder.
const jsonApplyKey = "json_apply"

// wrapperKey is the element rebuild buttons re-render under htmx.
const wrapperKey = "builder"

// catalog is what the builder offers: content types with their fields and
// vocabularies with their terms.
type catalog struct {
	Types        []catalogType
	Vocabularies []form.Option
	Terms        map[string][]form.Option // by vocabulary; empty for a Large one
	// Large are the vocabularies with more than maxTermChoices terms:
	// their term filters take names in a free-tagging input with
	// suggestions from the category autocomplete, not a select.
	Large map[string]bool
	// terms looks term names up for a Large vocabulary's input (nil in
	// tests without a database: ids are shown as they are).
	terms *termLookup
}

// catalogType is a content type and its fields.
type catalogType struct {
	Name, Label string
	Fields      []catalogField
}

// catalogField is one field of a content type.
type catalogField struct {
	Name, Label, Type, Vocabulary string
	Allowed                       []Option // list fields: the allowed values
}

// maxTermChoices bounds the terms a term filter's select offers per
// vocabulary; a vocabulary with more gets a free-tagging input instead
// (catalog.Large).
const maxTermChoices = 500

// catalog loads the content types, vocabularies and terms.
func (s *Service) catalog(ctx context.Context) (*catalog, error) {
	c := &catalog{Terms: map[string][]form.Option{}, Large: map[string]bool{}, terms: &termLookup{pool: s.pool}}
	rows, err := s.pool.Query(ctx, `SELECT type, label, coalesce(settings -> 'fields', '[]') FROM item_type ORDER BY type`)
	if err != nil {
		return nil, fmt.Errorf("load content types: %w", err)
	}
	for rows.Next() {
		var t catalogType
		var raw []byte
		if err := rows.Scan(&t.Name, &t.Label, &raw); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load content types: %w", err)
		}
		var defs []struct {
			Name     string         `json:"name"`
			Type     string         `json:"type"`
			Label    string         `json:"label"`
			Settings map[string]any `json:"settings"`
		}
		_ = json.Unmarshal(raw, &defs) // a type without field definitions has none
		for _, f := range defs {
			cf := catalogField{Name: f.Name, Label: f.Label, Type: f.Type}
			cf.Vocabulary, _ = f.Settings["vocabulary"].(string)
			list, _ := f.Settings["allowed_values"].([]any)
			for _, e := range list {
				if m, ok := e.(map[string]any); ok {
					value, _ := m["value"].(string)
					label, _ := m["label"].(string)
					cf.Allowed = append(cf.Allowed, Option{Value: value, Label: label})
				}
			}
			t.Fields = append(t.Fields, cf)
		}
		c.Types = append(c.Types, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load content types: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT id, label FROM category_vocabulary ORDER BY weight, label`)
	if err != nil {
		return nil, fmt.Errorf("load vocabularies: %w", err)
	}
	for rows.Next() {
		var o form.Option
		if err := rows.Scan(&o.Value, &o.Label); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load vocabularies: %w", err)
		}
		c.Vocabularies = append(c.Vocabularies, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load vocabularies: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT vocabulary_id, id::text, name, total FROM (
		SELECT vocabulary_id, id, name, weight, row_number() OVER (PARTITION BY vocabulary_id ORDER BY weight, name) AS n,
			count(*) OVER (PARTITION BY vocabulary_id) AS total
		FROM category_term) t WHERE n <= $1 ORDER BY vocabulary_id, weight, name`, maxTermChoices)
	if err != nil {
		return nil, fmt.Errorf("load terms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var vocab string
		var o form.Option
		var total int64
		if err := rows.Scan(&vocab, &o.Value, &o.Label, &total); err != nil {
			return nil, fmt.Errorf("load terms: %w", err)
		}
		if total > maxTermChoices {
			c.Large[vocab] = true
			continue
		}
		c.Terms[vocab] = append(c.Terms[vocab], o)
	}
	return c, rows.Err()
}

// schema is the catalog's field types by name (the first type defining a
// name wins, as in Service.Schema).
func (c *catalog) schema() Schema {
	out := Schema{}
	for _, t := range c.Types {
		for _, f := range t.Fields {
			if _, seen := out[f.Name]; !seen {
				out[f.Name] = FieldInfo{Type: f.Type, Label: f.Label, Vocabulary: f.Vocabulary, Allowed: f.Allowed}
			}
		}
	}
	return out
}

// properties are the item properties the builder offers, in order; the
// last three only for filters, sorts and arguments.
var properties = []form.Option{
	{Value: "title", Label: "Title"}, {Value: "created", Label: "Authored on"}, {Value: "changed", Label: "Updated"},
	{Value: "author", Label: "Author"}, {Value: "type", Label: "Content type"},
	{Value: "status", Label: "Published"}, {Value: "sticky", Label: "Sticky at top of lists"}, {Value: "promote", Label: "Promoted to front page"},
}

// opLabels name the operators for site builders.
var opLabels = map[string]string{
	"=": "is equal to", "!=": "is not equal to", "<": "is less than", "<=": "is less than or equal to",
	">": "is greater than", ">=": "is greater than or equal to", "between": "is between (two values)",
	"contains": "contains", "starts_with": "starts with", "in": "is one of", "not_in": "is none of",
	"empty": "is empty", "not_empty": "is not empty", "has_term": "has the term",
	"has_term_or_descendants": "has the term or a narrower one", "fulltext": "matches the words", "year": "is in the year",
}

// operatorsFor lists the filter operators a field supports, in the order
// of Operators(): by its kind (build.go's opKinds), without empty tests on
// properties (never empty), full text only on the title and text fields,
// and type and author compared by equality, lists and text matches only.
func operatorsFor(field string, schema Schema) []string {
	k := fieldKind(field, schema)
	_, isBase := baseColumns[field]
	var out []string
	for _, op := range Operators() {
		switch {
		case !allowed(op, k):
		case isBase && (op == "empty" || op == "not_empty"):
		case op == "fulltext" && isBase && field != "title":
		case op == "fulltext" && !isBase && schema[field].Type != "" && schema[field].Type != "text" && schema[field].Type != "text_long":
		case (field == "type" || field == "author") && (op == "<" || op == "<=" || op == ">" || op == ">="):
		default:
			out = append(out, op)
		}
	}
	return out
}

// builderSetup is what a builder form needs besides its state.
type builderSetup struct {
	Action string
	IsNew  bool
	Cat    *catalog
}

// listingBuilder builds the listing form. Its values come, in this order,
// from the submitted input (a rebuild or a submission), or from the
// definition, name and label in the state's Data (first display).
func listingBuilder(s builderSetup) form.Builder {
	return func(ctx context.Context, st *form.State) (*form.Form, error) {
		if st.Items == nil {
			st.Items = map[string]int{}
		}
		schema := s.Cat.schema()
		cur := currentValues(st, schema)
		f := &form.Form{ID: builderFormID, Action: s.Action}
		if s.IsNew {
			f.Elements = append(f.Elements, &form.Element{Key: "name", Type: form.TextField, Label: "Machine name", Required: true,
				Value: cur.Get("name"), MaxLength: 64, Description: "Lower-case letters, digits and underscores, e.g. recent_articles."})
		}
		f.Elements = append(f.Elements, &form.Element{Key: "label", Type: form.TextField, Label: "Label", Required: true,
			Value: cur.Get("label"), MaxLength: 128})

		b := &formBuild{ctx: ctx, st: st, cur: cur, cat: s.Cat, schema: schema, rels: relationshipIDs(cur)}
		wrap := &form.Element{Key: wrapperKey, Type: form.Fieldset, Attributes: map[string]string{"class": "gather-builder", "data-tabledrag": ""}}
		wrap.Children = append(wrap.Children, b.typesSection(), b.relationshipsSection(), b.fieldsSection(), b.filtersSection(),
			b.sortsSection(), b.argumentsSection(), b.pagerSection(), b.displaySection(), b.blockSection())
		f.Elements = append(f.Elements, wrap,
			&form.Element{Key: "json", Type: form.Details, Label: "Advanced: edit as JSON",
				Children: []*form.Element{
					{Key: "definition_json", Type: form.TextArea, Label: "Definition (JSON)", Rows: 16, Value: cur.Get("definition_json"),
						Description: "The listing as JSON, as of when this page was built (the preview shows the JSON of your current choices). " +
							"Edit or paste, then load it into the builder; nothing is saved until you save the listing.",
						Attributes: map[string]string{"spellcheck": "false"}},
					{Key: jsonApplyKey, Type: form.Button, Label: "Load JSON into the builder", Op: "rebuild"},
				}},
			&form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{
				{Key: "op", Type: form.Submit, Label: "Save listing"},
			}},
		)
		return f, nil
	}
}

// currentValues are the values the form shows and decides its choices by:
// the submitted input, or the state's definition. The Form API builds a
// submitted form twice when Remove is pressed: first to read the request
// (rows as submitted), then after the remove operation took a row off the
// state; only then is the pressed row taken out here, as the Form API
// renumbers the values, so each row keeps its own choices.
func currentValues(st *form.State, schema Schema) form.Values {
	if st.Input != nil {
		cur := form.Values{}
		for k, v := range st.Input {
			cur[k] = v
		}
		for _, sec := range sections {
			slots, known := st.Items[sec]
			if !known || slots-1 >= rowCount(st.Input, sec) {
				continue // the remove operation has not run
			}
			for k := range st.Input {
				if idx, pressed := strings.CutPrefix(k, sec+".remove-"); pressed {
					if i, err := strconv.Atoi(idx); err == nil && i >= 0 && i < maxRows {
						dropRow(cur, sec, i)
					}
				}
			}
		}
		return cur
	}
	var d Definition
	if raw := st.Data["definition"]; raw != "" {
		_ = json.Unmarshal([]byte(raw), &d) // checked when stored
	}
	cur := definitionValues(&d, schema)
	cur["name"] = []string{st.Data["name"]}
	cur["label"] = []string{st.Data["label"]}
	cur["definition_json"] = []string{pretty([]byte(st.Data["definition"]))}
	return cur
}

// dropRow removes row i of sec from v and moves the later rows up, like
// the Form API's remove operation.
func dropRow(v form.Values, sec string, i int) {
	n := rowCount(v, sec)
	for k := range v {
		rest, ok := strings.CutPrefix(k, sec+".")
		if !ok {
			continue
		}
		idx, _, found := strings.Cut(rest, ".")
		if d, err := strconv.Atoi(idx); found && err == nil && d == i {
			delete(v, k)
		}
	}
	for d := i + 1; d < n; d++ {
		prefix := sec + "." + strconv.Itoa(d) + "."
		for k, val := range v {
			if tail, ok := strings.CutPrefix(k, prefix); ok {
				delete(v, k)
				v[sec+"."+strconv.Itoa(d-1)+"."+tail] = val
			}
		}
	}
}

// formBuild carries one build of the form.
type formBuild struct {
	ctx    context.Context
	st     *form.State
	cur    form.Values
	cat    *catalog
	schema Schema
	rels   []string // the relationship ids being edited
}

// rows is how many rows a section shows: from the state (as slots), or
// counted from the current values the first time, recorded in the state.
func (b *formBuild) rows(sec string) int {
	if n, ok := b.st.Items[sec]; ok {
		return min(max(n-1, 0), maxRows)
	}
	n := rowCount(b.cur, sec)
	b.st.Items[sec] = n + 1
	return n
}

func (b *formBuild) val(key string) string { return b.cur.Get(key) }

// section is a fieldset of rows with its "Add a …" button.
func (b *formBuild) section(sec, label, addLabel, description string, row func(i int) []*form.Element) *form.Element {
	s := &form.Element{Key: sec + "_section", Type: form.Fieldset, Label: label, Description: description,
		Attributes: map[string]string{"class": "gather-builder-section"}}
	positionedSec := slices.Contains(positioned, sec)
	if positionedSec {
		// A group of static/js/tabledrag.js: rows dragged, or moved with
		// the arrow keys on their handle, get their Positions renumbered.
		s.Attributes["data-tabledrag-group"] = sec
		s.Attributes["data-tabledrag-label"] = label
		s.Attributes["data-tabledrag-start"] = "1"
	}
	n := b.rows(sec)
	for i := range n {
		children := row(i)
		if positionedSec {
			key := rowKey(sec, i, "weight")
			pos := &form.Element{Key: key, Type: form.Number, Label: "Position", Step: "1",
				Value: cmpOr(b.val(key), strconv.Itoa(i+1)), Attributes: map[string]string{"class": "gather-builder-position", "data-tabledrag-weight": ""}}
			at := len(children) // before a trailing details element (a filter's exposure)
			if at > 0 && children[at-1].Type == form.Details {
				at--
			}
			children = slices.Insert(children, at, pos)
		}
		children = append(children, &form.Element{Key: sec + ".remove-" + strconv.Itoa(i), Type: form.Button, Label: "Remove",
			Op: fmt.Sprintf("remove:%s:%d", sec, i), Wrapper: wrapperKey,
			Attributes: map[string]string{"class": "gather-builder-remove", "aria-label": fmt.Sprintf("Remove %s row %d", sec, i+1)}})
		row := &form.Element{Key: sec + "." + strconv.Itoa(i), Type: form.Fieldset,
			Attributes: map[string]string{"class": "gather-builder-row"},
			Children:   children}
		if positionedSec {
			row.Attributes["data-tabledrag-row"] = ""
		}
		s.Children = append(s.Children, row)
	}
	if n < maxRows {
		s.Children = append(s.Children, &form.Element{Key: sec + ".add", Type: form.Button, Label: addLabel, Op: "add:" + sec, Wrapper: wrapperKey})
	}
	return s
}

func (b *formBuild) typesSection() *form.Element {
	el := &form.Element{Key: "base_types", Type: form.Checkboxes, Label: "Content types", Required: true,
		Values: b.cur.All("base_types"), Description: "The listing shows content of these types; their fields are offered below " +
			"(without JavaScript, press Update choices after a change)."}
	for _, t := range b.cat.Types {
		el.Options = append(el.Options, form.Option{Value: t.Name, Label: t.Label})
	}
	for _, v := range el.Values {
		if v != "" && typeName.MatchString(v) && !hasFormOption(el.Options, v) {
			el.Options = append(el.Options, form.Option{Value: v, Label: v + " (missing)"})
		}
	}
	return &form.Element{Key: "types_section", Type: form.Fieldset, // the checkboxes' legend names it
		Attributes: map[string]string{"class": "gather-builder-section"},
		Children:   []*form.Element{el, {Key: refreshKey, Type: form.Button, Label: "Update choices", Op: "rebuild", Wrapper: wrapperKey}}}
}

func hasFormOption(opts []form.Option, v string) bool {
	return slices.ContainsFunc(opts, func(o form.Option) bool { return o.Value == v })
}

// relationshipIDs are the ids of the relationship rows in values.
func relationshipIDs(v form.Values) []string {
	var ids []string
	for i := range rowCount(v, secRelationships) {
		if id := strings.TrimSpace(v.Get(rowKey(secRelationships, i, "id"))); machineRe.MatchString(id) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// fieldOptions are the choices of a row's field select: the properties
// (all of them, or the displayable ones), the fields of the chosen types,
// with relationships the fields of the other types, and the current value
// when it is a well-formed field name offered nowhere else.
func (b *formBuild) fieldOptions(allProps bool, current string, only func(catalogField) bool) []form.Option {
	var out []form.Option
	if only == nil {
		for i, p := range properties {
			if allProps || i < 5 {
				out = append(out, p)
			}
		}
	}
	chosen := b.cur.All("base_types")
	related := len(b.rels) > 0 && only == nil
	add := func(t catalogType, suffix string) {
		for _, f := range t.Fields {
			if (only == nil || only(f)) && !hasFormOption(out, f.Name) {
				out = append(out, form.Option{Value: f.Name, Label: f.Label + " (" + f.Name + ")" + suffix})
			}
		}
	}
	for _, t := range b.cat.Types {
		if slices.Contains(chosen, t.Name) {
			add(t, "")
		}
	}
	if related {
		for _, t := range b.cat.Types {
			if !slices.Contains(chosen, t.Name) {
				add(t, " — "+t.Label+", through a relationship")
			}
		}
	}
	if current != "" && knownField(current) && !hasFormOption(out, current) {
		out = append(out, form.Option{Value: current, Label: current})
	}
	return out
}

// fieldSelect is a row's field select; changing it refreshes the row's
// other choices.
func (b *formBuild) fieldSelect(sec string, i int, allProps bool, only func(catalogField) bool) *form.Element {
	key := rowKey(sec, i, "field")
	label := "Field"
	if only != nil {
		label = "Through the field"
	}
	return &form.Element{Key: key, Type: form.Select, Label: label, Value: b.val(key),
		Options: b.fieldOptions(allProps, b.val(key), only), Op: refreshKey, Wrapper: wrapperKey}
}

// relationshipSelect picks the relationship a row reads through; it is
// left out while the listing has no relationships.
func (b *formBuild) relationshipSelect(sec string, i int) *form.Element {
	key := rowKey(sec, i, "relationship")
	el := &form.Element{Key: key, Type: form.Select, Label: "Of", Value: b.val(key),
		Options: []form.Option{{Value: "", Label: "the listed item"}}}
	for _, id := range b.rels {
		el.Options = append(el.Options, form.Option{Value: id, Label: "the related item " + id})
	}
	if v := el.Value; v != "" && machineRe.MatchString(v) && !hasFormOption(el.Options, v) {
		el.Options = append(el.Options, form.Option{Value: v, Label: v + " (no such relationship)"})
	}
	el.NoAccess = len(el.Options) == 1
	return el
}

// opSelect offers the operators of the row's field (the current operator
// stays offered, marked, so a change of field never loses it silently).
func (b *formBuild) opSelect(sec string, i int, forArgument bool) *form.Element {
	key := rowKey(sec, i, "op")
	field := b.val(rowKey(sec, i, "field"))
	el := &form.Element{Key: key, Type: form.Select, Label: "Operator", Value: b.val(key), Op: refreshKey, Wrapper: wrapperKey}
	if forArgument {
		el.Options = append(el.Options, form.Option{Value: "", Label: "is equal to (default)"})
	}
	ops := operatorsFor(field, b.schema)
	for _, op := range ops {
		if forArgument && (op == "between" || op == "empty" || op == "not_empty") {
			continue
		}
		el.Options = append(el.Options, form.Option{Value: op, Label: opLabels[op]})
	}
	if v := el.Value; v != "" && operators[v] && !hasFormOption(el.Options, v) {
		el.Options = append(el.Options, form.Option{Value: v, Label: opLabels[v] + " (not for this field)"})
	}
	if field == "" {
		el.Description = "Choose a field first."
	}
	return el
}

func (b *formBuild) relationshipsSection() *form.Element {
	return b.section(secRelationships, "Relationships", "Add a relationship",
		"Join the item a content reference field points to, so fields, filters and sorts can use it.", func(i int) []*form.Element {
			return []*form.Element{
				{Key: rowKey(secRelationships, i, "id"), Type: form.TextField, Label: "Machine name", MaxLength: 64,
					Value: b.val(rowKey(secRelationships, i, "id")), Placeholder: "e.g. parent"},
				b.fieldSelect(secRelationships, i, false, func(f catalogField) bool { return f.Type == "item_reference" }),
				{Key: rowKey(secRelationships, i, "label"), Type: form.TextField, Label: "Label", MaxLength: 128,
					Value: b.val(rowKey(secRelationships, i, "label"))},
				{Key: rowKey(secRelationships, i, "required"), Type: form.Checkbox, Label: "Only items that have one",
					Value: b.val(rowKey(secRelationships, i, "required"))},
			}
		})
}

func (b *formBuild) fieldsSection() *form.Element {
	return b.section(secFields, "Fields to show", "Add a field", "", func(i int) []*form.Element {
		return []*form.Element{
			b.fieldSelect(secFields, i, false, nil),
			{Key: rowKey(secFields, i, "formatter"), Type: form.Select, Label: "Shown as", Value: b.val(rowKey(secFields, i, "formatter")),
				Options: []form.Option{{Value: "", Label: "Default"}, {Value: "text", Label: "Plain text"},
					{Value: "link", Label: "Link to the item"}, {Value: "date", Label: "Date"}}},
			{Key: rowKey(secFields, i, "label"), Type: form.TextField, Label: "Label", MaxLength: 128,
				Value: b.val(rowKey(secFields, i, "label"))},
			b.relationshipSelect(secFields, i),
		}
	})
}

func (b *formBuild) filtersSection() *form.Element {
	return b.section(secFilters, "Filters", "Add a filter",
		"Published status and access are always applied. Exposed filters appear as a form above the results.", func(i int) []*form.Element {
			key := func(k string) string { return rowKey(secFilters, i, k) }
			field := b.val(key("field"))
			els := []*form.Element{b.fieldSelect(secFilters, i, true, nil), b.opSelect(secFilters, i, false)}
			op := b.val(key("op"))
			// The value typed or picked so far, whichever input showed it.
			current := slices.DeleteFunc(slices.Clone(b.cur.All(key("choices"))), func(v string) bool { return strings.TrimSpace(v) == "" })
			if len(current) == 0 && strings.TrimSpace(b.val(key("value"))) != "" {
				current = []string{b.val(key("value"))}
				if listOps[op] || fieldKind(field, b.schema) == kTerm {
					current = nil
					for p := range strings.SplitSeq(b.val(key("value")), ",") {
						current = append(current, strings.TrimSpace(p))
					}
				}
			}
			if vocab := b.schema[field].Vocabulary; fieldKind(field, b.schema) == kTerm && b.cat.Large[vocab] {
				els = append(els, b.termNamesInput(i, vocab, current))
			} else if choiceValued(field, op, b.schema) {
				el := &form.Element{Key: key("choices"), Type: form.Select, Multiple: true, Label: "Values", Values: current}
				if fieldKind(field, b.schema) == kTerm {
					el.Label, el.Options = "Terms", b.cat.Terms[b.schema[field].Vocabulary]
					for _, v := range current {
						if _, err := uuid.Parse(v); err == nil && !hasFormOption(el.Options, v) {
							el.Options = append(el.Options, form.Option{Value: v, Label: v})
						}
					}
				} else {
					for _, o := range b.schema[field].Allowed {
						el.Options = append(el.Options, form.Option{Value: o.Value, Label: cmpOr(o.Label, o.Value)})
					}
					for _, v := range current {
						if v != "" && !hasFormOption(el.Options, v) {
							el.Options = append(el.Options, form.Option{Value: v, Label: v + " (not an allowed value)"})
						}
					}
				}
				// What cannot be a term (text typed for another operator) is not kept.
				el.Values = slices.DeleteFunc(el.Values, func(v string) bool { return !hasFormOption(el.Options, v) })
				el.Description = "Leave none selected for an exposed filter that visitors set."
				els = append(els, el)
			} else {
				els = append(els, &form.Element{Key: key("value"), Type: form.TextField, Label: "Value", MaxLength: 2000,
					Value: strings.Join(current, ", "), Description: valueHint(op)})
			}
			els = append(els, b.relationshipSelect(secFilters, i))
			exposed := form.Checked(b.val(key("expose")))
			vocab := &form.Element{Key: key("vocabulary"), Type: form.Select, Label: "Choices from the vocabulary", Value: b.val(key("vocabulary")),
				Options: append([]form.Option{{Value: "", Label: "- None -"}}, b.cat.Vocabularies...)}
			if v := vocab.Value; v != "" && machineRe.MatchString(v) && !hasFormOption(vocab.Options, v) {
				vocab.Options = append(vocab.Options, form.Option{Value: v, Label: v + " (missing)"})
			}
			els = append(els, &form.Element{Key: key("expose_details"), Type: form.Details, Label: "Expose to visitors", Open: exposed,
				Children: []*form.Element{
					{Key: key("expose"), Type: form.Checkbox, Label: "Let visitors set this filter", Value: b.val(key("expose"))},
					{Key: key("identifier"), Type: form.TextField, Label: "Query-string name", MaxLength: 64, Value: b.val(key("identifier")),
						Description: "e.g. year in ?year=2024; defaults to the field name."},
					{Key: key("expose_label"), Type: form.TextField, Label: "Label", MaxLength: 128, Value: b.val(key("expose_label"))},
					{Key: key("widget"), Type: form.Select, Label: "Widget", Value: cmpOr(b.val(key("widget")), "text"),
						Options: []form.Option{{Value: "text", Label: "Text box"}, {Value: "select", Label: "Select list"},
							{Value: "date_range", Label: "Date range"}, {Value: "checkbox", Label: "Checkbox"}}},
					vocab,
					{Key: key("options"), Type: form.TextArea, Label: "Choices", Rows: 3, Value: b.val(key("options")),
						Description: "For a select list without a vocabulary: one choice a line, value|label."},
				}})
			return els
		})
}

// termNamesInput is a term filter's value for a vocabulary too large for
// a select: one free-tagging input of term names, comma-separated, with
// suggestions from the category autocomplete (category.AutocompletePath,
// the item form's own). The names typed are kept as typed; a stored
// definition's term ids are shown as names ("Name (id)" where another
// term has the same name). resolveTermNames turns them back into ids.
func (b *formBuild) termNamesInput(i int, vocab string, ids []string) *form.Element {
	key := rowKey(secFilters, i, termsKey)
	value, typed := b.cur[key]
	text := ""
	if typed && len(value) > 0 {
		text = value[0]
	} else if len(ids) > 0 {
		text = category.JoinTags(b.cat.terms.labels(b.ctx, vocab, ids))
	}
	return &form.Element{Key: key, Type: form.Autocomplete, Label: "Terms", Value: text, MaxLength: maxTermNamesLength,
		AutocompletePath: category.AutocompletePath + "?vocab=" + url.QueryEscape(vocab),
		Attributes:       map[string]string{"data-autocomplete-tags": "1", "data-testid": "builder-term-names"},
		Description: "This vocabulary has too many terms to list: type term names, separated by commas (a name holding a comma in quotes); " +
			"suggestions appear as you type. Leave empty for an exposed filter that visitors set."}
}

// valueHint explains the Value input for an operator.
func valueHint(op string) string {
	switch op {
	case "in", "not_in":
		return "Several values, separated by commas."
	case "between":
		return "Two values separated by a comma, e.g. 2023-01-01, 2023-12-31."
	case "year":
		return "A year, e.g. 2024."
	case "empty", "not_empty":
		return "No value needed."
	}
	return "Leave empty for an exposed filter that visitors fill in."
}

func (b *formBuild) sortsSection() *form.Element {
	return b.section(secSorts, "Sort by", "Add a sort", "Rows are ordered by the first sort, then the next; change Position to reorder.", func(i int) []*form.Element {
		return []*form.Element{
			b.fieldSelect(secSorts, i, true, nil),
			{Key: rowKey(secSorts, i, "direction"), Type: form.Select, Label: "Direction", Value: cmpOr(b.val(rowKey(secSorts, i, "direction")), "asc"),
				Options: []form.Option{{Value: "asc", Label: "Ascending (A–Z, oldest first)"}, {Value: "desc", Label: "Descending (Z–A, newest first)"}}},
			b.relationshipSelect(secSorts, i),
		}
	})
}

func (b *formBuild) argumentsSection() *form.Element {
	return b.section(secArguments, "Contextual filters", "Add a contextual filter",
		"Filter by a {segment} of the page path, e.g. /blog/{author} with the name author.", func(i int) []*form.Element {
			return []*form.Element{
				{Key: rowKey(secArguments, i, "name"), Type: form.TextField, Label: "Path segment name", MaxLength: 32,
					Value: b.val(rowKey(secArguments, i, "name")), Placeholder: "e.g. author"},
				b.fieldSelect(secArguments, i, true, nil),
				b.opSelect(secArguments, i, true),
				b.relationshipSelect(secArguments, i),
			}
		})
}

func (b *formBuild) pagerSection() *form.Element {
	lo, hi := 1.0, float64(MaxItemsPerPage)
	return &form.Element{Key: "pager_section", Type: form.Fieldset, Label: "Pager", Attributes: map[string]string{"class": "gather-builder-section"},
		Children: []*form.Element{
			{Key: "pager.type", Type: form.Select, Label: "Pager", Value: cmpOr(b.val("pager.type"), "mini"), Options: []form.Option{
				{Value: "mini", Label: "Mini pager: previous and next (fastest)"}, {Value: "full", Label: "Full pager: numbered pages"},
				{Value: "none", Label: "No pager: the first page only"}}},
			{Key: "pager.items_per_page", Type: form.Number, Label: "Items per page", Required: true, Min: &lo, Max: &hi, Step: "1",
				Value: cmpOr(b.val("pager.items_per_page"), "10")},
		}}
}

func (b *formBuild) displaySection() *form.Element {
	formats := []form.Option{}
	for _, f := range textformat.Formats() {
		formats = append(formats, form.Option{Value: f.Name, Label: f.Label})
	}
	return &form.Element{Key: "display_section", Type: form.Fieldset, Label: "Page display", Attributes: map[string]string{"class": "gather-builder-section"},
		Children: []*form.Element{
			{Key: "display.path", Type: form.TextField, Label: "Path", MaxLength: 200, Value: b.val("display.path"), Placeholder: "/recent-articles",
				Description: "Where the page answers; {name} segments feed contextual filters. Leave empty for no page."},
			{Key: "display.title", Type: form.TextField, Label: "Page title", MaxLength: 200, Value: b.val("display.title")},
			{Key: "display.format", Type: form.Select, Label: "Format", Value: cmpOr(b.val("display.format"), "list"), Options: []form.Option{
				{Value: "list", Label: "List"}, {Value: "table", Label: "Table"}, {Value: "grid", Label: "Grid"}, {Value: "teasers", Label: "Teasers"}}},
			{Key: "display.header", Type: form.TextArea, Label: "Header", Rows: 2, Value: b.val("display.header")},
			{Key: "display.footer", Type: form.TextArea, Label: "Footer", Rows: 2, Value: b.val("display.footer")},
			{Key: "display.empty", Type: form.TextArea, Label: "Text when there are no results", Rows: 2, Value: b.val("display.empty")},
			{Key: "display.text_format", Type: form.Select, Label: "Text format of header, footer and empty text",
				Value: cmpOr(b.val("display.text_format"), textformat.Plain), Options: formats},
		}}
}

// blockSection offers the listing as a block (see BlockDisplay), which the
// block layout page (/admin/structure/blocks) places in a theme region.
func (b *formBuild) blockSection() *form.Element {
	lo, hi := 1.0, float64(MaxBlockItems)
	return &form.Element{Key: "block_section", Type: form.Fieldset, Label: "Block display", Attributes: map[string]string{"class": "gather-builder-section"},
		Description: "A block shows the first rows of this listing in a theme region, placed at Structure → Block layout. It has no pager; exposed filters apply their default value.",
		Children: []*form.Element{
			{Key: "block.enabled", Type: form.Checkbox, Label: "Offer this listing as a block", Value: b.val("block.enabled")},
			{Key: "block.items", Type: form.Number, Label: "Items in the block", Min: &lo, Max: &hi, Step: "1",
				Value: cmpOr(b.val("block.items"), "5")},
			{Key: "block.title", Type: form.TextField, Label: "Block title", MaxLength: 255, Value: b.val("block.title"),
				Description: "Default: the page title."},
			{Key: "block.more", Type: form.Checkbox, Label: "Link to the page display below the block", Value: b.val("block.more")},
			{Key: "block.more_text", Type: form.TextField, Label: "Link text", MaxLength: 64, Value: b.val("block.more_text"), Placeholder: "More"},
		}}
}
