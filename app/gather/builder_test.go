package gather

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
)

const (
	termGo   = "0190b6c4-0000-7000-8000-000000000001"
	termFood = "0190b6c4-0000-7000-8000-000000000002"
)

// testCatalog is a site with articles (every field type the builder
// treats differently) and pages.
func testCatalog() *catalog {
	return &catalog{
		Types: []catalogType{
			{Name: "article", Label: "Article", Fields: []catalogField{
				{Name: "field_tags", Label: "Tags", Type: "category_reference", Vocabulary: "tags"},
				{Name: "field_parent", Label: "Parent", Type: "item_reference"},
				{Name: "field_rating", Label: "Rating", Type: "integer"},
				{Name: "field_flag", Label: "Flag", Type: "boolean"},
				{Name: "field_color", Label: "Color", Type: "list", Allowed: []Option{{Value: "red", Label: "Red"}, {Value: "blue", Label: "Blue"}}},
				{Name: "field_date", Label: "Day", Type: "date"},
				{Name: "field_body", Label: "Body", Type: "text_long"},
				{Name: "field_email", Label: "Email", Type: "email"},
			}},
			{Name: "page", Label: "Page", Fields: []catalogField{{Name: "field_subtitle", Label: "Subtitle", Type: "text"}}},
		},
		Vocabularies: []form.Option{{Value: "tags", Label: "Tags"}},
		Terms:        map[string][]form.Option{"tags": {{Value: termGo, Label: "Go"}, {Value: termFood, Label: "Food"}}},
	}
}

// richDefinition uses every part of a Definition.
func richDefinition() *Definition {
	return &Definition{
		BaseTypes:     []string{"article", "page"},
		Relationships: []Relationship{{ID: "parent", Field: "field_parent", Label: "Parent", Required: true}},
		Fields: []Show{
			{Field: "title", Formatter: "link"},
			{Field: "field_tags", Label: "Tags"},
			{Field: "created", Formatter: "date", Label: "Posted"},
			{Field: "title", Formatter: "text", Label: "Parent", Relationship: "parent"},
		},
		Filters: []Filter{
			{Field: "status", Op: "=", Value: true},
			{Field: "field_tags", Op: "has_term_or_descendants", Value: []any{termGo, termFood}},
			{Field: "created", Op: "year", Expose: &Expose{Identifier: "year", Label: "Year", Widget: "text"}},
			{Field: "field_tags", Op: "has_term", Expose: &Expose{Identifier: "tag", Label: "Tag", Widget: "select", Vocabulary: "tags"}},
			{Field: "field_rating", Op: "between", Value: []any{1.0, 5.0}},
			{Field: "field_flag", Op: "=", Value: false},
			{Field: "title", Op: "contains", Value: "Go, and more"},
			{Field: "field_color", Op: "=", Expose: &Expose{Identifier: "color", Label: "Color", Widget: "select",
				Options: []Option{{Value: "red", Label: "Red"}, {Value: "blue", Label: "Deep blue"}}}},
			{Field: "field_date", Op: "between", Expose: &Expose{Identifier: "day", Label: "Day", Widget: "date_range"}},
			{Field: "sticky", Op: "=", Expose: &Expose{Identifier: "sticky", Label: "Sticky only", Widget: "checkbox"}},
			{Field: "title", Op: "starts_with", Value: "A", Relationship: "parent"},
			{Field: "field_body", Op: "not_empty"},
			{Field: "field_rating", Op: "in", Value: []any{2.0, 3.0}},
			{Field: "field_color", Op: "not_in", Value: []any{"blue", "purple"}},
			{Field: "field_color", Op: "starts_with", Value: "re"},
		},
		Arguments: []Argument{{Name: "author", Field: "author"}, {Name: "kind", Field: "type", Op: "!="}},
		Sorts: []Sort{{Field: "sticky", Direction: "desc"}, {Field: "created", Direction: "desc"},
			{Field: "title", Direction: "asc", Relationship: "parent"}},
		Pager: Pager{Type: "full", ItemsPerPage: 25},
		Display: Display{Path: "/blog/{author}/{kind}", Title: "Blog", Format: "table", Header: "**Latest**",
			Footer: "The end.\nReally.", Empty: "Nothing yet.", TextFormat: "markdown"},
	}
}

