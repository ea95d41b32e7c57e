package field

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// fakeEnv answers item lookups from a map of id → type; fail makes every
// lookup fail, as a database outage would.
type fakeEnv struct {
	items map[uuid.UUID]string
	fail  error
}

func (e fakeEnv) ItemType(_ context.Context, id uuid.UUID) (string, bool, error) {
	if e.fail != nil {
		return "", false, e.fail
	}
	t, ok := e.items[id]
	return t, ok, nil
}

var (
	pageID = uuid.MustParse("0190a4c1-0000-7000-8000-000000000001")
	blogID = uuid.MustParse("0190a4c1-0000-7000-8000-000000000002")
	goneID = uuid.MustParse("0190a4c1-0000-7000-8000-00000000dead")
	env    = fakeEnv{items: map[uuid.UUID]string{pageID: "page", blogID: "blog"}}
)

// def returns a definition of the named type labelled "X" with settings.
func def(typ string, settings map[string]any) Def {
	return Def{Name: "field_x", Type: typ, Label: "X", Settings: settings}
}

// typeOf returns a built-in type by name.
func typeOf(t *testing.T, name string) Type {
	t.Helper()
	typ, ok := NewRegistry().Get(name)
	if !ok {
		t.Fatalf("type %q is not registered", name)
	}
	return typ
}

func TestDefMaxValues(t *testing.T) {
	for _, tc := range []struct {
		cardinality, want int
	}{{0, 1}, {1, 1}, {3, 3}, {-1, Unlimited}, {-5, Unlimited}} {
		if got := (Def{Cardinality: tc.cardinality}).MaxValues(); got != tc.want {
			t.Errorf("cardinality %d: MaxValues() = %d, want %d", tc.cardinality, got, tc.want)
		}
	}
}

// Settings read back from JSON hold float64 and []any; the typed helpers
// read those and Go-built values alike.
func TestDefSettingHelpers(t *testing.T) {
	var fromJSON Def
	if err := json.Unmarshal([]byte(`{"settings":{"n":12,"f":1.5,"s":"x","l":["a"," b",""],"neg":-3}}`), &fromJSON); err != nil {
		t.Fatal(err)
	}
	goBuilt := Def{Settings: map[string]any{"n": 12, "f": 1.5, "s": "x", "l": []string{"a", " b", ""}, "neg": int64(-3)}}
	for name, d := range map[string]Def{"json": fromJSON, "go": goBuilt} {
		t.Run(name, func(t *testing.T) {
			if got := d.SettingInt("n", 7); got != 12 {
				t.Errorf("SettingInt(n) = %d, want 12", got)
			}
			if got := d.SettingInt("f", 7); got != 7 {
				t.Errorf("SettingInt(f) = %d, want the fallback 7 for 1.5", got)
			}
			if got := d.SettingInt("missing", 7); got != 7 {
				t.Errorf("SettingInt(missing) = %d, want 7", got)
			}
			if got, ok := d.SettingInt64("neg"); !ok || got != -3 {
				t.Errorf("SettingInt64(neg) = %d, %v", got, ok)
			}
			if _, ok := d.SettingInt64("missing"); ok {
				t.Error("SettingInt64(missing) reported a value")
			}
			if got := d.SettingString("s", "y"); got != "x" {
				t.Errorf("SettingString(s) = %q", got)
			}
			if got := d.SettingString("n", "y"); got != "y" {
				t.Errorf("SettingString(n) = %q, want the fallback", got)
			}
			if diff := cmp.Diff([]string{"a", "b"}, d.SettingStrings("l")); diff != "" {
				t.Errorf("SettingStrings(l) (-want +got):\n%s", diff)
			}
			if d.Setting("s") != "x" {
				t.Errorf("Setting(s) = %v", d.Setting("s"))
			}
		})
	}
	if diff := cmp.Diff([]string{"page", "blog"}, Def{Settings: map[string]any{"t": "page, blog,"}}.SettingStrings("t")); diff != "" {
		t.Errorf("comma list (-want +got):\n%s", diff)
	}
}

func TestMachineName(t *testing.T) {
	for _, tc := range []struct{ label, want string }{
		{"Hero image!", "field_hero_image"},
		{"  Tags ", "field_tags"},
		{"Café crème", "field_cafe_creme"},
		{"3D model", "field_3d_model"},
		{"a--b__c", "field_a_b_c"},
		{"Field tags", "field_field_tags"},
		{"A very long label that goes on and on", "field_a_very_long_label_that_goe"},
		{"Twenty six characters abc_ d", "field_twenty_six_characters_abc"},
		{"!!!", ""},
		{"", ""},
		{"日本", ""},
	} {
		got := MachineName(tc.label)
		if got != tc.want {
			t.Errorf("MachineName(%q) = %q, want %q", tc.label, got, tc.want)
		}
		if got != "" && (len(got) > 32 || !namePattern.MatchString(got)) {
			t.Errorf("MachineName(%q) = %q is not a valid machine name", tc.label, got)
		}
	}
}

