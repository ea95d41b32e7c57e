// Command bench is the full-serialization benchmark plugin: tap_transform
// receives a whole item as JSON, decodes it with encoding/json, changes it
// and encodes it again. Built by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/bench
package main

import (
	"encoding/json"
	"strings"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_transform
func tapTransform(p, n uint32) uint64 { return sdk.RawTap(p, n, transform) }

// item is the shape of the serialized item.
type item struct {
	ID     string                      `json:"id"`
	Type   string                      `json:"type"`
	Title  string                      `json:"title"`
	Status bool                        `json:"status"`
	Fields map[string][]map[string]any `json:"fields"`
}

// transform upper-cases the title and appends a tag.
func transform(in []byte) ([]byte, error) {
	var it item
	if err := json.Unmarshal(in, &it); err != nil {
		return nil, sdk.Errorf(sdk.CodeInvalid, "decode item: %v", err)
	}
	it.Title = strings.ToUpper(it.Title)
	it.Fields["field_tags"] = append(it.Fields["field_tags"], map[string]any{"value": "transformed"})
	return json.Marshal(it)
}