// browserValues is what a browser posts for a form as rendered: every
// input element's value (checked boxes as "1", selected options).
func browserValues(f *form.Form) form.Values {
	v := form.Values{"form_id": {f.ID}}
	if f.BuildID != "" {
		v["form_build_id"] = []string{f.BuildID}
	}
	f.WalkActive(func(e *form.Element) {
		switch {
		case !e.TakesValue():
		case e.Type == form.Checkbox:
			if form.Checked(e.Value) {
				v[e.Key] = []string{"1"}
			}
		case e.Type == form.Checkboxes || (e.Type == form.Select && e.Multiple):
			v[e.Key] = slices.Clone(e.Values)
		default:
			v[e.Key] = []string{e.Value}
		}
	})
	return v
}

func buildListingForm(t *testing.T, st *form.State) *form.Form {
	t.Helper()
	if st.Items == nil {
		st.Items = map[string]int{}
	}
	if st.Data == nil {
		st.Data = map[string]string{}
	}
	f, err := listingBuilder(builderSetup{Action: "/admin/gather/add", IsNew: true, Cat: testCatalog()})(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if err := form.CheckTree(f); err != nil {
		t.Fatalf("the builder form is malformed: %v", err)
	}
	return f
}

// Every part of a rich definition survives definition → form → (what a
// browser posts) → definition, and the form built again from the result
// posts the same values.
func TestBuilderRoundTrip(t *testing.T) {
	// A block display needs a path without arguments, so it rides on a
	// second variant of the rich definition.
	withBlock := richDefinition()
	withBlock.Arguments, withBlock.Display.Path = nil, "/blog"
	withBlock.Block = &BlockDisplay{Items: 7, Title: "Latest posts", More: true, MoreText: "All posts"}
	for name, want := range map[string]*Definition{"page": richDefinition(), "block": withBlock} {
		t.Run(name, func(t *testing.T) { roundTrip(t, want) })
	}
}

func roundTrip(t *testing.T, want *Definition) {
	if err := want.Validate(); err != nil {
		t.Fatalf("the test definition is invalid: %v", err)
	}
	schema := testCatalog().schema()
	if _, err := BuildRequest(want, Viewer{SeesUnpublished: true}, Request{Schema: schema,
		Args: map[string]string{"author": "admin", "kind": "page"}}); err != nil {
		t.Fatalf("the test definition does not build: %v", err)
	}
	raw, _ := json.Marshal(want)
	f := buildListingForm(t, builderState(raw, "blog", "Blog"))
	posted := browserValues(f)

	// The submission is read against a form built for it.
	st := &form.State{FormID: builderFormID, Items: map[string]int{}, Data: map[string]string{}, Input: posted}
	f2 := buildListingForm(t, st)
	values := f2.Fill(posted)
	f2.Walk(func(e *form.Element) {
		if e.Error != "" {
			t.Errorf("%s: %s", e.Key, e.Error)
		}
	})
	got, _ := valuesDefinition(values, schema)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("form → definition (-want +got):\n%s", diff)
	}
	if values.Get("name") != "blog" || values.Get("label") != "Blog" {
		t.Errorf("name and label: %q %q", values.Get("name"), values.Get("label"))
	}

	raw2, _ := json.Marshal(got)
	again := browserValues(buildListingForm(t, builderState(raw2, "blog", "Blog")))
	delete(again, "definition_json")
	delete(posted, "definition_json")
	if diff := cmp.Diff(posted, again); diff != "" {
		t.Errorf("definition → form again (-first +second):\n%s", diff)
	}
}

// The builder keeps the parts of a stored definition it does not edit.
func TestMergeDefinitionKeepsUnknownParts(t *testing.T) {
	stored := `{"base_types":["page"],"pager":{"type":"mini","items_per_page":5,"future":1},` +
		`"display":{"path":"/old","title":"Old","header":"gone","block":{"region":"sidebar"}},"future_top":[1,2]}`
	built := &Definition{BaseTypes: []string{"article"}, Pager: Pager{Type: "full", ItemsPerPage: 7}, Display: Display{Path: "/new"}}
	d, err := mergeDefinition([]byte(stored), built)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(built, d); diff != "" {
		t.Errorf("owned parts (-want +got):\n%s", diff)
	}
	raw, _ := json.Marshal(d)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	if m["display"].(map[string]any)["header"] != nil {
		t.Errorf("a header removed in the builder came back: %s", raw)
	}
}