// stubType is a field type registered from outside, as a category term
// reference would be.
type stubType struct{ Email }

func (stubType) Name() string  { return "category_reference" }
func (stubType) Label() string { return "Category" }

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	var labels, names []string
	for _, typ := range r.Types() {
		labels = append(labels, typ.Label())
		names = append(names, typ.Name())
	}
	wantNames := []string{"boolean", "item_reference", "date", "datetime", "email", "link", "list",
		"decimal", "integer", "text_long", "text"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("types in label order (-want +got):\n%s\nlabels: %v", diff, labels)
	}
	for _, name := range wantNames {
		if typ, ok := r.Get(name); !ok || typ.Name() != name {
			t.Errorf("Get(%q) = %v, %v", name, typ, ok)
		}
	}
	if _, ok := r.Get("nope"); ok {
		t.Error(`Get("nope") found a type`)
	}

	for _, tc := range []struct {
		name    string
		typ     Type
		wantErr string
	}{
		{"new type", stubType{}, ""},
		{"duplicate", stubType{}, `register field type "category_reference": already registered`},
		{"built-in name", Text{}, `register field type "text": already registered`},
		{"nil", nil, "register field type: nil type"},
		{"bad name", badName{}, `register field type "Bad Name": name must be lower-case letters, digits and underscores`},
		{"no properties", noProps{}, `register field type "no_props": it declares no properties`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := r.Register(tc.typ)
			if got := errString(err); got != tc.wantErr {
				t.Errorf("Register() error = %q, want %q", got, tc.wantErr)
			}
		})
	}
	if typ, ok := r.Get("category_reference"); !ok || typ.Label() != "Category" {
		t.Errorf("registered type not found: %v, %v", typ, ok)
	}
	if got := r.Types()[0].Name(); got != "boolean" {
		t.Errorf("first type = %q, want boolean (Category sorts after Boolean)", got)
	}
	if got := r.Types()[1].Name(); got != "category_reference" {
		t.Errorf("second type = %q, want category_reference", got)
	}
}

type badName struct{ Email }

func (badName) Name() string { return "Bad Name" }

type noProps struct{ Email }

func (noProps) Name() string         { return "no_props" }
func (noProps) Properties() []string { return nil }

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Every type documents itself for the "add field" chooser and names its
// properties.
func TestTypesDescribeThemselves(t *testing.T) {
	for _, typ := range NewRegistry().Types() {
		if typ.Label() == "" || !strings.HasSuffix(typ.Description(), ".") || len(typ.Properties()) == 0 {
			t.Errorf("%s: label %q, description %q, properties %v", typ.Name(), typ.Label(), typ.Description(), typ.Properties())
		}
		if typ.DefaultSettings() == nil {
			t.Errorf("%s: DefaultSettings() is nil", typ.Name())
		}
	}
}

// The widgets of every type, for every delta, form a valid tree: known
// element types, well-formed unique keys, children only in containers.
func TestWidgetsFormValidTrees(t *testing.T) {
	for _, typ := range NewRegistry().Types() {
		d := Def{Name: "field_" + typ.Name(), Type: typ.Name(), Label: typ.Label(), Required: true, Cardinality: -1,
			Settings: map[string]any{"allowed_values": "a|A\nb|B", "target_types": []string{"page", "blog"}}}
		f := &form.Form{ID: "t"}
		for i, key := range []string{d.Name + ".0", d.Name + ".1"} {
			w := typ.Widget(d, key, nil)
			if w == nil {
				t.Fatalf("%s: Widget returned nil", typ.Name())
			}
			if !w.IsContainer() && i == 0 && !w.Required {
				t.Errorf("%s: delta 0 of a required field is not required", typ.Name())
			}
			f.Elements = append(f.Elements, w)
		}
		if err := form.CheckTree(f); err != nil {
			t.Errorf("%s: %v", typ.Name(), err)
		}
		f.Walk(func(e *form.Element) {
			if e.TakesValue() && e.Label == "" {
				t.Errorf("%s: input %q has no label", typ.Name(), e.Key)
			}
			if strings.HasPrefix(e.Key, d.Name+".1") && e.Required {
				t.Errorf("%s: %q of delta 1 is required", typ.Name(), e.Key)
			}
		})
	}
}

