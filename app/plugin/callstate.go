package plugin

import "time"

// Item is the kernel's view of a content item, as host functions serve it
// to plugins by handle.
type Item struct {
	ID, Type, Title, AuthorName string
	Status                      bool
	Created                     time.Time
	Fields                      map[string][]map[string]any // field name → deltas → properties
}

// CallState is the per-call state host functions read: the table of item
// handles a tap input may refer to. Handles are only meaningful to the calls
// the state is passed to. The zero value is ready to use; a CallState must
// not be used by concurrent calls.
type CallState struct {
	items []*Item
}

// AddItem puts it into the handle table and returns its handle (never 0).
func (s *CallState) AddItem(it *Item) uint32 {
	s.items = append(s.items, it)
	return uint32(len(s.items))
}

// item resolves a handle; nil when unknown.
func (s *CallState) item(h uint32) *Item {
	if s == nil || h == 0 || int(h) > len(s.items) {
		return nil
	}
	return s.items[h-1]
}
