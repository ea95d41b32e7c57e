// Command crashy is a hostile test plugin for the server tests: its
// tap_item_view panics on items titled "panic …", never returns on items
// titled "loop …", and adds a marker element to every other item.
// Built by the tests with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/server/testdata/crashy
package main

import (
	"strings"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

var sink int

func view(it sdk.Item, _ string) (sdk.Element, error) {
	title := it.Title()
	switch {
	case strings.HasPrefix(title, "panic"):
		panic("crashy: " + title)
	case strings.HasPrefix(title, "loop"):
		for i := 0; ; i++ {
			sink = i
		}
	}
	return sdk.Text("crashy was here").WithClass("crashy"), nil
}
