//go:build !wasip1

package main

import (
	"reflect"
	"testing"

	"github.com/trovato/trovato/plugins/sdk"
)

func TestViewGreetsFullPages(t *testing.T) {
	got, err := view(sdk.FakeItem{ItemType: "page", ItemTitle: "About us"}, "full")
	if err != nil {
		t.Fatal(err)
	}
	if want := sdk.Text("Hello from a plugin").WithClass("hello"); !reflect.DeepEqual(got, want) {
		t.Errorf("view() = %+v, want %+v", got, want)
	}
}

func TestViewLeavesTeasersAlone(t *testing.T) {
	got, err := view(sdk.FakeItem{ItemType: "page", ItemTitle: "About us"}, "teaser")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sdk.Element{}) {
		t.Errorf("view() = %+v, want nothing", got)
	}
}
