package plugin

import (
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/form"
)

// goldenForm and goldenWire pin the binary layout; plugins/sdk's
// TestFormWireGolden encodes the same form to the same bytes.
func goldenForm() (string, []*form.Element) {
	half := 0.5
	return "f", []*form.Element{{
		Key: "g", Type: form.Fieldset, Label: "G", Required: true, Weight: -1, Min: &half,
		Values: []string{"a", ""}, Options: []form.Option{{Value: "v", Label: "L"}},
		Attributes: map[string]string{"data-x": "1"},
		Children:   []*form.Element{{Key: "c", Type: form.TextField}},
	}}
}

const goldenWire = "54465731" + "010100000066" + "0285000000" + // magic, id "f", elements (133 bytes)
	"010100000067" + "02080000006669656c6473657403010000004706010000000109080000" + // key g, type, label, required
	"00ffffffffffffffff" + "0b09000000010000006100000000" + // weight -1, values ["a", ""]
	"0d08000000000000000000e03f" + "120a0000000100000076010000004c" + // min 0.5, options
	"130f00000006000000646174612d780100000031" + // attributes
	"1a15000000010100000063020900000074657874666965" + "6c6400" + "00" // children [c], end of c, end of g

func TestFormWireGolden(t *testing.T) {
	id, els := goldenForm()
	got := hex.EncodeToString(encodeFormWire(id, els))
	if got != goldenWire {
		t.Errorf("encodeFormWire =\n%s\nwant\n%s", got, goldenWire)
	}
}

func TestFormWireRoundTrip(t *testing.T) {
	f := form50()
	f.Elements[0].Attributes = map[string]string{"data-a": "1", "data-b": "ünï"}
	f.Elements[0].Values = []string{"x", "", "y"}
	f.Elements[0].Disabled, f.Elements[0].NoAccess, f.Elements[0].Multiple, f.Elements[0].Open = true, true, true, true
	f.Elements[0].Weight, f.Elements[0].Error, f.Elements[0].Placeholder = -7, "err", "ph"
	id, els, err := decodeFormWire(encodeFormWire(f.ID, f.Elements))
	if err != nil {
		t.Fatal(err)
	}
	if id != f.ID {
		t.Errorf("id %q, want %q", id, f.ID)
	}
	if diff := cmp.Diff(f.Elements, els); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestDecodeFormWireRefusesMalformedInput(t *testing.T) {
	valid := encodeFormWire(goldenForm())
	for i := len("TFW1\x01\x01\x00\x00\x00f") + 1; i < len(valid); i++ { // shorter prefixes are valid, empty forms
		if _, _, err := decodeFormWire(valid[:i]); err == nil {
			t.Errorf("truncated at %d decoded without error", i)
		}
	}
	if _, _, err := decodeFormWire([]byte(`{"ok":null}`)); err == nil {
		t.Error("an envelope decoded as a form")
	}
	deep := &form.Element{Key: "x", Type: form.Fieldset}
	for range maxFormDepth + 2 {
		deep = &form.Element{Key: "x", Type: form.Fieldset, Children: []*form.Element{deep}}
	}
	if _, _, err := decodeFormWire(encodeFormWire("f", []*form.Element{deep})); err == nil {
		t.Error("a form nested too deeply decoded")
	}
	bad := encodeFormWire("f", []*form.Element{{Key: "k\xff", Type: form.TextField}})
	if _, els, err := decodeFormWire(bad); err != nil || els[0].Key != "k\uFFFD" {
		t.Errorf("invalid UTF-8: %+v, %v; want it repaired", els, err)
	}
}
