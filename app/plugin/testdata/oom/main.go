// Command oom is a hostile test plugin whose tap_item_view allocates until
// the host's memory cap in the "hostile" view mode and adds nothing
// otherwise. Built by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/oom
package main

import "github.com/trovato/trovato/plugins/sdk"

func main() {}

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

// hoard keeps every allocation reachable.
var hoard [][]byte

func view(_ sdk.Item, mode string) (sdk.Element, error) {
	if mode == "hostile" {
		for {
			b := make([]byte, 1<<20)
			b[len(b)-1] = 1
			hoard = append(hoard, b)
		}
	}
	return sdk.Element{}, nil
}
