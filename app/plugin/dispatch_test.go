package plugin

import (
	"encoding/json"
	"testing"
)

func TestViewInputIsValidJSON(t *testing.T) {
	for _, s := range []string{"page", "", `we"ird\ <&> é` + "\n"} {
		in := viewInput(7, s, s)
		var v struct {
			Item     uint32 `json:"item"`
			Type     string `json:"type"`
			ViewMode string `json:"view_mode"`
		}
		if err := json.Unmarshal(in, &v); err != nil || v.Item != 7 || v.Type != s || v.ViewMode != s {
			t.Errorf("viewInput(%q) = %s: %+v, %v", s, in, v, err)
		}
	}
}
