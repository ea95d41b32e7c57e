package plugin

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trovato/trovato/app/form"
)

// form50 is a realistic form of 50 elements: text fields with labels,
// descriptions and limits, a select of 10 options, a fieldset and a details
// with children, a multi-value field with its rebuild button, hidden
// values, markup and the actions.
func form50() *form.Form {
	text := func(key, label string) *form.Element {
		return &form.Element{Key: key, Type: form.TextField, Label: label, MaxLength: 255,
			Description: "The " + strings.ToLower(label) + " of this item, shown on its page."}
	}
	var opts []form.Option
	for i := range 10 {
		opts = append(opts, form.Option{Value: fmt.Sprintf("opt_%d", i), Label: fmt.Sprintf("Option number %d", i)})
	}
	els := []*form.Element{
		{Key: "title", Type: form.TextField, Label: "Title", Required: true, MaxLength: 255},
		{Key: "body", Type: form.TextArea, Label: "Body", Rows: 10, Value: strings.Repeat("Some existing body text. ", 8)},
		{Key: "category", Type: form.Select, Label: "Category", Options: opts, Value: "opt_3"},
	}
	for i := range 14 {
		els = append(els, text(fmt.Sprintf("field_text_%d", i), fmt.Sprintf("Text field %d", i)))
	}
	els = append(els,
		&form.Element{Key: "summary", Type: form.TextArea, Label: "Summary", Rows: 3},
		&form.Element{Key: "contact", Type: form.Email, Label: "Contact e-mail", Placeholder: "name@example.com"},
		&form.Element{Key: "event_date", Type: form.Date, Label: "Event date"},
		&form.Element{Key: "audience", Type: form.Radios, Label: "Audience", Value: "all", Options: opts[:3]},
		&form.Element{Key: "channels", Type: form.Checkboxes, Label: "Channels", Values: []string{"opt_1"}, Options: opts[:4]},
	)
	meta := &form.Element{Key: "meta", Type: form.Fieldset, Label: "Metadata"}
	for i := range 10 {
		meta.Children = append(meta.Children, text(fmt.Sprintf("meta_%d", i), fmt.Sprintf("Meta %d", i)))
	}
	adv := &form.Element{Key: "advanced", Type: form.Details, Label: "Advanced", Children: []*form.Element{
		{Key: "status", Type: form.Checkbox, Label: "Published", Value: "1"},
		{Key: "promote", Type: form.Checkbox, Label: "Promoted to front page"},
		{Key: "sticky", Type: form.Checkbox, Label: "Sticky at top of lists"},
		{Key: "weight", Type: form.Number, Label: "Weight", Min: new(-50.0), Max: new(50.0), Step: "1"},
		{Key: "author", Type: form.Autocomplete, Label: "Authored by", AutocompletePath: "/autocomplete/user"},
	}}
	links := &form.Element{Key: "field_links", Type: form.MultiValue, Label: "Links", Children: []*form.Element{
		{Key: "field_links.0.uri", Type: form.URL, Label: "URL", Value: "https://example.com/"},
		{Key: "field_links.0.title", Type: form.TextField, Label: "Link text"},
		{Key: "field_links.1.uri", Type: form.URL, Label: "URL"},
		{Key: "field_links.1.title", Type: form.TextField, Label: "Link text"},
		{Key: "field_links_add", Type: form.Button, Label: "Add another item", Op: "add:field_links", Wrapper: "field_links"},
	}}
	els = append(els, meta, adv, links,
		&form.Element{Key: "help", Type: form.Markup, Markup: "<p>Fill in the fields below.</p>"},
		&form.Element{Key: "revision", Type: form.Hidden, Value: "7"},
		&form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{
			{Key: "submit", Type: form.Submit, Label: "Save"},
			{Key: "delete", Type: form.Button, Label: "Delete", Op: "delete"},
		}},
	)
	return &form.Form{ID: "item_edit_article", Elements: els}
}

// BenchmarkFormAlter50Elements3Plugins measures Host.FormAlter of a
// 50-element form by three plugins (formbench installed three times), each
// changing a label, adding a description and moving an element, through the
// binary form layout (formwire.go). It reports the whole FormAlter call
// divided by the three plugins (host encode + guest decode/alter/encode + host
// decode + CheckTree, per plugin), the whole call, and the guest call alone.
func BenchmarkFormAlter50Elements3Plugins(b *testing.B) {
	var mu sync.Mutex
	var calls []time.Duration
	cfg := Config{Observe: func(_, tap string, d time.Duration, err error) {
		if tap == "form_alter" {
			mu.Lock()
			calls = append(calls, d)
			mu.Unlock()
		}
	}}
	copyOf := func(name string) fixture {
		m := strings.Replace(manifestOf(b, "formbench"), `"name": "formbench"`, `"name": "`+name+`"`, 1)
		return fixture{name: name, module: "formbench", manifest: m}
	}
	h, _ := openHost(b, cfg, copyOf("alter_a"), copyOf("alter_b"), copyOf("alter_c"))
	ctx := context.Background()
	f := form50()
	n := 0
	f.Walk(func(*form.Element) { n++ })
	if n != 50 {
		b.Fatalf("form has %d elements, want 50", n)
	}
	in := encodeFormWire(f.ID, f.Elements)
	plugins := len(h.Implements("form_alter"))
	totals := make([]time.Duration, 0, 512)
	mu.Lock()
	calls = calls[:0]
	mu.Unlock()
	for b.Loop() {
		b.StopTimer()
		f := form50()
		b.StartTimer()
		start := time.Now()
		errs := h.FormAlter(ctx, f)
		totals = append(totals, time.Since(start))
		if errs != nil {
			b.Fatal(errs)
		}
	}
	perPlugin := make([]time.Duration, len(totals))
	for i, d := range totals {
		perPlugin[i] = d / time.Duration(plugins)
	}
	reportPercentilesAs(b, perPlugin, "µs/plugin")
	reportPercentilesAs(b, totals, "µs/total")
	mu.Lock()
	reportPercentilesAs(b, calls, "µs/guest-call")
	mu.Unlock()
	b.ReportMetric(float64(len(in)), "input-bytes")
}

// reportPercentilesAs reports the p50, p95 and p99 of samples as
// "p50-<unit>" etc.
func reportPercentilesAs(b *testing.B, samples []time.Duration, unit string) {
	if len(samples) == 0 {
		return
	}
	samples = slices.Clone(samples)
	slices.Sort(samples)
	at := func(p float64) float64 {
		i := min(int(p*float64(len(samples))), len(samples)-1)
		return float64(samples[i].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), "p50-"+unit)
	b.ReportMetric(at(0.95), "p95-"+unit)
	b.ReportMetric(at(0.99), "p99-"+unit)
}
