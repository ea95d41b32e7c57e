package sdk

import (
	"encoding/json"
	"errors"
)

// The category taps, called when a term of a category vocabulary is
// created, updated (also by reordering) or deleted. Full serialization,
// like the item lifecycle taps.
//
//	tap_category_term_presave  input TermData                         ok: {"name":"…","description":"…"} (either optional), or null
//	tap_category_term_insert   input {"event":"insert", TermData…}    ok: null
//	tap_category_term_update   input {"event":"update", TermData…}    ok: null
//	tap_category_term_delete   input {"event":"delete", TermData…}    ok: null

// TermData is a category term as the category taps see it.
type TermData struct {
	ID          string   `json:"id"`
	Vocabulary  string   `json:"vocabulary"` // the vocabulary's machine name
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Format      string   `json:"format"` // text format of Description
	Weight      int      `json:"weight"`
	Parents     []string `json:"parents"` // parent term ids; none for a top-level term
}

type termEventInput struct {
	Event string `json:"event"`
	TermData
}

type termChanges struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// serveTermPresave runs a tap_category_term_presave function: fn gets a
// copy of the term and returns the changed term, or nil (or ErrUnchanged)
// to leave it alone. Only a changed name and description are sent back.
func serveTermPresave(dst, in []byte, fn func(t TermData) (*TermData, error)) []byte {
	var t TermData
	if err := json.Unmarshal(in, &t); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "tap_category_term_presave input: %v", err))
	}
	orig := t
	got, err := fn(t)
	if errors.Is(err, ErrUnchanged) || (err == nil && got == nil) {
		return okNull(dst)
	}
	if err != nil {
		return appendError(dst, err)
	}
	var ch termChanges
	if got.Name != orig.Name {
		ch.Name = &got.Name
	}
	if got.Description != orig.Description {
		ch.Description = &got.Description
	}
	if ch.Name == nil && ch.Description == nil {
		return okNull(dst)
	}
	return appendOKJSON(dst, "tap_category_term_presave", ch)
}

// serveTermEvent runs a term event function with the event and the term.
func serveTermEvent(dst, in []byte, fn func(event string, t TermData) error) []byte {
	var ev termEventInput
	if err := json.Unmarshal(in, &ev); err != nil {
		return appendError(dst, Errorf(CodeInvalid, "term event input: %v", err))
	}
	if err := fn(ev.Event, ev.TermData); err != nil {
		return appendError(dst, err)
	}
	return okNull(dst)
}
