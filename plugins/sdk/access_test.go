//go:build !wasip1

package sdk

import (
	"strings"
	"testing"
)

func TestServeItemAccess(t *testing.T) {
	in := []byte(`{"op":"update","item":1,"type":"blog","author":"u1","account":{"id":"u1","name":"amy","roles":["authenticated"],"authenticated":true}}`)
	item := func(h uint32, typ string) Item { return FakeItem{ItemType: typ} }
	for _, tc := range []struct {
		res  AccessResult
		want string
	}{{Allow, `{"ok":"allow"}`}, {Deny, `{"ok":"deny"}`}, {Neutral, `{"ok":null}`}} {
		got := string(serveItemAccess(nil, in, item, func(op string, it AccessItem, acct Account) (AccessResult, error) {
			if op != OpUpdate || it.Type() != "blog" || it.AuthorID != "u1" || acct.Name != "amy" {
				t.Fatalf("decoded op=%s type=%s author=%s acct=%+v", op, it.Type(), it.AuthorID, acct)
			}
			return tc.res, nil
		}))
		if got != tc.want {
			t.Errorf("%s: %s, want %s", tc.res, got, tc.want)
		}
	}
	if got := string(serveItemAccess(nil, []byte(`{`), item, nil)); !strings.Contains(got, `"invalid"`) {
		t.Errorf("bad input: %s", got)
	}
}
