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

func TestCronCountsRuns(t *testing.T) {
	sdk.NativeReset() // the SDK's in-memory stand-in for the host's variables
	for range 2 {
		if err := cron(sdk.CronInput{}); err != nil {
			t.Fatal(err)
		}
	}
	var runs int
	if ok, err := sdk.GetVariable("cron_runs", &runs); !ok || err != nil || runs != 2 {
		t.Errorf("cron_runs = %d (set %v, err %v), want 2", runs, ok, err)
	}
}
