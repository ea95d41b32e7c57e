// Package category is Trovato's categories (Drupal's taxonomy): vocabularies
// of terms arranged in a flat list or a hierarchy, the admin pages that
// manage them, the term page listing the items tagged with a term, and the
// category_reference field type that tags items.
//
// Terms live in category_term; their parents in category_term_parent (a
// term without parents is a root). The hierarchy is walked with recursive
// CTEs that carry the path seen so far, so a cycle in the data (which the
// service refuses to create) cannot make a query loop.
//
// As in Drupal:
//   - a term's description has a text format (app/textformat), chosen on
//     the term form among the formats the user may use and rendered on the
//     term page; a description in a format the user may not use is shown
//     read-only and kept;
//   - terms are ordered by weight, then name, under their parent; the term
//     list is a form of weight selects with a "Save order" button, and a
//     small script (static/js/category-order.js) adds drag and drop among
//     siblings on top of it;
//   - a category_reference field uses a select or free tagging: a text
//     input per value with suggestions from /category/autocomplete, where a
//     new name becomes a term on save when the field allows it and the user
//     has "create terms by tagging" (the server passes that in the request
//     context, WithTagging). The item form reads one value per input, so
//     several tags go in several inputs ("Add another item"), not in one
//     comma-separated input;
//   - every create, update (also by reordering) and delete goes through
//     Hooks, which the server connects to the plugin taps
//     category_term_presave/insert/update/delete.
//
// Terms are staged like items (stage.go, app/stage doc): with a stage
// active, writes go to the stage and reads overlay the stage chain.
package category

import (
	"time"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/user"
)

// PermAdminister lets site builders manage vocabularies and terms.
const PermAdminister = "administer categories"

// Permissions lists the permissions this package checks, for the
// permissions matrix.
func Permissions() []user.Permission {
	return []user.Permission{{Name: PermAdminister, Title: "Administer categories",
		Group: "Categories", Description: "Add, edit and delete vocabularies and their terms."},
		{Name: PermCreateByTagging, Title: "Create terms by tagging", Group: "Categories",
			Description: "Type new terms into free-tagging fields that allow it; they are created when the content is saved."}}
}

// Hierarchy says how the terms of a vocabulary may be arranged.
type Hierarchy int16

// The hierarchies, as stored in category_vocabulary.hierarchy.
const (
	Flat     Hierarchy = 0 // no parents: a tag list
	Single   Hierarchy = 1 // at most one parent per term: a tree
	Multiple Hierarchy = 2 // any number of parents
)

// String is the hierarchy's name in the admin UI.
func (h Hierarchy) String() string {
	switch h {
	case Flat:
		return "Flat"
	case Single:
		return "Single parent"
	case Multiple:
		return "Multiple parents"
	}
	return "Unknown"
}

// Vocabulary is a named set of terms, e.g. "Tags" or "Regions".
type Vocabulary struct {
	ID          string // machine name, e.g. "tags"
	Label       string
	Description string
	Hierarchy   Hierarchy
	Weight      int
	Terms       int64 // number of terms; filled by Vocabularies only
}

// Term is one category of a vocabulary.
type Term struct {
	ID           uuid.UUID
	VocabularyID string
	Name         string
	Description  string
	Format       string // text format of Description
	Weight       int
	Parents      []uuid.UUID // none: a root
	Created      time.Time
	Changed      time.Time
}

// URL is the term page.
func (t *Term) URL() string { return TermURL(t.ID) }

// TermURL is the page of the term with id.
func TermURL(id uuid.UUID) string { return "/category/" + id.String() }

// TreeTerm is a term at its place in a vocabulary's tree: Depth 0 for roots.
// A term with several parents appears once under each.
type TreeTerm struct {
	ID          uuid.UUID
	Name        string
	Description string
	Weight      int
	Parent      uuid.UUID // uuid.Nil for roots
	Depth       int
}

// Ref names a term with its distance from another one (Ancestors,
// Descendants).
type Ref struct {
	ID    uuid.UUID
	Name  string
	Depth int
}

// TaggedItem is an item that references a term, for the term page.
type TaggedItem struct {
	ID      uuid.UUID
	Type    string
	Title   string
	Status  bool
	Created time.Time
}
