package sdk

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fptr(v float64) *float64 { return &v }

// everyMember is a form using every element member.
func everyMember() *Form {
	return &Form{ID: "item_add_blog", Elements: []*FormElement{
		{Key: "title", Type: FormTypeTextField, Label: `Ti"tle <b>`, Description: "d\n\u2028é", Placeholder: "p",
			Required: true, Disabled: true, NoAccess: true, Weight: -3, Value: "v", MaxLength: 255,
			Attributes: map[string]string{"data-b": "2", "data-a": "1"}, Error: "bad", AutocompletePath: "/x"},
		{Key: "n", Type: FormTypeNumber, Min: fptr(-1.5), Max: fptr(1e21), Step: "0.01"},
		{Key: "kind", Type: FormTypeSelect, Multiple: true, Values: []string{"a", ""}, Options: []FormOption{{"a", "A"}, {"b", "B"}}},
		{Key: "body", Type: FormTypeTextArea, Rows: 5},
		{Key: "more", Type: FormTypeDetails, Open: true, Children: []*FormElement{
			{Key: "note", Type: FormTypeMarkup, Markup: "<p>hi</p>"},
			{Key: "field_x", Type: FormTypeMultiValue, Children: []*FormElement{
				{Key: "field_x.0.value", Type: FormTypeTextField},
				{Key: "field_x_add", Type: FormTypeButton, Op: "add:field_x", Wrapper: "field_x"},
			}},
		}},
		{Key: "actions", Type: FormTypeActions, Children: []*FormElement{{Key: "op", Type: FormTypeSubmit, Label: "Save"}}},
	}}
}

// goldenWire is app/plugin's goldenWire: the host encodes its form.Element
// version of goldenForm to the same bytes.
const goldenWire = "54465731" + "010100000066" + "0285000000" +
	"010100000067" + "02080000006669656c6473657403010000004706010000000109080000" +
	"00ffffffffffffffff" + "0b09000000010000006100000000" +
	"0d08000000000000000000e03f" + "120a0000000100000076010000004c" +
	"130f00000006000000646174612d780100000031" +
	"1a15000000010100000063020900000074657874666965" + "6c6400" + "00"

