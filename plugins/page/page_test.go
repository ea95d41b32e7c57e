//go:build !wasip1

package main

import (
	"reflect"
	"testing"

	"github.com/trovato/trovato/plugins/sdk"
)

func TestInfoDefinesPage(t *testing.T) {
	types, err := info()
	if err != nil {
		t.Fatal(err)
	}
	if len(types) != 1 || types[0].Type != "page" || types[0].Label != "Basic page" {
		t.Fatalf("info() = %+v, want one type page labelled Basic page", types)
	}
	want := []sdk.Field{{Name: "field_subtitle", Type: "text", Label: "Subtitle", Cardinality: 1}}
	if !reflect.DeepEqual(types[0].Fields, want) {
		t.Errorf("fields = %+v, want %+v", types[0].Fields, want)
	}
}

func TestView(t *testing.T) {
	withSubtitle := sdk.FakeItem{
		ItemID: "0190a3c4-0000-7000-8000-000000000001", ItemType: "page", ItemTitle: "About us",
		Fields: map[string][]map[string]any{"field_subtitle": {{"value": "Who we are"}}},
	}
	noSubtitle := sdk.FakeItem{ItemType: "page", ItemTitle: "Contact"}
	tests := []struct {
		name string
		item sdk.FakeItem
		mode string
		want sdk.Element
	}{
		{
			name: "full view shows the subtitle",
			item: withSubtitle, mode: "full",
			want: sdk.Container(sdk.Text("Who we are").WithClass("page-subtitle")).WithClass("page"),
		},
		{
			name: "full view without subtitle is an empty container",
			item: noSubtitle, mode: "full",
			want: sdk.Container().WithClass("page"),
		},
		{
			name: "teaser adds the title as a heading",
			item: withSubtitle, mode: "teaser",
			want: sdk.Container(
				sdk.Heading(2, "About us").WithClass("page-title"),
				sdk.Text("Who we are").WithClass("page-subtitle"),
			).WithClass("page"),
		},
		{
			name: "other item types get nothing",
			item: sdk.FakeItem{ItemType: "blog", ItemTitle: "Post"}, mode: "full",
			want: sdk.Element{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := view(tt.item, tt.mode)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("view() = %+v\nwant     %+v", got, tt.want)
			}
		})
	}
}
