package server

import (
	"context"
	"time"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/metrics"
	"github.com/trovato/trovato/app/plugin"
)

// categoryHooks adapts the plugin host's category taps
// (tap_category_term_presave/insert/update/delete) to category.Hooks, so
// that the category package does not depend on the plugin host.
type categoryHooks struct{ host *plugin.Host }

func (s *Server) categoryHooks() category.Hooks { return categoryHooks{s.Plugins} }

func termData(t *category.Term) plugin.TermData {
	d := plugin.TermData{ID: t.ID.String(), Vocabulary: t.VocabularyID, Name: t.Name, Description: t.Description,
		Format: t.Format, Weight: t.Weight, Parents: []string{}}
	for _, p := range t.Parents {
		d.Parents = append(d.Parents, p.String())
	}
	return d
}

// TermPresave implements category.Hooks.
func (h categoryHooks) TermPresave(ctx context.Context, t *category.Term) {
	start := time.Now()
	defer func() { metrics.AddTaps(ctx, time.Since(start)) }()
	ch := h.host.CategoryTermPresave(ctx, termData(t))
	if ch == nil {
		return
	}
	if ch.Name != nil {
		t.Name = *ch.Name
	}
	if ch.Description != nil {
		t.Description = *ch.Description
	}
}

// TermEvent implements category.Hooks.
func (h categoryHooks) TermEvent(ctx context.Context, event string, t category.Term) {
	start := time.Now()
	defer func() { metrics.AddTaps(ctx, time.Since(start)) }()
	h.host.CategoryTermEvent(ctx, event, termData(&t))
}
