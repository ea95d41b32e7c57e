//go:build wasip1

package sdk

// TermPresave is the glue for tap_category_term_presave: fn gets the term
// about to be saved and returns the changed term (nil or ErrUnchanged:
// unchanged). Only the name and description are taken back, and the kernel
// validates them like a submission.
func TermPresave(p, n uint32, fn func(t TermData) (*TermData, error)) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveTermPresave(out, in, fn))
}

// TermEvent is the glue for tap_category_term_insert, _update and
// _delete: fn gets the event (EventInsert, EventUpdate, EventDelete) and
// the term. An error is logged by the host; the change is already done.
func TermEvent(p, n uint32, fn func(event string, t TermData) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveTermEvent(out, in, fn))
}