// A canonical delta shown in its widget and submitted unchanged comes back
// as the same delta, for every type.
func TestWidgetRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		typ      string
		settings map[string]any
		delta    map[string]any
	}{
		{TypeText, nil, map[string]any{"value": "Hello"}},
		{TypeTextLong, nil, map[string]any{"value": "<p>Hi</p>\nthere", "format": "basic_html"}},
		{TypeInteger, nil, map[string]any{"value": int64(-42)}},
		{TypeDecimal, map[string]any{"scale": 3}, map[string]any{"value": "12.340"}},
		{TypeBoolean, nil, map[string]any{"value": true}},
		{TypeBoolean, nil, map[string]any{"value": false}},
		{TypeDate, nil, map[string]any{"value": "2026-02-28"}},
		{TypeDateTime, nil, map[string]any{"value": "2026-03-01T14:30:00Z"}},
		{TypeDateTime, nil, map[string]any{"value": "2026-03-01T14:30:05Z"}},
		{TypeEmail, nil, map[string]any{"value": "ada@example.org"}},
		{TypeLink, nil, map[string]any{"uri": "https://example.org/a?b=c", "title": "Example"}},
		{TypeList, map[string]any{"allowed_values": "a|A\nb|B"}, map[string]any{"value": "b"}},
		{TypeItemReference, nil, map[string]any{"target_id": pageID.String()}},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			typ, d := typeOf(t, tc.typ), def(tc.typ, tc.settings)
			w := typ.Widget(d, "field_x.3", tc.delta)
			got, empty, problems := typ.Extract(d, "field_x.3", elementValues([]*form.Element{w}))
			if empty || problems != nil {
				t.Fatalf("Extract: empty %v, problems %v", empty, problems)
			}
			got, err := typ.Normalize(context.Background(), env, d, got)
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			if diff := cmp.Diff(tc.delta, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

// normalizeCase is one row of a Normalize table.
type normalizeCase struct {
	name     string
	settings map[string]any
	in       map[string]any
	want     map[string]any // nil: empty (or an error)
	err      string
}

// runNormalize checks each case, and that a canonical result normalizes to
// itself (Normalize is idempotent).
func runNormalize(t *testing.T, typeName string, cases []normalizeCase) {
	t.Helper()
	typ := typeOf(t, typeName)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := def(typeName, tc.settings)
			got, err := typ.Normalize(context.Background(), env, d, tc.in)
			if errString(err) != tc.err {
				t.Fatalf("error = %q, want %q", errString(err), tc.err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("delta (-want +got):\n%s", diff)
			}
			if got == nil {
				return
			}
			again, err := typ.Normalize(context.Background(), env, d, got)
			if err != nil || !cmp.Equal(got, again) {
				t.Errorf("not idempotent: %v then %v (%v)", got, again, err)
			}
			// The canonical shape survives a JSONB round trip (decoded with
			// UseNumber, as integers beyond 2^53 need).
			raw, _ := json.Marshal(got)
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			var back map[string]any
			if err := dec.Decode(&back); err != nil {
				t.Fatal(err)
			}
			fromJSON, err := typ.Normalize(context.Background(), env, d, back)
			if err != nil || !cmp.Equal(got, fromJSON) {
				t.Errorf("after JSON: %v then %v (%v)", got, fromJSON, err)
			}
		})
	}
}

// extractCase is one row of an Extract table.
type extractCase struct {
	name     string
	settings map[string]any
	values   form.Values
	want     map[string]any
	empty    bool
	problems map[string]string
}

func runExtract(t *testing.T, typeName string, cases []extractCase) {
	t.Helper()
	typ := typeOf(t, typeName)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, empty, problems := typ.Extract(def(typeName, tc.settings), "field_x.0", tc.values)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("delta (-want +got):\n%s", diff)
			}
			if empty != tc.empty {
				t.Errorf("empty = %v, want %v", empty, tc.empty)
			}
			if diff := cmp.Diff(tc.problems, problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// displayCase is one row of a Format and Text table.
type displayCase struct {
	name     string
	settings map[string]any
	delta    map[string]any
	format   render.Element
	text     string
}

func runDisplay(t *testing.T, typeName string, cases []displayCase) {
	t.Helper()
	typ := typeOf(t, typeName)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := def(typeName, tc.settings)
			got := typ.Format(d, []map[string]any{tc.delta, tc.delta})
			if diff := cmp.Diff([]render.Element{tc.format, tc.format}, got); diff != "" {
				t.Errorf("Format (-want +got):\n%s", diff)
			}
			if got := typ.Text(d, tc.delta); got != tc.text {
				t.Errorf("Text = %q, want %q", got, tc.text)
			}
		})
	}
	if got := typ.Format(def(typeName, nil), nil); got != nil {
		t.Errorf("Format(no deltas) = %v, want nil", got)
	}
}

// A failing lookup is not a user's mistake: errors from Env are wrapped.
func TestEnvFailureIsWrapped(t *testing.T) {
	boom := errors.New("connection refused")
	_, err := ItemReference{}.Normalize(context.Background(), fakeEnv{fail: boom}, def(TypeItemReference, nil),
		map[string]any{"target_id": pageID.String()})
	if !errors.Is(err, boom) {
		t.Errorf("error = %v, want it to wrap %v", err, boom)
	}
	_, err = ItemReference{}.Normalize(context.Background(), nil, def(TypeItemReference, nil),
		map[string]any{"target_id": pageID.String()})
	if !errors.Is(err, errNoEnv) {
		t.Errorf("nil env: error = %v", err)
	}
}
