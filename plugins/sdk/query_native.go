//go:build !wasip1

package sdk

import "encoding/json"

// FakeQuery answers QueryItems in native unit tests; set it to return
// FakeItems. Unset, QueryItems fails.
var FakeQuery func(q Query) ([]Item, error)

// FakeDB answers the DB* functions in native unit tests: op is "select",
// "insert", "update" or "delete", req the request as JSON; it returns the
// ok value as JSON. Unset, the DB functions fail.
var FakeDB func(op string, req []byte) ([]byte, error)

// fakeItems holds the items the last FakeQuery returned, by handle.
var fakeItems []Item

func hostQuery(q []byte) []byte {
	if FakeQuery == nil {
		return nil
	}
	var query Query
	if err := json.Unmarshal(q, &query); err != nil {
		return errEnvelope(err)
	}
	items, err := FakeQuery(query)
	if err != nil {
		return errEnvelope(err)
	}
	fakeItems = items
	handles := make([]int, len(items))
	for i := range items {
		handles[i] = i + 1
	}
	b, _ := json.Marshal(map[string]any{"ok": handles})
	return b
}

func itemHandle(h uint32, typ string) Item {
	if h == 0 || int(h) > len(fakeItems) {
		return FakeItem{ItemType: typ}
	}
	return fakeItems[h-1]
}

func fakeDB(op string) func([]byte) []byte {
	return func(req []byte) []byte {
		if FakeDB == nil {
			return nil
		}
		out, err := FakeDB(op, req)
		if err != nil {
			return errEnvelope(err)
		}
		return append(append([]byte(`{"ok":`), out...), '}')
	}
}

var (
	hostDBSelect = fakeDB("select")
	hostDBInsert = fakeDB("insert")
	hostDBUpdate = fakeDB("update")
	hostDBDelete = fakeDB("delete")
)

func errEnvelope(err error) []byte { return appendError(nil, err) }
