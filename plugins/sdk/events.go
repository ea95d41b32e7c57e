package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
)

// The item and user lifecycle taps. They are full serialization: the
// input is the item (or account) as JSON, decoded with encoding/json
// (these taps run once per save, login or page view, not per element).
//
//	tap_item_presave    input ItemData                                   ok: {"title":"…","fields":{…}} (either optional), or null
//	tap_item_insert     input {"event":"insert","id","type","title","status"}   ok: null
//	tap_item_update     input {"event":"update",…}                       ok: null
//	tap_item_delete     input {"event":"delete",…}                       ok: null
//	tap_user_login      input {"event":"login","id":"…","name":"…"}      ok: null
//	tap_user_logout     input {"event":"logout","id":"…","name":"…"}     ok: null
//	tap_item_view_alter input {"item":{id,type,title,status},"view_mode":"…","element":{…}}   ok: the altered element, or null

// The events of ItemEvent and UserEvent.
const (
	EventInsert = "insert"
	EventUpdate = "update"
	EventDelete = "delete"
	EventLogin  = "login"
	EventLogout = "logout"
)

// ItemData is an item as the lifecycle taps see it. Fields (field name →
// deltas → properties, the kernel's shape) is set for tap_item_presave only.
type ItemData struct {
	ID     string                      `json:"id"`
	Type   string                      `json:"type"`
	Title  string                      `json:"title"`
	Status bool                        `json:"status"`
	Fields map[string][]map[string]any `json:"fields,omitempty"`
}

// UserData is the account of a login or logout.
type UserData struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// itemEventInput is the input of the item event taps.
type itemEventInput struct {
	Event string `json:"event"`
	ItemData
}

// userEventInput is the input of the user event taps.
type userEventInput struct {
	Event string `json:"event"`
	UserData
}

// viewAlterInput is the tap_item_view_alter input.
type viewAlterInput struct {
	Item     ItemData        `json:"item"`
	ViewMode string          `json:"view_mode"`
	Element  json.RawMessage `json:"element"`
}

// presaveChanges is the tap_item_presave answer.
type presaveChanges struct {
	Title  *string                     `json:"title,omitempty"`
	Fields map[string][]map[string]any `json:"fields,omitempty"`
}

// servePresave runs a tap_item_presave function: fn gets a copy of the
// item and returns the changed item, or nil (or ErrUnchanged) to leave it
// alone. Only what changed is sent back: the title when it differs, and
// each field whose values differ (a field fn removed is sent as null,
// which clears it). The kernel validates the changes like a submission.
func servePresave(dst, in []byte, fn func(it ItemData) (*ItemData, error)) []byte {
	var it ItemData
	if err := json.Unmarshal(in, &it); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_item_presave input: %v", err))
	}
	var orig ItemData
	_ = json.Unmarshal(in, &orig) // a pristine copy to diff against; in decoded once already
	got, err := fn(it)
	if errors.Is(err, ErrUnchanged) || (err == nil && got == nil) {
		return okNull(dst)
	}
	if err != nil {
		return appendError(dst, err)
	}
	var ch presaveChanges
	if got.Title != orig.Title {
		ch.Title = &got.Title
	}
	for name, deltas := range got.Fields {
		if !sameJSON(deltas, orig.Fields[name]) {
			if ch.Fields == nil {
				ch.Fields = map[string][]map[string]any{}
			}
			ch.Fields[name] = deltas
		}
	}
	for name := range orig.Fields {
		if _, ok := got.Fields[name]; !ok {
			if ch.Fields == nil {
				ch.Fields = map[string][]map[string]any{}
			}
			ch.Fields[name] = nil
		}
	}
	if ch.Title == nil && ch.Fields == nil {
		return okNull(dst)
	}
	return appendOKJSON(dst, "tap_item_presave", ch)
}

// sameJSON reports whether a and b encode to the same JSON.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// appendOKJSON appends {"ok":v} with v encoded by encoding/json.
func appendOKJSON(dst []byte, tap string, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return appendError(dst, Errorf(CodeInternal, "%s: %v", tap, err))
	}
	dst = append(dst, `{"ok":`...)
	dst = append(dst, b...)
	return append(dst, '}')
}

// serveItemEvent runs an item event function with the event and the item.
func serveItemEvent(dst, in []byte, fn func(event string, it ItemData) error) []byte {
	var ev itemEventInput
	if err := json.Unmarshal(in, &ev); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "item event input: %v", err))
	}
	if err := fn(ev.Event, ev.ItemData); err != nil {
		return appendError(dst, err)
	}
	return okNull(dst)
}

// serveUserEvent runs a user event function with the event and the account.
func serveUserEvent(dst, in []byte, fn func(event string, u UserData) error) []byte {
	var ev userEventInput
	if err := json.Unmarshal(in, &ev); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "user event input: %v", err))
	}
	if err := fn(ev.Event, ev.UserData); err != nil {
		return appendError(dst, err)
	}
	return okNull(dst)
}

// serveViewAlter runs a tap_item_view_alter function on the decoded
// element tree and answers the whole altered tree, or null when fn
// returns ErrUnchanged.
func serveViewAlter(dst, in []byte, fn func(it ItemData, viewMode string, el *Element) error) []byte {
	var q viewAlterInput
	if err := json.Unmarshal(in, &q); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_item_view_alter input: %v", err))
	}
	el, err := DecodeElement(q.Element)
	if err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_item_view_alter element: %v", err))
	}
	if err := fn(q.Item, q.ViewMode, &el); err != nil {
		if errors.Is(err, ErrUnchanged) {
			return okNull(dst)
		}
		return appendError(dst, err)
	}
	if el.Type == "" {
		return appendError(dst, Errorf(CodeInternal, "tap_item_view_alter: the altered element has no type"))
	}
	dst = append(dst, `{"ok":`...)
	dst = appendElement(dst, &el)
	return append(dst, '}')
}

// elementJSON is the wire form of an Element.
type elementJSON struct {
	Type       string            `json:"type"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Classes    []string          `json:"classes,omitempty"`
	Text       string            `json:"text,omitempty"`
	Format     string            `json:"format,omitempty"`
	Level      int               `json:"level,omitempty"`
	Href       string            `json:"href,omitempty"`
	Label      string            `json:"label,omitempty"`
	Children   []elementJSON     `json:"children,omitempty"`
}

// DecodeElement parses element JSON (the form plugins send and
// tap_item_view_alter receives); null is the zero Element.
func DecodeElement(b []byte) (Element, error) {
	var ej *elementJSON
	if err := json.Unmarshal(b, &ej); err != nil || ej == nil {
		return Element{}, err
	}
	return ej.element(), nil
}

func (e *elementJSON) element() Element {
	el := Element{Type: e.Type, Attributes: e.Attributes, Classes: e.Classes, Text: e.Text, Format: e.Format,
		Level: e.Level, Href: e.Href, Label: e.Label}
	if len(e.Children) > 0 {
		el.Children = make([]Element, len(e.Children))
		for i := range e.Children {
			el.Children[i] = e.Children[i].element()
		}
	}
	return el
}
