package sdk

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestServeStagePublish(t *testing.T) {
	in := []byte(`{"stage":"spring","label":"Spring campaign","target":"live","items":["0b6f3c3e-2f1a-4d8e-9a51-1f0e2d3c4b5a"]}`)
	var got StagePublishInput
	out := serveStagePublish(nil, in, func(sp StagePublishInput) error { got = sp; return nil })
	if string(out) != `{"ok":null}` {
		t.Errorf("allow = %s, want null", out)
	}
	if got.Stage != "spring" || got.Label != "Spring campaign" || got.Target != "live" ||
		len(got.Items) != 1 || got.Items[0] != "0b6f3c3e-2f1a-4d8e-9a51-1f0e2d3c4b5a" {
		t.Errorf("input = %+v", got)
	}

	out = serveStagePublish(nil, in, func(StagePublishInput) error {
		return Errorf(CodeInvalid, "not before %s", "Monday")
	})
	var env struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if env.Error.Code != "invalid" || env.Error.Message != "not before Monday" {
		t.Errorf("veto = %s", out)
	}

	if out := string(serveStagePublish(nil, []byte("{"), func(StagePublishInput) error { return nil })); !strings.Contains(out, `"invalid"`) {
		t.Errorf("bad input: %s", out)
	}
}
