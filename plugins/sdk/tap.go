package sdk

// The serve functions hold the platform-independent half of the tap glue:
// decode the input, call the plugin's function, encode the envelope. The
// wasip1 glue (abi_wasip1.go) only moves bytes in and out of linear memory,
// so everything here is unit-tested natively.

// serveItemView runs a tap_item_view function; item resolves a handle.
func serveItemView(in []byte, item func(handle uint32) Item, view func(Item, string) (Element, error)) []byte {
	var handle uint32
	var mode string
	r := reader{b: in}
	err := r.object(func(key string) error {
		var err error
		switch key {
		case "item":
			handle, err = r.uint32()
		case "view_mode":
			mode, err = r.string()
		default:
			err = r.skip()
		}
		return err
	})
	if err == nil {
		err = r.end()
	}
	if err != nil {
		return appendError(nil, Errorf(CodeInvalid, "tap_item_view input: %v", err))
	}
	el, err := view(item(handle), mode)
	if err != nil {
		return appendError(nil, err)
	}
	b := make([]byte, 0, 256)
	b = append(b, `{"ok":`...)
	b = appendElement(b, &el)
	return append(b, '}')
}

// serveItemInfo runs a tap_item_info function.
func serveItemInfo(info func() ([]ItemType, error)) []byte {
	types, err := info()
	if err != nil {
		return appendError(nil, err)
	}
	b := make([]byte, 0, 512)
	b = append(b, `{"ok":`...)
	b = appendItemTypes(b, types)
	return append(b, '}')
}

// serveRaw runs a tap whose function takes and returns JSON itself; a nil
// result is null.
func serveRaw(in []byte, fn func(input []byte) ([]byte, error)) []byte {
	out, err := fn(in)
	if err != nil {
		return appendError(nil, err)
	}
	if len(out) == 0 {
		out = []byte("null")
	}
	b := make([]byte, 0, len(out)+8)
	b = append(b, `{"ok":`...)
	b = append(b, out...)
	return append(b, '}')
}