// The operator select offers exactly the operators of the field's type
// (definition.go's table), and every one of them builds.
func TestOperatorsForFieldTypes(t *testing.T) {
	schema := testCatalog().schema()
	cases := []struct {
		field string
		want  string
	}{
		{"field_subtitle", "= != < <= > >= contains starts_with in not_in empty not_empty fulltext"},
		{"field_body", "= != < <= > >= contains starts_with in not_in empty not_empty fulltext"},
		{"field_email", "= != < <= > >= contains starts_with in not_in empty not_empty"},
		{"field_color", "= != < <= > >= contains starts_with in not_in empty not_empty"},
		{"field_rating", "= != < <= > >= between in not_in empty not_empty"},
		{"field_date", "= != < <= > >= between empty not_empty year"},
		{"field_flag", "= != empty not_empty"},
		{"field_tags", "= != in not_in empty not_empty has_term has_term_or_descendants"},
		{"field_parent", "= != in not_in empty not_empty"},
		{"title", "= != < <= > >= contains starts_with in not_in fulltext"},
		{"created", "= != < <= > >= between year"},
		{"changed", "= != < <= > >= between year"},
		{"status", "= !="},
		{"sticky", "= !="},
		{"promote", "= !="},
		{"type", "= != contains starts_with in not_in"},
		{"author", "= != contains starts_with in not_in"},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			got := operatorsFor(tc.field, schema)
			if diff := cmp.Diff(strings.Fields(tc.want), got); diff != "" {
				t.Fatalf("operators (-want +got):\n%s", diff)
			}
			for _, op := range got {
				d := &Definition{BaseTypes: []string{"article"}, Pager: Pager{ItemsPerPage: 5},
					Filters: []Filter{{Field: tc.field, Op: op, Value: sampleValue(fieldKind(tc.field, schema), op)}}}
				if _, err := BuildRequest(d, Viewer{}, Request{Schema: schema}); err != nil {
					t.Errorf("%s %s offered but does not build: %v", tc.field, op, err)
				}
			}
			// The select shows them with labels, and no others.
			st := &form.State{Input: form.Values{"base_types": {"article"}, "filters.0.field": {tc.field}}}
			el := buildListingForm(t, st).Find("filters.0.op")
			var values []string
			for _, o := range el.Options {
				values = append(values, o.Value)
				if o.Label == "" || o.Label == o.Value && o.Value != "contains" {
					t.Errorf("operator %q has no label", o.Value)
				}
			}
			if diff := cmp.Diff(got, values); diff != "" {
				t.Errorf("select options (-want +got):\n%s", diff)
			}
		})
	}
}

func sampleValue(k kind, op string) any {
	one := map[kind]any{kText: "x", kNumber: 2.0, kDate: "2024-05-01", kStamp: "2024-05-01", kBool: true, kTerm: termGo, kRef: termGo}[k]
	switch op {
	case "empty", "not_empty":
		return nil
	case "year":
		return 2024.0
	case "between":
		if k == kNumber {
			return []any{1.0, 3.0}
		}
		return []any{"2024-01-01", "2024-12-31"}
	case "in", "not_in", "has_term", "has_term_or_descendants":
		return []any{one}
	}
	return one
}

// Fields offered: the properties and the fields of the chosen types only;
// with a relationship also the other types' fields.
func TestFieldChoicesFollowContentTypes(t *testing.T) {
	options := func(in form.Values) []string {
		var out []string
		for _, o := range buildListingForm(t, &form.State{Input: in}).Find("fields.0.field").Options {
			out = append(out, o.Value)
		}
		return out
	}
	props := []string{"title", "created", "changed", "author", "type"}
	pageOnly := options(form.Values{"base_types": {"page"}, "fields.0.field": {"title"}})
	if diff := cmp.Diff(append(slices.Clone(props), "field_subtitle"), pageOnly); diff != "" {
		t.Errorf("page fields (-want +got):\n%s", diff)
	}
	related := options(form.Values{"base_types": {"page"}, "fields.0.field": {"title"}, "relationships.0.id": {"parent"}})
	if !slices.Contains(related, "field_tags") {
		t.Errorf("with a relationship the other types' fields are offered: %v", related)
	}
	// A request naming no field offers nothing new.
	bad := options(form.Values{"base_types": {"page"}, "fields.0.field": {"i.id); --"}})
	if slices.Contains(bad, "i.id); --") {
		t.Error("a posted non-field became a choice")
	}
}

