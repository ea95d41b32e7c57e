package item

import (
	"context"
	"encoding/json"

	"github.com/trovato/trovato/app/render"
)

// Changes are what a presave hook changed in an item about to be saved: a
// new title (nil: unchanged) and values of the fields named, replacing the
// item's (a nil list clears the field).
type Changes struct {
	Title  *string
	Fields Values
}

// Hooks let the server plug the plugins' lifecycle taps into the item
// service without the item package knowing about plugins. Every member is
// optional.
type Hooks struct {
	// Presave sees the item about to be created or updated, validated and
	// normalized (a new item already has its id), and returns changes or
	// nil. Changes are validated again exactly like a submission; invalid
	// changes fail the save with the validation error. An error fails the
	// save.
	Presave func(ctx context.Context, it *Item) (*Changes, error)
	// Inserted, Updated and Deleted are told after the transaction committed;
	// they cannot fail the save.
	Inserted, Updated, Deleted func(ctx context.Context, it *Item)
	// ViewAlter gets the rendered item element tree as JSON, before it is
	// sanitized, and returns the altered tree (or the same one).
	ViewAlter func(ctx context.Context, it *Item, viewMode string, element json.RawMessage) json.RawMessage
}

// SetHooks installs h; call it while wiring, before serving.
func (s *Service) SetHooks(h Hooks) { s.hooks = h }

// presave runs the Presave hook on the item a save would store and, when it
// changes anything, returns the submission with the changes applied to run
// through validation again (ok true).
func (s *Service) presave(ctx context.Context, it *Item, in Input) (Input, bool, error) {
	if s.hooks.Presave == nil {
		return in, false, nil
	}
	ch, err := s.hooks.Presave(ctx, it)
	if err != nil || ch == nil || (ch.Title == nil && len(ch.Fields) == 0) {
		return in, false, err
	}
	if ch.Title != nil {
		in.Title = *ch.Title
	}
	fields := make(Values, len(it.Fields)+len(ch.Fields))
	for k, v := range it.Fields {
		fields[k] = v
	}
	for k, v := range ch.Fields {
		if v == nil {
			delete(fields, k)
			continue
		}
		fields[k] = v
	}
	in.Fields = fields
	return in, true, nil
}

// AlterView runs the ViewAlter hook on an item's rendered element tree
// (before it is sanitized) and returns the altered tree; when there is no
// hook, or its answer does not decode as an element, root is returned.
func (s *Service) AlterView(ctx context.Context, it *Item, viewMode string, root render.Element) render.Element {
	if s.hooks.ViewAlter == nil {
		return root
	}
	raw, err := json.Marshal(root)
	if err != nil {
		return root
	}
	out := s.hooks.ViewAlter(ctx, it, viewMode, raw)
	if len(out) == 0 || string(out) == string(raw) {
		return root
	}
	el, err := render.Decode(out)
	if err != nil || el == nil {
		return root
	}
	return *el
}

// notify runs an event hook, if set.
func notify(ctx context.Context, hook func(context.Context, *Item), it *Item) {
	if hook != nil {
		hook(ctx, it)
	}
}
