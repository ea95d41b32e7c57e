//go:build wasip1

package sdk

// ItemPresave is the glue for tap_item_presave: fn gets the item about to
// be saved and returns the changed item (nil or ErrUnchanged: unchanged).
// Only the title and fields are taken back, and the kernel validates them
// like a submission.
func ItemPresave(p, n uint32, fn func(it ItemData) (*ItemData, error)) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(servePresave(out, in, fn))
}

// ItemEvent is the glue for tap_item_insert, tap_item_update and
// tap_item_delete: fn gets the event (EventInsert, EventUpdate,
// EventDelete) and the item (without fields). An error is logged by the
// host; the save is already done.
func ItemEvent(p, n uint32, fn func(event string, it ItemData) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveItemEvent(out, in, fn))
}

// UserEvent is the glue for tap_user_login and tap_user_logout: fn gets
// the event (EventLogin, EventLogout) and the account.
func UserEvent(p, n uint32, fn func(event string, u UserData) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveUserEvent(out, in, fn))
}

// ItemViewAlter is the glue for tap_item_view_alter: fn changes the
// rendered element tree of the item in place (return ErrUnchanged to leave
// it alone). The kernel sanitizes the result like any element.
func ItemViewAlter(p, n uint32, fn func(it ItemData, viewMode string, el *Element) error) uint64 {
	out := outBuf()
	in, ok := input(p, n)
	if !ok {
		return output(badInput(out))
	}
	return output(serveViewAlter(out, in, fn))
}
