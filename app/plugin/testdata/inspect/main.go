// Command inspect is a test plugin whose tap_item_view returns a list of
// "accessor=result" texts, one per sdk.Item accessor, so host tests can
// check every item host function. Built by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/inspect
package main

import (
	"strconv"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

func view(it sdk.Item, mode string) (sdk.Element, error) {
	entry := func(k, v string) sdk.Element { return sdk.Text(k + "=" + v) }
	return sdk.List(
		entry("mode", mode),
		entry("id", it.ID()),
		entry("type", it.Type()),
		entry("title", it.Title()),
		entry("text", it.FieldText("field_x")),
		entry("text1", it.FieldTextAt("field_x", 1, "value")),
		entry("flag1", it.FieldTextAt("field_x", 1, "flag")),
		entry("obj1", it.FieldTextAt("field_x", 1, "obj")),
		entry("text9", it.FieldTextAt("field_x", 9, "value")),
		entry("count", strconv.Itoa(it.FieldCount("field_x"))),
		entry("count_missing", strconv.Itoa(it.FieldCount("missing"))),
		entry("json", string(it.FieldJSON("field_x"))),
		entry("json_missing", string(it.FieldJSON("missing"))),
	), nil
}