// Validation problems land at the element they are about.
func TestProblemFieldsMapToElements(t *testing.T) {
	schema := testCatalog().schema()
	values := form.Values{
		"base_types":           {"article"},
		"filters.0.field":      {"title"}, // a blank row 1 is skipped: row 2 is filters[1]
		"filters.0.op":         {"contains"},
		"filters.0.value":      {"x"},
		"filters.2.field":      {"created"},
		"filters.2.op":         {"year"},
		"filters.2.value":      {"soon"},
		"sorts.0.field":        {"title"},
		"sorts.0.direction":    {"up"},
		"pager.items_per_page": {"0"},
		"display.path":         {"no slash"},
		"block.enabled":        {"1"},
		"block.items":          {"500"},
	}
	d, rows := valuesDefinition(values, schema)
	err := d.Validate()
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("err = %v", err)
	}
	got := problemFields(err, d, rows, schema)
	for _, key := range []string{"sorts.0.direction", "pager.items_per_page", "display.path", "block.items"} {
		if got[key] == "" {
			t.Errorf("no message at %s: %v", key, got)
		}
	}
	d.Sorts[0].Direction, d.Pager.ItemsPerPage, d.Display.Path, d.Block = "asc", 5, "/ok", nil
	_, err = BuildRequest(d, Viewer{}, Request{Schema: schema})
	got = problemFields(err, d, rows, schema)
	if msg := got["filters.2.value"]; !strings.Contains(msg, "year") {
		t.Errorf("the bad year is not at row 2's value: %v", got)
	}
}

// Rows are counted as slots in the state, so Remove can empty a section.
func TestBuilderRowsCanBeEmptied(t *testing.T) {
	st := &form.State{Data: map[string]string{"definition": `{"base_types":["page"],"filters":[{"field":"title","op":"contains","value":"a"}],"pager":{"items_per_page":3}}`}}
	f := buildListingForm(t, st)
	if f.Find("filters.0.field") == nil || f.Find("filters.1.field") != nil {
		t.Fatal("one filter row expected")
	}
	if st.Items[secFilters] != 2 || st.Items[secSorts] != 1 {
		t.Errorf("slots: %v", st.Items)
	}
	if f.Find("sorts.0.field") != nil || f.Find("sorts.add") == nil {
		t.Error("no sort row expected, with Add a sort")
	}
	st.Items[secFilters] = 1 // what remove:filters:0 leaves
	if f := buildListingForm(t, st); f.Find("filters.0.field") != nil {
		t.Error("the filter row was not removed")
	}
}

// Add and Remove through the Form API lifecycle, as a browser without
// JavaScript submits them: the form comes back rebuilt with every value
// kept, each with its row, and nothing to fix.
func TestBuilderAddRemoveRowsWithoutJS(t *testing.T) {
	pool := testPool(t)
	ctx := context.Background()
	proc := &form.Processor{States: form.NewStateStore(pool)}
	owner := uuid.Must(uuid.NewV7()) // form states name their owner; no user row is needed
	build := listingBuilder(builderSetup{Action: "/admin/gather/add", IsNew: true, Cat: testCatalog()})
	def := `{"base_types":["article"],"filters":[{"field":"created","op":"year","value":2024},` +
		`{"field":"field_tags","op":"has_term","value":["` + termGo + `"]}],"pager":{"items_per_page":3}}`
	f, err := proc.NewWithState(ctx, owner, builderState([]byte(def), "news", "News"), build)
	if err != nil {
		t.Fatal(err)
	}
	submit := func(posted form.Values, button string) *form.Result {
		t.Helper()
		posted[button] = []string{"pressed"}
		res, err := proc.Submit(ctx, owner, builderFormID, posted, build, func() *form.State { return &form.State{FormID: builderFormID} })
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != form.Rebuilt {
			t.Fatalf("%s: outcome %v, want a rebuild", button, res.Outcome)
		}
		res.Form.Walk(func(e *form.Element) {
			if e.Error != "" {
				t.Errorf("%s: %s has an error: %s", button, e.Key, e.Error)
			}
		})
		return res
	}

	posted := browserValues(f)
	posted["label"] = []string{"News, edited"}
	res := submit(posted, "filters.add")
	if res.Form.Find("filters.2.field") == nil || res.Form.Find("filters.3.field") != nil {
		t.Fatal("Add a filter did not add exactly one row")
	}
	if got := res.Form.Find("label").Value; got != "News, edited" {
		t.Errorf("label %q was not kept", got)
	}

	res = submit(browserValues(res.Form), "filters.remove-0")
	if res.Form.Find("filters.1.field") == nil || res.Form.Find("filters.2.field") != nil {
		t.Fatal("Remove did not remove exactly one row")
	}
	got, _ := valuesDefinition(browserValues(res.Form), testCatalog().schema())
	want := []Filter{{Field: "field_tags", Op: "has_term", Value: []any{termGo}}}
	if diff := cmp.Diff(want, got.Filters); diff != "" {
		t.Errorf("the rows after Remove (-want +got):\n%s", diff)
	}
	if ops := res.Form.Find("filters.0.op").Options; !hasFormOption(ops, "has_term_or_descendants") || hasFormOption(ops, "year") {
		t.Errorf("row 0 offers the operators of the removed row: %v", ops)
	}

	// Down to no rows, and back.
	res = submit(browserValues(res.Form), "filters.remove-0")
	res = submit(browserValues(res.Form), "filters.remove-0")
	if res.Form.Find("filters.0.field") != nil {
		t.Fatal("the last filter row was not removed")
	}
	res = submit(browserValues(res.Form), "filters.add")
	if res.Form.Find("filters.0.field") == nil || res.Form.Find("filters.1.field") != nil {
		t.Fatal("Add a filter on an empty section did not add one row")
	}
}

