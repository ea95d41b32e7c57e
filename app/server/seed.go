package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/gather"
	"github.com/trovato/trovato/app/item"
	"github.com/trovato/trovato/app/pg"
)

// RecentPages is the seeded listing behind /recent-pages: published pages,
// newest first, 10 per page, with a mini pager.
var RecentPages = gather.Definition{
	BaseTypes: []string{"page"},
	Fields: []gather.Show{
		{Field: "title", Formatter: "link"},
		{Field: "field_subtitle"},
		{Field: "created", Formatter: "date"},
	},
	Filters: []gather.Filter{{Field: "status", Op: "=", Value: true}},
	Sorts:   []gather.Sort{{Field: "created", Direction: "desc"}},
	Pager:   gather.Pager{Type: "mini", ItemsPerPage: 10},
	Display: gather.Display{Path: "/recent-pages", Title: "Recent pages", Empty: "No pages have been published yet."},
}

// demoPages are the demo site's pages; there are more than fit one page of
// /recent-pages so the pager shows.
var demoPages = [][2]string{
	{"Welcome to Trovato", "A site builder in the tradition of Drupal, on modern foundations"},
	{"About us", "Who we are and what we do"},
	{"Contact", "Write to us, we answer within a day"},
	{"Getting started", "Content types, fields and listings without code"},
	{"Editing content", "Revisions keep every change"},
	{"Stages", "Draft a whole release and publish it at once"},
	{"Listings", "Gather builds pages of content from a definition"},
	{"Plugins", "Go compiled to WebAssembly, sandboxed"},
	{"Themes", "templ components and plain CSS"},
	{"People and permissions", "Roles decide who may do what"},
	{"Performance", "Measured, not guessed"},
	{"Frequently asked questions", "Short answers to common questions"},
}

const configInstalled = "site.installed"

// Setup seeds a new site once: an administrator account named "admin" (with
// adminPassword, or a random one that is returned so the caller can print
// it), the demo pages and the recent-pages listing. On later runs it does
// nothing and reports installed=false.
func (s *Server) Setup(ctx context.Context, adminPassword string, progress io.Writer) (installed bool, password string, err error) {
	q := db.New(s.Pool)
	if _, err := q.GetConfig(ctx, configInstalled); err == nil {
		return false, "", nil
	} else if !errs.Is(pg.Classify(err, "config"), errs.NotFound) {
		return false, "", fmt.Errorf("read install marker: %w", err)
	}
	password = adminPassword
	if password == "" {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return false, "", err
		}
		password = base64.RawURLEncoding.EncodeToString(b)
	}
	if _, err := s.Users.Create(ctx, "admin", password, true); err != nil && !errs.Is(err, errs.Conflict) {
		return false, "", fmt.Errorf("create admin: %w", err)
	}
	fmt.Fprintln(progress, "Created the administrator account.")
	admin, err := s.Users.LoadByName(ctx, "admin")
	if err != nil {
		return false, "", err
	}
	page, err := s.Items.GetType(ctx, "page")
	if errs.Is(err, errs.NotFound) {
		return false, "", errors.New("the page plugin is not loaded (is TROVATO_PLUGINS_DIR right? run make build); see /health")
	}
	if err != nil {
		return false, "", err
	}
	for i, p := range demoPages {
		_, err := s.Items.Create(ctx, admin, page, item.Input{
			Title:  p[0],
			Fields: item.Values{"field_subtitle": {{"value": p[1]}}},
			Log:    "Demo content",
		})
		if err != nil {
			return false, "", fmt.Errorf("create demo page %q: %w", p[0], err)
		}
		fmt.Fprintf(progress, "\rCreating demo pages: %d/%d", i+1, len(demoPages))
	}
	fmt.Fprintln(progress)
	def := RecentPages
	if err := s.Gather.Save(ctx, "recent_pages", "Recent pages", &def); err != nil {
		return false, "", err
	}
	fmt.Fprintln(progress, "Created the listing /recent-pages.")
	// The tutorial's example plugin starts disabled, as Drupal's example
	// modules do; enable it in /admin/plugins to follow plugins/README.md.
	for _, p := range s.Plugins.Status() {
		if p.Name == "hello" && p.Enabled {
			if err := s.Plugins.Disable(ctx, "hello"); err != nil {
				return false, "", fmt.Errorf("disable the hello example: %w", err)
			}
			fmt.Fprintln(progress, "The example plugin hello is disabled; enable it in /admin/plugins.")
		}
	}
	marker, _ := json.Marshal(true)
	if err := q.SetConfig(ctx, db.SetConfigParams{Name: configInstalled, Value: marker}); err != nil {
		return false, "", fmt.Errorf("write install marker: %w", err)
	}
	return true, password, nil
}
