//go:build !wasip1

package sdk

// ItemPresave is the glue for tap_item_presave (wasip1 only; test fn
// directly with an ItemData).
func ItemPresave(p, n uint32, fn func(it ItemData) (*ItemData, error)) uint64 {
	panic(nativeGlue)
}

// ItemEvent is the glue for tap_item_insert, tap_item_update and
// tap_item_delete (wasip1 only).
func ItemEvent(p, n uint32, fn func(event string, it ItemData) error) uint64 {
	panic(nativeGlue)
}

// UserEvent is the glue for tap_user_login and tap_user_logout (wasip1 only).
func UserEvent(p, n uint32, fn func(event string, u UserData) error) uint64 {
	panic(nativeGlue)
}

// ItemViewAlter is the glue for tap_item_view_alter (wasip1 only; test fn
// directly with an Element built in the test or DecodeElement).
func ItemViewAlter(p, n uint32, fn func(it ItemData, viewMode string, el *Element) error) uint64 {
	panic(nativeGlue)
}
