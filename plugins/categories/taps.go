package main

import "github.com/trovato/trovato/plugins/sdk"

// The exported taps: one line of glue each, the typed functions in
// categories.go.

//go:wasmexport tap_category_term_presave
func tapCategoryTermPresave(p, n uint32) uint64 { return sdk.TermPresave(p, n, presave) }

//go:wasmexport tap_category_term_insert
func tapCategoryTermInsert(p, n uint32) uint64 { return sdk.TermEvent(p, n, termEvent) }

//go:wasmexport tap_category_term_update
func tapCategoryTermUpdate(p, n uint32) uint64 { return sdk.TermEvent(p, n, termEvent) }

//go:wasmexport tap_category_term_delete
func tapCategoryTermDelete(p, n uint32) uint64 { return sdk.TermEvent(p, n, termEvent) }
