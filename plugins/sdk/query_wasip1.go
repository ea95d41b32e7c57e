//go:build wasip1

package sdk

import "unsafe"

//go:wasmimport trovato item_query
func hostItemQuery(q string) uint64

//go:wasmimport trovato db_select
func hostDBSelectRaw(q string) uint64

//go:wasmimport trovato db_insert
func hostDBInsertRaw(q string) uint64

//go:wasmimport trovato db_update
func hostDBUpdateRaw(q string) uint64

//go:wasmimport trovato db_delete
func hostDBDeleteRaw(q string) uint64

// bytesOf is the host answer packed in r, copied.
func bytesOf(r uint64) []byte {
	return take(r, func(b []byte) []byte { return append([]byte(nil), b...) })
}

// str views b as a string for a host call, which copies it before returning.
func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func hostQuery(q []byte) []byte    { return bytesOf(hostItemQuery(str(q))) }
func hostDBSelect(q []byte) []byte { return bytesOf(hostDBSelectRaw(str(q))) }
func hostDBInsert(q []byte) []byte { return bytesOf(hostDBInsertRaw(str(q))) }
func hostDBUpdate(q []byte) []byte { return bytesOf(hostDBUpdateRaw(str(q))) }
func hostDBDelete(q []byte) []byte { return bytesOf(hostDBDeleteRaw(str(q))) }

// itemHandle is the Item behind a handle of the current call.
func itemHandle(h uint32, typ string) Item { return handleOf(h, typ) }
