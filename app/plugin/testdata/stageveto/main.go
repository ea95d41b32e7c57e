// Command stageveto is a test plugin for tap_stage_publish: it vetoes
// publishing a stage whose label contains "Blocked" and allows the others.
// Built by the app/server tests with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/stageveto
package main

import (
	"strings"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_stage_publish
func tapStagePublish(p, n uint32) uint64 { return sdk.StagePublish(p, n, check) }

func check(in sdk.StagePublishInput) error {
	if strings.Contains(in.Label, "Blocked") {
		return sdk.Errorf(sdk.CodeInvalid, "stage %s (%d items to %s) is blocked", in.Label, len(in.Items), in.Target)
	}
	return nil
}
