package sdk

import (
	"encoding/json"
	"testing"
)

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	inputs := []string{
		"", "plain", `quote " and \ backslash`, "new\nline\ttab\rcr",
		"ctrl \x00\x01\x1f end", "<script>&amp;</script>", "ünïcødé ✓ 𝄞",
		"line sep \u2028 para sep \u2029", "bad utf8 \xff\xfe here", "trailing \xe2\x82",
	}
	for _, in := range inputs {
		want, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, in); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestAppendElement(t *testing.T) {
	el := Container(
		Heading(2, "Title").WithClass("a", "b"),
		Element{},
		Markup("<p>x</p>", FormatBasicHTML),
		Link("Home", "/"),
		List(Text("one"), Text("two")),
		FieldElement("Tags", Text("go")),
	).WithClass("page").WithAttr("data-z", "1").WithAttr("data-a", "2")
	got := appendElement(nil, &el)
	want := `{"type":"container","attributes":{"data-a":"2","data-z":"1"},"classes":["page"],"children":[` +
		`{"type":"heading","classes":["a","b"],"text":"Title","level":2},` +
		`{"type":"markup","text":"\u003cp\u003ex\u003c/p\u003e","format":"basic_html"},` +
		`{"type":"link","text":"Home","href":"/"},` +
		`{"type":"list","children":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},` +
		`{"type":"field","label":"Tags","children":[{"type":"text","text":"go"}]}]}`
	if string(got) != want {
		t.Errorf("appendElement =\n%s\nwant\n%s", got, want)
	}
	if !json.Valid(got) {
		t.Error("output is not valid JSON")
	}
	var zero Element
	if got := appendElement(nil, &zero); string(got) != "null" {
		t.Errorf("zero element = %s, want null", got)
	}
}

func TestWithClassDoesNotAlias(t *testing.T) {
	base := Text("x").WithClass("a")
	base.Classes = append(make([]string, 0, 4), base.Classes...)
	one, two := base.WithClass("one"), base.WithClass("two")
	if one.Classes[1] != "one" || two.Classes[1] != "two" {
		t.Errorf("WithClass shares backing arrays: %v %v", one.Classes, two.Classes)
	}
}

func TestAppendItemTypes(t *testing.T) {
	types := []ItemType{{
		Type: "page", Label: "Basic page", Description: "d", TitleLabel: "Name",
		Fields: []Field{{Name: "field_subtitle", Type: "text", Label: "Subtitle", Required: true, Cardinality: -1}},
	}}
	got, err := appendItemTypes(nil, types)
	want := `[{"type":"page","label":"Basic page","description":"d","title_label":"Name",` +
		`"fields":[{"name":"field_subtitle","type":"text","label":"Subtitle","required":true,"cardinality":-1}]}]`
	if err != nil || string(got) != want {
		t.Errorf("appendItemTypes =\n%s, %v\nwant\n%s", got, err, want)
	}
}

func TestAppendItemTypesSettings(t *testing.T) {
	types := []ItemType{{
		Type: "blog", Label: "Blog", Settings: map[string]any{"z": []any{1, "a", nil, true}, "a": map[string]any{"n": 2.5}},
		Fields: []Field{{Name: "f", Type: "text", Label: "F", Cardinality: 1, Description: "Help <b>",
			Settings: map[string]any{"max_length": 160, "tags": []string{"x"}, "m": map[string]string{"k": "v"}, "u": uint64(7)}}},
	}}
	got, err := appendItemTypes(nil, types)
	want := `[{"type":"blog","label":"Blog","description":"","title_label":"","fields":[{"name":"f","type":"text",` +
		`"label":"F","required":false,"cardinality":1,"description":"Help \u003cb\u003e",` +
		`"settings":{"m":{"k":"v"},"max_length":160,"tags":["x"],"u":7}}],"settings":{"a":{"n":2.5},"z":[1,"a",null,true]}}]`
	if err != nil || string(got) != want {
		t.Errorf("appendItemTypes =\n%s, %v\nwant\n%s", got, err, want)
	}
	if !json.Valid(got) {
		t.Error("output is not valid JSON")
	}
	bad := []ItemType{{Type: "x", Settings: map[string]any{"c": make(chan int)}}}
	out := serveItemInfo(nil, func() ([]ItemType, error) { return bad, nil })
	if want := `{"error":{"code":"internal","message":"tap_item_info: item type x: setting \"c\": settings value of type chan int is not supported"}}`; string(out) != want {
		t.Errorf("unsupported setting: %s, want %s", out, want)
	}
}

