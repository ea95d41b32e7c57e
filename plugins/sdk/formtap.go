package sdk

import (
	"bytes"
	"errors"
)

// The platform-independent half of the form tap glue (see tap.go).

// formCall is the decoded input of tap_form_validate and tap_form_submit:
// {"form_id":"…","values":{"key":["…"]},"result":{"item_id":"…"}}.
type formCall struct {
	formID string
	values map[string][]string
	result map[string]string
}

// readFormCall decodes a form_validate or form_submit input.
func readFormCall(in []byte) (c formCall, err error) {
	r := reader{b: bytes.Clone(in), owned: true}
	err = r.members(func(key []byte) error {
		if r.null() {
			return nil
		}
		var err error
		switch string(key) {
		case "form_id":
			c.formID, err = r.string()
		case "values":
			c.values, err = r.valuesMap()
		case "result":
			c.result, err = r.stringMap()
		default:
			err = r.skip()
		}
		return err
	})
	if err == nil {
		err = r.end()
	}
	if c.values == nil {
		c.values = map[string][]string{}
	}
	if c.result == nil {
		c.result = map[string]string{}
	}
	return c, err
}

// okNull appends the envelope {"ok":null}.
func okNull(dst []byte) []byte { return append(dst, `{"ok":null}`...) }

// serveFormAlter runs a form_alter function, appending the output to dst:
// the altered form in the binary layout of formwire.go (which the host
// tells from an envelope by its "TFW1" start), or the envelope
// {"ok":null} when match rejects the form id or fn returns ErrUnchanged,
// or an error envelope. match may be nil (every form).
func serveFormAlter(dst, in []byte, match func(formID string) bool, fn func(*Form) error) []byte {
	if match != nil {
		id, err := readFormIDWire(in)
		if err != nil {
			return appendError(dst, Errorf(CodeInvalid, "tap_form_alter input: %v", err))
		}
		if !match(id) {
			return okNull(dst)
		}
	}
	f, err := readFormWire(in)
	if err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_form_alter input: %v", err))
	}
	if err := fn(f); err != nil {
		if errors.Is(err, ErrUnchanged) {
			return okNull(dst)
		}
		return appendError(dst, err)
	}
	if need := len(dst) + len(in) + len(in)/4 + 64; cap(dst) < need {
		// The output is about the input's size: grow once, from the pool.
		nb := append(getBuf(need)[:0], dst...)
		putBuf(dst)
		dst = nb
	}
	return appendFormWire(dst, f)
}

// serveFormValidate runs a form_validate function, appending the envelope
// to dst: the messages by element key, or null for none.
func serveFormValidate(dst, in []byte, fn func(formID string, values map[string][]string) (map[string]string, error)) []byte {
	c, err := readFormCall(in)
	if err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_form_validate input: %v", err))
	}
	msgs, err := fn(c.formID, c.values)
	if err != nil {
		return appendError(dst, err)
	}
	if len(msgs) == 0 {
		return okNull(dst)
	}
	dst = append(dst, `{"ok":`...)
	dst = appendStringMap(dst, msgs)
	return append(dst, '}')
}

// serveFormSubmit runs a form_submit function, appending the envelope to
// dst (null on success).
func serveFormSubmit(dst, in []byte, fn func(formID string, values map[string][]string, result map[string]string) error) []byte {
	c, err := readFormCall(in)
	if err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_form_submit input: %v", err))
	}
	if err := fn(c.formID, c.values, c.result); err != nil {
		return appendError(dst, err)
	}
	return okNull(dst)
}
