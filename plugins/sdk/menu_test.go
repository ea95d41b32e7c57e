//go:build !wasip1

package sdk

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestServePageEncodesTitleAndContent(t *testing.T) {
	out, err := servePage([]byte(`{"path":"/x/1","route":"/x/{id}","args":{"id":"1"},"query":{},"account":{"name":"ann"}}`),
		func(req PageRequest) (Page, error) {
			return Page{Title: "Item " + req.Args["id"], Content: Text("for " + req.Account.Name)}, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"title":"Item 1","content":{"type":"text","text":"for ann"}}`; string(out) != want {
		t.Errorf("page = %s, want %s", out, want)
	}
	if _, err := servePage([]byte(`{}`), func(PageRequest) (Page, error) { return Page{}, nil }); err == nil {
		t.Error("a page without content was accepted")
	}
}

func TestServePreprocessAdditions(t *testing.T) {
	in := []byte(`{"element":"item","suggestions":["item__blog","item__blog__full"],"item":3,"type":"blog","view_mode":"full","classes":["item"]}`)
	var gotHandle uint32
	item := func(h uint32, typ string) Item { gotHandle = h; return FakeItem{ItemType: typ, ItemTitle: "T"} }
	out, err := servePreprocess(in, item, func(p PreprocessInput) (Additions, error) {
		if !p.Suggests("item__blog__full") || p.Item.Title() != "T" || p.ViewMode != "full" {
			t.Errorf("input = %+v", p)
		}
		return Additions{Classes: []string{"a"}, Attributes: map[string]string{"data-x": "1"}, Children: []Element{{}, Text("c")}}, nil
	})
	if err != nil || gotHandle != 3 {
		t.Fatalf("err %v, handle %d", err, gotHandle)
	}
	if want := `{"classes":["a"],"attributes":{"data-x":"1"},"children":[{"type":"text","text":"c"}]}`; string(out) != want {
		t.Errorf("additions = %s, want %s", out, want)
	}
	out, err = servePreprocess(in, item, func(PreprocessInput) (Additions, error) { return Additions{}, nil })
	if err != nil || out != nil {
		t.Errorf("empty additions = %s, %v; want nil (null)", out, err)
	}
}

func TestHostResultDecodesEnvelopes(t *testing.T) {
	var v []int
	if err := hostResult([]byte(`{"ok":[1,2]}`), &v); err != nil || len(v) != 2 {
		t.Errorf("ok: %v %v", v, err)
	}
	err := hostResult([]byte(`{"error":{"code":"not_found","message":"no table"}}`), &v)
	if e, ok := err.(*Error); !ok || e.Code != CodeNotFound || e.Message != "no table" {
		t.Errorf("error envelope = %#v", err)
	}
	if err := hostResult(nil, &v); err == nil || !strings.Contains(err.Error(), "capability") {
		t.Errorf("empty answer = %v", err)
	}
}

func TestFakeDBAndFakeQuery(t *testing.T) {
	FakeDB = func(op string, req []byte) ([]byte, error) {
		var r map[string]any
		_ = json.Unmarshal(req, &r)
		if op != "insert" || r["table"] != "t" {
			return nil, Errorf(CodeInvalid, "unexpected %s %s", op, req)
		}
		return []byte(`{"id":1}`), nil
	}
	FakeQuery = func(q Query) ([]Item, error) { return []Item{FakeItem{ItemTitle: "q"}}, nil }
	t.Cleanup(func() { FakeDB, FakeQuery = nil, nil })
	row, err := DBInsert("t", map[string]any{"a": 1})
	if err != nil || row["id"] != float64(1) {
		t.Errorf("DBInsert = %v, %v", row, err)
	}
	if _, err := DBDelete("t", Where("a", "=", 1)); err == nil {
		t.Error("FakeDB error not passed on")
	}
	items, err := QueryItems(Query{Types: []string{"x"}, Limit: 1})
	if err != nil || len(items) != 1 || items[0].Title() != "q" {
		t.Errorf("QueryItems = %v, %v", items, err)
	}
}