func goldenForm() *Form {
	return &Form{ID: "f", Elements: []*FormElement{{
		Key: "g", Type: FormTypeFieldset, Label: "G", Required: true, Weight: -1, Min: fptr(0.5),
		Values: []string{"a", ""}, Options: []FormOption{{Value: "v", Label: "L"}},
		Attributes: map[string]string{"data-x": "1"},
		Children:   []*FormElement{{Key: "c", Type: FormTypeTextField}},
	}}}
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFormWireGolden(t *testing.T) {
	if got := hex.EncodeToString(appendFormWire(nil, goldenForm())); got != goldenWire {
		t.Errorf("appendFormWire =\n%s\nwant\n%s", got, goldenWire)
	}
	f, err := readFormWire(mustHex(t, goldenWire))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(goldenForm(), f, cmp.AllowUnexported(Form{}, FormElement{})); diff != "" {
		t.Errorf("readFormWire (-want +got):\n%s", diff)
	}
}

func TestFormWireRoundTrip(t *testing.T) {
	want := everyMember()
	in := appendFormWire(nil, want)
	f, err := readFormWire(in)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, f, cmp.AllowUnexported(Form{}, FormElement{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for i := range in {
		in[i] = 0 // decoded strings must not alias the input buffer
	}
	if f.Elements[0].Label != `Ti"tle <b>` {
		t.Errorf("decoded strings changed with the input: %q", f.Elements[0].Label)
	}
	if id, err := readFormIDWire(appendFormWire(nil, want)); err != nil || id != "item_add_blog" {
		t.Errorf("readFormIDWire = %q, %v", id, err)
	}
}

// TestFormWireKeepsUnknownFields: fields of a newer kernel survive.
func TestFormWireKeepsUnknownFields(t *testing.T) {
	unknown := []byte{99, 2, 0, 0, 0, 'h', 'i'}
	b := mustHex(t, goldenWire)
	// Insert an unknown field first in element g (after the elements
	// header, fixing its length) and one after the form's fields.
	hdr := len("TFW1") + 6
	el := append(append(append([]byte{}, b[:hdr+5]...), unknown...), b[hdr+5:]...)
	putU32(el, hdr+1, int(le32(el, hdr+1))+len(unknown))
	in := append(el, unknown...)
	f, err := readFormWire(in)
	if err != nil {
		t.Fatal(err)
	}
	if f.Elements[0].Key != "g" || f.Elements[0].Children[0].Key != "c" {
		t.Fatalf("decoded %+v", f.Elements[0])
	}
	f.Elements[0].Label = "changed"
	out := appendFormWire(nil, f)
	back, err := readFormWire(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.extra) != string(unknown) || string(back.Elements[0].extra) != string(unknown) || back.Elements[0].Label != "changed" {
		t.Errorf("unknown fields lost: form %q element %q", back.extra, back.Elements[0].extra)
	}
}

func TestReadFormWireRejectsMalformedInput(t *testing.T) {
	valid := mustHex(t, goldenWire)
	for i := len("TFW1") + 7; i < len(valid); i++ {
		if f, err := readFormWire(valid[:i]); err == nil {
			t.Errorf("truncated at %d: %+v, want an error", i, f)
		}
	}
	for _, in := range []string{"", "{}", "TFW", "TFW2"} {
		if _, err := readFormWire([]byte(in)); err == nil {
			t.Errorf("readFormWire(%q) succeeded", in)
		}
	}
	bad := append([]byte("TFW1"), 2, 6, 0, 0, 0, byte(wireWeight), 1, 0, 0, 0, 7) // weight of 1 byte
	if _, err := readFormWire(bad); err == nil {
		t.Error("a short integer decoded")
	}
}

// sample is a small form for the helpers.
func sample() *Form {
	el := func(key, typ string, weight int, children ...*FormElement) *FormElement {
		return &FormElement{Key: key, Type: typ, Weight: weight, Children: children}
	}
	return &Form{ID: "t", Elements: []*FormElement{
		el("title", FormTypeTextField, 1),
		el("group", FormTypeFieldset, 2, el("a", FormTypeTextField, 0), el("b", FormTypeTextField, 5)),
		el("body", FormTypeTextArea, 3),
		el("actions", FormTypeActions, 9, el("op", FormTypeSubmit, 0)),
	}}
}

// layout renders keys and weights, nested ones in brackets.
func layout(els []*FormElement) string {
	var parts []string
	for _, e := range els {
		s := e.Key + ":" + strings.Repeat("+", max(e.Weight, 0))
		if len(e.Children) > 0 {
			s += "[" + layout(e.Children) + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestFormHelpers(t *testing.T) {
	tests := []struct {
		name string
		edit func(f *Form) bool
		ok   bool
		want string
	}{
		{"find nested", func(f *Form) bool { return f.Find("b") != nil && f.Find("nope") == nil }, true,
			"title:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op:]"},
		{"remove nested", func(f *Form) bool { return f.Remove("a") }, true,
			"title:+ group:++[b:+++++] body:+++ actions:+++++++++[op:]"},
		{"remove container", func(f *Form) bool { return f.Remove("group") }, true,
			"title:+ body:+++ actions:+++++++++[op:]"},
		{"remove missing", func(f *Form) bool { return f.Remove("nope") }, false,
			"title:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op:]"},
		{"insert after, taking the weight", func(f *Form) bool {
			return f.InsertAfter("title", &FormElement{Key: "new", Type: FormTypeMarkup, Weight: 7})
		}, true, "title:+ new:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op:]"},
		{"insert before nested", func(f *Form) bool {
			return f.InsertBefore("b", &FormElement{Key: "new", Type: FormTypeMarkup})
		}, true, "title:+ group:++[a: new:+++++ b:+++++] body:+++ actions:+++++++++[op:]"},
		{"insert after last nested", func(f *Form) bool {
			return f.InsertAfter("op", &FormElement{Key: "cancel", Type: FormTypeButton})
		}, true, "title:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op: cancel:]"},
		{"insert nil", func(f *Form) bool { return f.InsertAfter("title", nil) }, false,
			"title:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op:]"},
		{"insert at missing", func(f *Form) bool { return f.InsertBefore("nope", &FormElement{Key: "x"}) }, false,
			"title:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op:]"},
		{"move up", func(f *Form) bool { return f.Move("body", "title") }, true,
			"title:+ body:+ group:++[a: b:+++++] actions:+++++++++[op:]"},
		{"move down", func(f *Form) bool { return f.Move("title", "body") }, true,
			"group:++[a: b:+++++] body:+++ title:+++ actions:+++++++++[op:]"},
		{"move out of a container", func(f *Form) bool { return f.Move("b", "title") }, true,
			"title:+ b:+ group:++[a:] body:+++ actions:+++++++++[op:]"},
		{"move into a container", func(f *Form) bool { return f.Move("body", "a") }, true,
			"title:+ group:++[a: body: b:+++++] actions:+++++++++[op:]"},
		{"move before", func(f *Form) bool { return f.MoveBefore("actions", "title") }, true,
			"actions:+[op:] title:+ group:++[a: b:+++++] body:+++"},
		{"move after itself", func(f *Form) bool { return f.Move("body", "body") }, false,
			"title:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op:]"},
		{"move into its own child", func(f *Form) bool { return f.Move("group", "a") }, false,
			"title:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op:]"},
		{"move missing", func(f *Form) bool { return f.Move("nope", "title") || f.Move("title", "nope") }, false,
			"title:+ group:++[a: b:+++++] body:+++ actions:+++++++++[op:]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := sample()
			if ok := tt.edit(f); ok != tt.ok {
				t.Errorf("ok = %v, want %v", ok, tt.ok)
			}
			if got := layout(f.Elements); got != tt.want {
				t.Errorf("layout\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestFindPrefixIsOutermost(t *testing.T) {
	f := &Form{Elements: []*FormElement{
		{Key: "field_summary_x"},
		{Key: "wrap", Children: []*FormElement{{Key: "field_summary", Children: []*FormElement{{Key: "field_summary.0.value"}}}}},
	}}
	if e := f.FindPrefix("field_summary"); e == nil || e.Key != "field_summary" {
		t.Errorf("FindPrefix = %+v, want the wrapper", e)
	}
	f.Elements[1].Children[0].Key = "other"
	if e := f.FindPrefix("field_summary"); e == nil || e.Key != "field_summary.0.value" {
		t.Errorf("FindPrefix = %+v, want the delta input", e)
	}
}

func TestServeFormAlter(t *testing.T) {
	in := appendFormWire(nil, &Form{ID: "f", Elements: []*FormElement{{Key: "a", Type: FormTypeTextField}}})
	altered := string(appendFormWire(nil, &Form{ID: "f", Elements: []*FormElement{{Key: "a", Type: FormTypeTextField, Label: "L"}}}))
	other := appendFormWire(nil, &Form{ID: "g", Elements: []*FormElement{{Key: "a", Type: FormTypeTextField}}})
	broken := append(other[:len(other):len(other)], 7, 9, 9, 9) // a truncated trailing field
	label := func(f *Form) error { f.Elements[0].Label = "L"; return nil }
	isF := func(id string) bool { return id == "f" }
	tests := []struct {
		name  string
		in    []byte
		match func(string) bool
		fn    func(*Form) error
		want  string
	}{
		{"altered", in, nil, label, altered},
		{"unchanged", in, nil, func(*Form) error { return ErrUnchanged }, `{"ok":null}`},
		{"wrapped unchanged", in, nil, func(*Form) error { return errors.Join(ErrUnchanged) }, `{"ok":null}`},
		{"error", in, nil, func(*Form) error { return Errorf(CodeForbidden, "no") }, `{"error":{"code":"forbidden","message":"no"}}`},
		{"bad input", []byte(`{"id":"f"}`), nil, label,
			`{"error":{"code":"invalid","message":"tap_form_alter input: malformed form encoding"}}`},
		{"matched", in, isF, label, altered},
		{"not matched, not decoded", broken, isF, label, `{"ok":null}`},
	}
	for _, tt := range tests {
		if got := string(serveFormAlter(nil, tt.in, tt.match, tt.fn)); got != tt.want {
			t.Errorf("%s: %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestServeFormValidateAndSubmit(t *testing.T) {
	in := []byte(`{"form_id":"f","values":{"title":["T\"1"],"tags":["a","b"],"none":null,"empty":[]},"result":{"item_id":"42"}}`)
	var gotID string
	var gotValues map[string][]string
	var gotResult map[string]string
	validate := func(id string, v map[string][]string) (map[string]string, error) {
		gotID, gotValues = id, v
		if v["title"][0] == "ok" {
			return nil, nil
		}
		return map[string]string{"title": "Bad <title>.", "tags": "x"}, nil
	}
	out := serveFormValidate(nil, in, validate)
	if want := `{"ok":{"tags":"x","title":"Bad \u003ctitle\u003e."}}`; string(out) != want {
		t.Errorf("validate: %s, want %s", out, want)
	}
	wantValues := map[string][]string{"title": {`T"1`}, "tags": {"a", "b"}, "none": nil, "empty": nil}
	if gotID != "f" || !reflect.DeepEqual(gotValues, wantValues) {
		t.Errorf("validate got %q %#v, want f %#v", gotID, gotValues, wantValues)
	}
	if out := serveFormValidate(nil, []byte(`{"form_id":"f","values":{"title":["ok"]}}`), validate); string(out) != `{"ok":null}` {
		t.Errorf("no messages: %s, want null", out)
	}
	if out := serveFormValidate(nil, []byte(`{"form_id":"f","values":{"title":"x"}}`), validate); !strings.Contains(string(out), `"code":"invalid"`) {
		t.Errorf("bad values: %s, want an invalid envelope", out)
	}
	submit := func(id string, v map[string][]string, r map[string]string) error {
		gotID, gotValues, gotResult = id, v, r
		return nil
	}
	if out := serveFormSubmit(nil, in, submit); string(out) != `{"ok":null}` || gotResult["item_id"] != "42" || gotValues["tags"][1] != "b" {
		t.Errorf("submit: %s, result %v values %v", out, gotResult, gotValues)
	}
	if out := serveFormSubmit(nil, []byte(`{"form_id":"f"}`), submit); string(out) != `{"ok":null}` || gotValues == nil || gotResult == nil {
		t.Errorf("submit without values: %s, values %v result %v; want empty maps", out, gotValues, gotResult)
	}
	failing := func(string, map[string][]string, map[string]string) error { return errors.New("boom") }
	if out := serveFormSubmit(nil, in, failing); string(out) != `{"error":{"code":"internal","message":"boom"}}` {
		t.Errorf("failing submit: %s", out)
	}
}
