package sdk

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAppendPermissions(t *testing.T) {
	in := []Permission{
		{Name: "promote blog posts", Title: "Promote <blog> posts", Description: "Front \"page\"", Restricted: true},
		{Name: "x"},
	}
	var got []Permission
	out := appendPermissions(nil, in)
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if d := cmp.Diff(in, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	if s := string(appendPermissions(nil, nil)); s != "[]" {
		t.Errorf("no permissions = %s, want []", s)
	}
}
