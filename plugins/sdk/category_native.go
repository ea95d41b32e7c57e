//go:build !wasip1

package sdk

// TermPresave is the glue for tap_category_term_presave (wasip1 only; test
// fn directly with a TermData).
func TermPresave(p, n uint32, fn func(t TermData) (*TermData, error)) uint64 {
	panic(nativeGlue)
}

// TermEvent is the glue for tap_category_term_insert, _update and _delete
// (wasip1 only).
func TermEvent(p, n uint32, fn func(event string, t TermData) error) uint64 {
	panic(nativeGlue)
}