func TestReaderStrings(t *testing.T) {
	inputs := []string{
		`"plain"`, `"esc \" \\ \/ \b \f \n \r \t"`, `"\u00e9\u2028"`, `"\ud834\udd1e"`,
		`"\ud834 lone high"`, `"\udd1e lone low"`, `"\ud834\u0041"`, `"ü raw"`,
	}
	for _, in := range inputs {
		var want string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		r := reader{b: []byte(in)}
		got, err := r.string()
		if err != nil || got != want {
			t.Errorf("string(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{`"unterminated`, `"bad \x escape"`, "\"ctrl \x01\"", `"\u12"`, `x`} {
		r := reader{b: []byte(bad)}
		if _, err := r.string(); err == nil {
			t.Errorf("string(%s) succeeded, want error", bad)
		}
	}
}

func TestServeItemViewInput(t *testing.T) {
	var gotHandle uint32
	var gotMode string
	view := func(it Item, mode string) (Element, error) {
		gotHandle, gotMode = uint32(it.(fakeHandle)), mode
		return Text("ok"), nil
	}
	resolve := func(h uint32, _ string) Item { return fakeHandle(h) }
	tests := []struct {
		in, mode string
		handle   uint32
		ok       bool
	}{
		{`{"item":7,"view_mode":"full"}`, "full", 7, true},
		{` { "extra" : {"a":[1,2,{"b":null}],"c":true} , "view_mode":"te\"aser", "item" : 42 } `, `te"aser`, 42, true},
		{`{}`, "", 0, true},
		{`{"item":3,"type":"page","view_mode":"full"}`, "full", 3, true},
		{`{"a":{"b":1,"c":[1,{"d":"e"}],"f":[]},"g":-1.5e3,"h":null,"item":3}`, "", 3, true},
		{`{"item":1,,"view_mode":"full"}`, "", 0, false},
		{`{,"item":1}`, "", 0, false},
		{`{"item":1 "view_mode":"full"}`, "", 0, false},
		{`{"item":"1"}`, "", 0, false},
		{`{"item":-1}`, "", 0, false},
		{`{"item":1`, "", 0, false},
		{`{"item":1} trailing`, "", 0, false},
		{`[]`, "", 0, false},
		{``, "", 0, false},
	}
	for _, tt := range tests {
		gotHandle, gotMode = 0, ""
		out := serveItemView(nil, []byte(tt.in), resolve, view)
		if tt.ok {
			if string(out) != `{"ok":{"type":"text","text":"ok"}}` || gotHandle != tt.handle || gotMode != tt.mode {
				t.Errorf("input %s: out %s handle %d mode %q; want handle %d mode %q", tt.in, out, gotHandle, gotMode, tt.handle, tt.mode)
			}
			continue
		}
		var env struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(out, &env); err != nil || env.Error.Code != "invalid" {
			t.Errorf("input %s: out %s, want an invalid error envelope", tt.in, out)
		}
	}
}

// fakeHandle is an Item that only carries its handle.
type fakeHandle uint32

func (fakeHandle) ID() string                             { return "" }
func (fakeHandle) Type() string                           { return "" }
func (fakeHandle) Title() string                          { return "" }
func (fakeHandle) FieldText(string) string                { return "" }
func (fakeHandle) FieldTextAt(string, int, string) string { return "" }
func (fakeHandle) FieldCount(string) int                  { return 0 }
func (fakeHandle) FieldJSON(string) []byte                { return []byte("[]") }

func TestEnvelopes(t *testing.T) {
	tests := []struct {
		name string
		out  []byte
		want string
	}{
		{"nothing", serveItemView(nil, []byte(`{"item":1}`), func(uint32, string) Item { return fakeHandle(1) },
			func(Item, string) (Element, error) { return Element{}, nil }), `{"ok":null}`},
		{"classified error", serveItemInfo(nil, func() ([]ItemType, error) {
			return nil, Errorf(CodeForbidden, "no %s", "way")
		}), `{"error":{"code":"forbidden","message":"no way"}}`},
		{"plain error is internal", serveRaw(nil, nil, func([]byte) ([]byte, error) {
			return nil, errSyntax
		}), `{"error":{"code":"internal","message":"malformed JSON input"}}`},
		{"unknown code is internal", serveRaw(nil, nil, func([]byte) ([]byte, error) {
			return nil, &Error{Code: "teapot", Message: "m"}
		}), `{"error":{"code":"internal","message":"m"}}`},
		{"raw nil is null", serveRaw(nil, nil, func([]byte) ([]byte, error) { return nil, nil }), `{"ok":null}`},
		{"raw value", serveRaw(nil, []byte(`{"a":1}`), func(in []byte) ([]byte, error) { return in, nil }), `{"ok":{"a":1}}`},
	}
	for _, tt := range tests {
		if string(tt.out) != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, tt.out, tt.want)
		}
	}
}

func TestFastViewInputAgreesWithReader(t *testing.T) {
	inputs := []string{
		`{"item":1,"type":"page","view_mode":"full"}`,
		`{"item":4294967295,"type":"a_much_longer_type_name","view_mode":"teaser"}`,
		`{"item":0,"type":"","view_mode":""}`,
		`{"item":1,"type":"pa\"ge","view_mode":"full"}`,
		`{"item":1,"type":"page","view_mode":"fu\u006cl"}`,
		`{"item":01,"type":"page","view_mode":"full"}`,
		`{"item":4294967296,"type":"page","view_mode":"full"}`,
		`{"item":1,"type":"page","view_mode":"full"} `,
		`{"item":1,"type":"page","view_mode":"full"`,
		`{"item":1,"view_mode":"full","type":"page"}`,
	}
	for _, in := range inputs {
		want, werr := readViewInput([]byte(in))
		fast, ok := fastViewInput(in)
		if ok && (werr != nil || fast != want) {
			t.Errorf("%s: fast path %+v, reader %+v, %v", in, fast, want, werr)
		}
		got, err := decodeViewInput([]byte(in))
		if (err == nil) != (werr == nil) || got != want {
			t.Errorf("%s: decode %+v, %v; reader %+v, %v", in, got, err, want, werr)
		}
	}
}

func TestViewInputStringsDoNotAliasTheInput(t *testing.T) {
	in := []byte(`{"item":1,"type":"zzzz","view_mode":"yyyy"}`)
	v, err := decodeViewInput(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		in[i] = 'x'
	}
	if v.typ != "zzzz" || v.viewMode != "yyyy" {
		t.Errorf("decoded strings changed with the input buffer: %+v", v)
	}
}