// Rows follow their Position inputs (reordering without JavaScript), and
// problems still land at the row they are about.
func TestBuilderPositionsReorderRows(t *testing.T) {
	schema := testCatalog().schema()
	v := form.Values{
		"base_types":    {"article"},
		"sorts.0.field": {"created"}, "sorts.0.direction": {"desc"}, "sorts.0.weight": {"2"},
		"sorts.1.field": {"title"}, "sorts.1.direction": {"sideways"}, "sorts.1.weight": {"1"},
		"sorts.2.field": {"sticky"}, "sorts.2.direction": {"desc"}, "sorts.2.weight": {"2"},
		"pager.items_per_page": {"5"},
	}
	d, rows := valuesDefinition(v, schema)
	var got []string
	for _, s := range d.Sorts {
		got = append(got, s.Field)
	}
	if diff := cmp.Diff([]string{"title", "created", "sticky"}, got); diff != "" {
		t.Errorf("sort order (-want +got):\n%s", diff)
	}
	problems := problemFields(d.Validate(), d, rows, schema)
	if problems["sorts.1.direction"] == "" || len(problems) != 1 {
		t.Errorf("the bad direction is not at form row 1: %v", problems)
	}
}

// BenchmarkBuilderSubmit is the server's work for one builder submission
// or preview of a rich listing, without the database: build the form for
// the request, take its values, convert them to a definition, validate it
// and build the statement.
// go test ./app/gather -run '^$' -bench BenchmarkBuilderSubmit -benchmem
func BenchmarkBuilderSubmit(b *testing.B) {
	raw, _ := json.Marshal(richDefinition())
	cat := testCatalog()
	schema := cat.schema()
	build := listingBuilder(builderSetup{Action: "/admin/gather/add", IsNew: true, Cat: cat})
	first, err := build(context.Background(), builderState(raw, "blog", "Blog"))
	if err != nil {
		b.Fatal(err)
	}
	posted := browserValues(first)
	args := map[string]string{"author": "admin", "kind": "page"}
	for b.Loop() {
		st := &form.State{FormID: builderFormID, Items: map[string]int{}, Data: map[string]string{}, Input: posted}
		f, err := build(context.Background(), st)
		if err != nil {
			b.Fatal(err)
		}
		d, _ := valuesDefinition(f.Fill(posted), schema)
		if _, err := BuildRequest(d, Viewer{SeesUnpublished: true}, Request{Schema: schema, Args: args}); err != nil {
			b.Fatal(err)
		}
	}
}

// A list field's value is picked from its allowed values for equality and
// membership, typed otherwise; switching the operator carries the value
// over to the other input.
func TestFilterValueFollowsOperator(t *testing.T) {
	build := func(op string, in form.Values) *form.Form {
		in["base_types"] = []string{"article"}
		if in["filters.0.field"] == nil {
			in["filters.0.field"] = []string{"field_color"}
		}
		in["filters.0.op"] = []string{op}
		return buildListingForm(t, &form.State{Input: in})
	}
	f := build("in", form.Values{"filters.0.value": {"red, blue"}})
	el := f.Find("filters.0.choices")
	if el == nil || f.Find("filters.0.value") != nil {
		t.Fatal("membership on a list field is not a select of its values")
	}
	if diff := cmp.Diff([]string{"red", "blue"}, el.Values); diff != "" {
		t.Errorf("typed values not carried to the select (-want +got):\n%s", diff)
	}
	f = build("starts_with", form.Values{"filters.0.choices": {"red"}})
	if el := f.Find("filters.0.value"); el == nil || el.Value != "red" || f.Find("filters.0.choices") != nil {
		t.Fatalf("starts with on a list field is not a text value carrying the choice: %+v", el)
	}
	f = build("has_term", form.Values{"filters.0.field": {"field_tags"}, "filters.0.value": {"not a term"}})
	if el := f.Find("filters.0.choices"); el == nil || len(el.Values) != 0 {
		t.Errorf("text that is no term was kept as a chosen term: %+v", el)
	}
}

