package main

import "github.com/trovato/trovato/plugins/sdk"

// The exported taps: one line of glue each, the typed functions in hello.go.

//go:wasmexport tap_item_view
func tapItemView(p, n uint32) uint64 { return sdk.ItemView(p, n, view) }

//go:wasmexport tap_cron
func tapCron(p, n uint32) uint64 { return sdk.Cron(p, n, cron) }
