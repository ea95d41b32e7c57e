package sdk

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestServePresaveSendsOnlyChanges(t *testing.T) {
	in := `{"id":"1","type":"page","title":"Hello","status":true,"fields":{"a":[{"value":"x"}],"b":[{"value":"y"}],"c":[{"value":"z"}]}}`
	out := servePresave(nil, []byte(in), func(it ItemData) (*ItemData, error) {
		it.Title += "!"
		it.Fields["a"][0]["value"] = "X"
		delete(it.Fields, "c")
		return &it, nil
	})
	var env struct {
		OK map[string]json.RawMessage `json:"ok"`
	}
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if string(env.OK["title"]) != `"Hello!"` {
		t.Errorf("title = %s", env.OK["title"])
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(env.OK["fields"], &fields)
	if string(fields["a"]) != `[{"value":"X"}]` || string(fields["c"]) != "null" {
		t.Errorf("fields = %s", env.OK["fields"])
	}
	if _, ok := fields["b"]; ok {
		t.Errorf("unchanged field b sent back: %s", env.OK["fields"])
	}
}

func TestServePresaveUnchanged(t *testing.T) {
	in := []byte(`{"id":"1","type":"page","title":"Hello","status":true}`)
	for _, fn := range []func(ItemData) (*ItemData, error){
		func(ItemData) (*ItemData, error) { return nil, nil },
		func(ItemData) (*ItemData, error) { return nil, ErrUnchanged },
		func(it ItemData) (*ItemData, error) { return &it, nil },
	} {
		if out := string(servePresave(nil, in, fn)); out != `{"ok":null}` {
			t.Errorf("got %s, want null", out)
		}
	}
	if out := string(servePresave(nil, []byte("{"), func(it ItemData) (*ItemData, error) { return nil, nil })); !strings.Contains(out, `"invalid"`) {
		t.Errorf("bad input: %s", out)
	}
}

func TestServeEvents(t *testing.T) {
	var got []string
	out := serveItemEvent(nil, []byte(`{"event":"insert","id":"7","type":"page","title":"T","status":true}`), func(ev string, it ItemData) error {
		got = append(got, ev+" "+it.ID+" "+it.Type+" "+it.Title)
		return nil
	})
	if string(out) != `{"ok":null}` {
		t.Errorf("item event: %s", out)
	}
	out = serveUserEvent(nil, []byte(`{"event":"login","id":"u1","name":"ann"}`), func(ev string, u UserData) error {
		got = append(got, ev+" "+u.ID+" "+u.Name)
		return Errorf(CodeInternal, "boom")
	})
	if !strings.Contains(string(out), `"error"`) {
		t.Errorf("user event error not reported: %s", out)
	}
	if strings.Join(got, "|") != "insert 7 page T|login u1 ann" {
		t.Errorf("got %q", got)
	}
}

func TestServeViewAlterRoundTrip(t *testing.T) {
	in := `{"item":{"id":"1","type":"page","title":"T","status":true},"view_mode":"full","element":` +
		`{"type":"container","classes":["item"],"children":[{"type":"field","label":"L","children":[{"type":"text","text":"v"}]},{"type":"link","text":"a","href":"/x","attributes":{"rel":"nofollow"}}]}}`
	out := serveViewAlter(nil, []byte(in), func(it ItemData, mode string, el *Element) error {
		if it.Title != "T" || mode != "full" {
			t.Errorf("item %+v mode %q", it, mode)
		}
		el.Children = append(el.Children, Text("added"))
		return nil
	})
	want := `{"ok":{"type":"container","classes":["item"],"children":[{"type":"field","label":"L","children":[{"type":"text","text":"v"}]},` +
		`{"type":"link","attributes":{"rel":"nofollow"},"text":"a","href":"/x"},{"type":"text","text":"added"}]}}`
	var a, b any
	_ = json.Unmarshal(out, &a)
	_ = json.Unmarshal([]byte(want), &b)
	if ja, _ := json.Marshal(a); string(ja) != mustJSON(t, b) {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	out = serveViewAlter(nil, []byte(in), func(ItemData, string, *Element) error { return ErrUnchanged })
	if string(out) != `{"ok":null}` {
		t.Errorf("unchanged: %s", out)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