// The positioned sections are groups of static/js/tabledrag.js (their rows
// and Position inputs marked, numbered from 1); relationships, whose order
// does not matter, are not.
func TestBuilderRowsAreDraggable(t *testing.T) {
	st := &form.State{Data: map[string]string{}}
	raw, _ := json.Marshal(richDefinition())
	st.Data["definition"] = string(raw)
	f := buildListingForm(t, st)
	if _, ok := f.Find(wrapperKey).Attributes["data-tabledrag"]; !ok {
		t.Fatal("the builder has no data-tabledrag")
	}
	for _, sec := range []string{secFields, secFilters, secSorts, secArguments} {
		s := f.Find(sec + "_section")
		if s.Attributes["data-tabledrag-group"] != sec || s.Attributes["data-tabledrag-start"] != "1" {
			t.Errorf("%s: section attributes %v", sec, s.Attributes)
		}
		row := f.Find(sec + ".1")
		if _, ok := row.Attributes["data-tabledrag-row"]; !ok {
			t.Errorf("%s: row 1 is not draggable", sec)
		}
		pos := f.Find(rowKey(sec, 1, "weight"))
		if _, ok := pos.Attributes["data-tabledrag-weight"]; !ok || pos.Value != "2" {
			t.Errorf("%s: row 1's Position %q %v", sec, pos.Value, pos.Attributes)
		}
	}
	if _, ok := f.Find(secRelationships + "_section").Attributes["data-tabledrag-group"]; ok {
		t.Error("relationships are draggable")
	}
}

// A term filter on a Large vocabulary is a free-tagging input with the
// category autocomplete (its ids shown as they are without a database),
// not a select; the other term fields keep theirs.
func TestBuilderLargeVocabularyInput(t *testing.T) {
	cat := testCatalog()
	cat.Large = map[string]bool{"tags": true}
	cat.Terms = map[string][]form.Option{}
	d := &Definition{BaseTypes: []string{"article"}, Filters: []Filter{{Field: "field_tags", Op: "has_term", Value: []any{termGo, termFood}}}}
	raw, _ := json.Marshal(d)
	st := &form.State{Items: map[string]int{}, Data: map[string]string{"definition": string(raw)}}
	f, err := listingBuilder(builderSetup{Action: "/admin/gather/add", IsNew: true, Cat: cat})(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if f.Find(rowKey(secFilters, 0, "choices")) != nil {
		t.Error("a select of terms is offered for a large vocabulary")
	}
	in := f.Find(rowKey(secFilters, 0, termsKey))
	if in == nil || in.Type != form.Autocomplete {
		t.Fatalf("no free-tagging input: %+v", in)
	}
	if in.AutocompletePath != "/category/autocomplete?vocab=tags" || in.Value != termGo+", "+termFood || in.Attributes["data-autocomplete-tags"] != "1" {
		t.Errorf("input %q %q %v", in.AutocompletePath, in.Value, in.Attributes)
	}
	// What the user typed is shown as typed on a rebuild.
	st.Input = form.Values{"base_types": {"article"}, rowKey(secFilters, 0, "field"): {"field_tags"}, rowKey(secFilters, 0, "op"): {"has_term"},
		rowKey(secFilters, 0, termsKey): {"Go, Nowhere"}}
	f, err = listingBuilder(builderSetup{Action: "/admin/gather/add", IsNew: true, Cat: cat})(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Find(rowKey(secFilters, 0, termsKey)).Value; got != "Go, Nowhere" {
		t.Errorf("typed names shown as %q", got)
	}
	// Problems about the value go to the input.
	got := onTermInputs(map[string]string{rowKey(secFilters, 0, "choices"): "needs a value", rowKey(secFilters, 1, "choices"): "x"},
		form.Values{rowKey(secFilters, 0, termsKey): {""}})
	if diff := cmp.Diff(map[string]string{rowKey(secFilters, 0, termsKey): "needs a value", rowKey(secFilters, 1, "choices"): "x"}, got); diff != "" {
		t.Errorf("onTermInputs (-want +got):\n%s", diff)
	}
}
