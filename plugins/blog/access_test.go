//go:build !wasip1

package main

import (
	"testing"

	"github.com/trovato/trovato/plugins/sdk"
)

func TestAccessGrantsEditOwnBlog(t *testing.T) {
	own := sdk.AccessItem{Item: sdk.FakeItem{ItemType: "blog"}, AuthorID: "u1"}
	amy := sdk.Account{ID: "u1", Name: "amy", Authenticated: true}
	bob := sdk.Account{ID: "u2", Name: "bob", Authenticated: true}
	for _, tc := range []struct {
		name string
		op   string
		it   sdk.AccessItem
		acct sdk.Account
		want sdk.AccessResult
	}{
		{"author updates", sdk.OpUpdate, own, amy, sdk.Allow},
		{"author deletes", sdk.OpDelete, own, amy, sdk.Allow},
		{"author views: roles decide", sdk.OpView, own, amy, sdk.Neutral},
		{"someone else", sdk.OpUpdate, own, bob, sdk.Neutral},
		{"anonymous", sdk.OpUpdate, own, sdk.Account{}, sdk.Neutral},
		{"a page", sdk.OpUpdate, sdk.AccessItem{Item: sdk.FakeItem{ItemType: "page"}, AuthorID: "u1"}, amy, sdk.Neutral},
	} {
		got, err := access(tc.op, tc.it, tc.acct)
		if err != nil || got != tc.want {
			t.Errorf("%s: %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}
