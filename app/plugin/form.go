package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
)

// The form taps of issue 3. tap_form_alter is full serialization: the form
// is small (tens of elements) and plugins restructure it freely, so the
// guest gets the whole tree and returns the whole tree, in the binary
// layout of formwire.go (BenchmarkFormAlter50Elements3Plugins measures the
// cost). The validate and submit taps get the submitted values as JSON.

// valuesJSON is the tap_form_validate and tap_form_submit input.
type valuesJSON struct {
	FormID string            `json:"form_id"`
	Values form.Values       `json:"values"`
	Result map[string]string `json:"result,omitempty"`
}

// encBufs recycles the buffers form inputs are encoded into.
var encBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encodeTapInput encodes v without HTML escaping (the guest reads plain
// strings fastest, and nothing here is HTML); the result is a fresh slice.
func encodeTapInput(v any) ([]byte, error) {
	buf := encBufs.Get().(*bytes.Buffer)
	defer encBufs.Put(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.Clone(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// isNull reports whether an ok value is null (or empty): "nothing to say".
func isNull(v []byte) bool {
	v = bytes.TrimSpace(v)
	return len(v) == 0 || string(v) == "null"
}

// FormAlter lets every plugin implementing tap_form_alter, by weight then
// name, change f: add, remove, reorder and change elements. Each plugin gets
// the form as the previous ones left it. An alteration is accepted only
// whole: when a plugin fails (trap, error envelope, malformed JSON), changes
// the form id or returns a tree form.CheckTree refuses, it is logged, f stays
// as it was before that plugin, its error is returned in the slice, and the
// next plugin runs. A plugin answering null leaves f unchanged. Only
// f.Elements is replaced; the other members of f are kept.
func (h *Host) FormAlter(ctx context.Context, f *form.Form) []error {
	names := h.Implements("form_alter")
	if f == nil || len(names) == 0 {
		return nil
	}
	input := encodeFormWire(f.ID, f.Elements)
	var failed []error
	for _, name := range names {
		els, err := h.alterOnce(ctx, name, f, input)
		if err != nil {
			h.log.WarnContext(ctx, "plugin form alteration discarded", "plugin", name, "form_id", f.ID, "error", err)
			failed = append(failed, err)
			continue
		}
		if els == nil {
			continue // unchanged
		}
		f.Elements, input = els, encodeFormWire(f.ID, els)
	}
	return failed
}

// formOutput passes an encoded form through and decodes anything else as
// an envelope (null for "unchanged", or an error).
func formOutput(plugin, tap string, out []byte) (json.RawMessage, error) {
	if isFormWire(out) {
		return out, nil
	}
	return decodeEnvelope(plugin, tap, out)
}

// alterOnce runs one plugin's tap_form_alter on input (f encoded) and
// returns the checked elements, or nil for "unchanged".
func (h *Host) alterOnce(ctx context.Context, name string, f *form.Form, input []byte) ([]*form.Element, error) {
	out, err := h.dispatch(ctx, name, "form_alter", input, nil, formOutput)
	if err != nil {
		return nil, err
	}
	if !isFormWire(out) {
		if isNull(out) {
			return nil, nil
		}
		return nil, errs.New(errs.Internal, "plugin %s tap form_alter: answered neither a form nor null", name)
	}
	id, els, err := decodeFormWire(out)
	if err != nil {
		return nil, errs.Wrap(errs.Internal, err, fmt.Sprintf("plugin %s tap form_alter: malformed form", name))
	}
	if id != f.ID {
		return nil, errs.New(errs.Internal, "plugin %s tap form_alter: changed the form id from %q to %q", name, f.ID, id)
	}
	if els == nil {
		els = []*form.Element{} // a plugin removed every element; not "unchanged"
	}
	if err := form.CheckTree(&form.Form{ID: id, Elements: els}); err != nil {
		return nil, errs.Wrap(errs.Internal, err, fmt.Sprintf("plugin %s tap form_alter: invalid form", name))
	}
	return els, nil
}

// FormValidate asks every plugin implementing tap_form_validate, by weight
// then name, to check the submitted values of form formID. Each returns
// messages keyed by element key; they are merged, the first message for a
// key winning. A failing plugin is logged and skipped. The result is nil
// when no plugin has anything to say.
func (h *Host) FormValidate(ctx context.Context, formID string, values form.Values) map[string]string {
	names := h.Implements("form_validate")
	if len(names) == 0 {
		return nil
	}
	input, err := encodeTapInput(valuesJSON{FormID: formID, Values: values})
	if err != nil {
		h.log.ErrorContext(ctx, "form values are not JSON-encodable; form_validate not called", "form_id", formID, "error", err)
		return nil
	}
	var msgs map[string]string
	for _, name := range names {
		out, err := h.Call(ctx, name, "form_validate", input, nil)
		if err != nil {
			h.log.WarnContext(ctx, "plugin form validation skipped", "plugin", name, "form_id", formID, "error", err)
			continue
		}
		if isNull(out) {
			continue
		}
		var got map[string]string
		if err := json.Unmarshal(out, &got); err != nil {
			h.log.WarnContext(ctx, "plugin returned malformed validation messages", "plugin", name, "form_id", formID, "error", err)
			continue
		}
		for k, m := range got {
			if m == "" {
				continue
			}
			if msgs == nil {
				msgs = make(map[string]string, len(got))
			}
			if _, ok := msgs[k]; !ok {
				msgs[k] = m
			}
		}
	}
	return msgs
}

// FormSubmit tells every plugin implementing tap_form_submit, by weight then
// name, that form formID was submitted successfully with values; result is
// what the submit produced (e.g. {"item_id": "…"}). Failures are logged;
// they cannot undo the submit.
func (h *Host) FormSubmit(ctx context.Context, formID string, values form.Values, result map[string]string) {
	names := h.Implements("form_submit")
	if len(names) == 0 {
		return
	}
	if result == nil {
		result = map[string]string{}
	}
	input, err := encodeTapInput(valuesJSON{FormID: formID, Values: values, Result: result})
	if err != nil {
		h.log.ErrorContext(ctx, "form values are not JSON-encodable; form_submit not called", "form_id", formID, "error", err)
		return
	}
	for _, name := range names {
		if _, err := h.Call(ctx, name, "form_submit", input, nil); err != nil {
			h.log.LogAttrs(ctx, slog.LevelWarn, "plugin form submit handler failed",
				slog.String("plugin", name), slog.String("form_id", formID), slog.Any("error", err))
		}
	}
}
