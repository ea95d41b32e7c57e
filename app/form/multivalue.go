package form

import "fmt"

// MultiValueSpec describes a multi-value wrapper: a field that holds several
// values, with "Add another item" and a "Remove" button per value.
type MultiValueSpec struct {
	Key         string // the wrapper key; deltas are Key.0, Key.1, …
	Label       string
	Description string
	Count       int // values to show (at least 1)
	Max         int // most values allowed; 0 or less: unlimited
	// Item builds the element of one value (its keys must start with Key+".<delta>").
	Item func(delta int) *Element
}

// NewMultiValue builds the wrapper. The buttons carry their operation in Op,
// set here on the server: the request only says which button was pressed.
// Under htmx they re-render only the wrapper; without JavaScript they submit
// the whole form, which is rebuilt with every value kept.
func NewMultiValue(s MultiValueSpec) *Element {
	count := max(s.Count, 1)
	if s.Max > 0 {
		count = min(count, s.Max)
	}
	w := &Element{Key: s.Key, Type: MultiValue, Label: s.Label, Description: s.Description}
	for i := range count {
		w.Children = append(w.Children, s.Item(i))
		if count > 1 {
			w.Children = append(w.Children, &Element{
				Key: fmt.Sprintf("%s.remove-%d", s.Key, i), Type: Button, Label: fmt.Sprintf("Remove item %d", i+1),
				Op: fmt.Sprintf("remove:%s:%d", s.Key, i), Wrapper: s.Key,
			})
		}
	}
	if s.Max <= 0 || count < s.Max {
		w.Children = append(w.Children, &Element{
			Key: s.Key + ".add", Type: Button, Label: "Add another item", Op: "add:" + s.Key, Wrapper: s.Key,
		})
	}
	return w
}
