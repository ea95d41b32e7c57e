package main

import "github.com/trovato/trovato/plugins/sdk"

func main() {}

//go:wasmimport trovato item_title
func rawItemTitle(h uint32) uint64

//go:wasmexport tap_noop
func tapNoop(p, n uint32) uint64 { return 0 }

var sink []byte

//go:wasmexport tap_make
func tapMake(p, n uint32) uint64 { sink = make([]byte, 256); return 0 }

//go:wasmexport tap_hostcall
func tapHostcall(p, n uint32) uint64 { return rawItemTitle(p) }

//go:wasmexport tap_view
func tapView(p, n uint32) uint64 { return sdk.ItemView(p, n, func(it sdk.Item, m string) (sdk.Element, error) { return sdk.Element{}, nil }) }
