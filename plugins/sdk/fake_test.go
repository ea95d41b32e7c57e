//go:build !wasip1

package sdk

import "testing"

func TestFakeItem(t *testing.T) {
	it := FakeItem{ItemID: "id", ItemType: "page", ItemTitle: "T", Fields: map[string][]map[string]any{
		"field_x": {{"value": "a"}, {"value": 2.5, "flag": true, "obj": map[string]any{"k": "v"}}},
	}}
	tests := []struct{ got, want string }{
		{it.ID() + it.Type() + it.Title(), "idpageT"},
		{it.FieldText("field_x"), "a"},
		{it.FieldTextAt("field_x", 1, "value"), "2.5"},
		{it.FieldTextAt("field_x", 1, "flag"), "true"},
		{it.FieldTextAt("field_x", 1, "obj"), `{"k":"v"}`},
		{it.FieldTextAt("field_x", 2, "value"), ""},
		{it.FieldTextAt("field_x", -1, "value"), ""},
		{it.FieldText("missing"), ""},
		{string(it.FieldJSON("missing")), "[]"},
		{string(it.FieldJSON("field_x")), `[{"value":"a"},{"flag":true,"obj":{"k":"v"},"value":2.5}]`},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
	if n := it.FieldCount("field_x"); n != 2 {
		t.Errorf("FieldCount = %d, want 2", n)
	}
}
