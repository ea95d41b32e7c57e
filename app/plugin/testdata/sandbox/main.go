// Command sandbox is a hostile test plugin for the sandbox limits. Its
// tap_item_view answers a ~4 MiB element in the "bigout" view mode, logs
// (a host call the test makes block) in the "block" view mode, and adds
// nothing otherwise; tap_cron and the page callback tap_page_spin
// busy-wait for the milliseconds their input names, to exercise per-tap
// and per-kind deadlines. Built by TestMain with
// GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared ./app/plugin/testdata/sandbox
package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/trovato/trovato/plugins/sdk"
)

func main() {}

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

//go:wasmexport tap_cron
func tapCron(p, n uint32) uint64 { return sdk.RawTap(p, n, cron) }

//go:wasmexport tap_page_spin
func tapPageSpin(p, n uint32) uint64 { return sdk.RawTap(p, n, cron) }

func view(_ sdk.Item, mode string) (sdk.Element, error) {
	switch mode {
	case "bigout":
		return sdk.Text(strings.Repeat("x", 4<<20)), nil
	case "block":
		sdk.Log(sdk.LevelInfo, "sandbox waits in the host")
	}
	return sdk.Element{}, nil
}

// sink keeps the loop body observable so the compiler cannot drop it.
var sink int

// cron spins for the number of milliseconds in its input, then answers true.
func cron(in []byte) ([]byte, error) {
	ms, _ := strconv.Atoi(string(in))
	until := time.Now().Add(time.Duration(ms) * time.Millisecond)
	for i := 0; time.Now().Before(until); i++ {
		sink = i
	}
	return []byte("true"), nil
}
