// Package item owns items (content), item types with their field
// definitions, revisions, and the rules for who may see and create them.
//
// Field values live in one JSONB document keyed by field name; every field
// holds a list of deltas, each an object of properties
// ({"field_subtitle":[{"value":"…"}]}), so cardinality changes never need a
// data migration. The JSON API also accepts a single object as shorthand for
// a one-value list and always answers with lists.
package item

import (
	"time"

	"github.com/trovato/trovato/app/field"

	"github.com/google/uuid"
)

// Type is a content type. Its fields are field.Def values, in form order.
type Type struct {
	Type        string      `json:"type"`
	Label       string      `json:"label"`
	Description string      `json:"description"`
	TitleLabel  string      `json:"title_label"`
	Plugin      string      `json:"plugin,omitempty"`      // the plugin that defines it, if any
	Unpublished bool        `json:"unpublished,omitempty"` // new items start unpublished
	Fields      []field.Def `json:"fields"`
}

// Field returns the definition of the named field.
func (t *Type) Field(name string) (field.Def, bool) {
	for _, f := range t.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return field.Def{}, false
}

// Values is the JSONB field document: field name → deltas → properties.
type Values map[string][]map[string]any

// Item is one piece of content at its current revision.
type Item struct {
	ID         uuid.UUID
	Type       string
	Title      string
	AuthorID   uuid.UUID
	AuthorName string
	Status     bool
	Promote    bool
	Sticky     bool
	StageID    string // "live", or the stage that created it (unpublished)
	// RevisionStage is where the loaded revision lives: "live", or the
	// stage whose copy the overlay picked.
	RevisionStage string
	RevisionID    uuid.UUID
	Fields        Values
	Created       time.Time
	Changed       time.Time
}

// URL is the item's canonical path.
func (it *Item) URL() string { return "/item/" + it.ID.String() }

// Input is what a client submits to create or update an item; nil
// pointers keep the current value (or the default for a new item).
type Input struct {
	Title    string
	Fields   Values
	Status   *bool // nil: the type's default (published)
	Promote  *bool
	Sticky   *bool
	AuthorID *uuid.UUID // only honoured for accounts that administer content (the handlers check)
	Created  *time.Time
	Log      string
}
