package gather

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/theme"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// ExposedFormPrefix starts the form id of every exposed filter form
// ("gather_exposed_<listing name>"). Plugins alter these forms through
// tap_form_alter like any other form — that is Trovato's
// tap_gather_exposed_form_alter: match the form id prefix. The request is
// still read only under the identifiers the definition declares, so an
// alteration can relabel, reorder, restrict options or hide filters, but
// cannot make the listing read other query keys.
const ExposedFormPrefix = "gather_exposed_"

// Handlers serve listing pages and their JSON.
type Handlers struct {
	gather *Service
	pages  *web.Pages
	alter  func(context.Context, *form.Form)
}

// NewHandlers returns the listing page handlers.
func NewHandlers(s *Service, pages *web.Pages) *Handlers { return &Handlers{gather: s, pages: pages} }

// SetFormAlter installs the hook that alters exposed filter forms (the
// plugin host's tap_form_alter).
func (h *Handlers) SetFormAlter(fn func(context.Context, *form.Form)) { h.alter = fn }

// Page serves any path a listing's page display claims, so new listings
// appear without a restart; other paths fall through to the next handler.
// <path>.json answers the same page as JSON. ?page=N (0-based) selects the
// page; exposed filters read their identifiers from the query string.
// htmx requests (form changes, pager links) get only the results region;
// a history restore gets the full page.
func (h *Handlers) Page(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return c.Next()
	}
	path, asJSON := c.Path(), false
	if p, ok := strings.CutSuffix(path, ".json"); ok {
		path, asJSON = p, true
	}
	v, args, ok := h.gather.Match(path)
	if !ok {
		return c.Next()
	}
	acct := web.Account(c)
	if !acct.Can("access content") {
		return errs.New(errs.Forbidden, "You are not authorized to access this page.")
	}
	viewer := viewerOf(c)
	ctx := c.UserContext()
	schema, err := h.gather.Schema(ctx)
	if err != nil {
		return err
	}
	input := readInput(v.Def, c.Query)
	req := Request{Page: max(c.QueryInt("page", 0), 0), Input: input, Args: args, Schema: schema}
	res, err := h.gather.RunRequest(ctx, v.Def, viewer, req)
	problems := errs.FieldsOf(err)
	if err != nil && (len(problems) == 0 || !errs.Is(err, errs.Invalid)) {
		return err
	}
	status := fiber.StatusOK
	if problems != nil {
		status = fiber.StatusUnprocessableEntity
		res = &Result{Total: -1, Stage: viewer.Stage}
	}
	if asJSON {
		return c.Status(status).JSON(h.jsonPage(ctx, v, res, input, c.Path(), problems))
	}
	props, err := h.props(ctx, v, path, res, input, problems, schema)
	if err != nil {
		return err
	}
	if c.Get("HX-History-Restore-Request") == "true" {
		// htmx restoring a page it has no snapshot of wants the whole page.
		c.Request().Header.Del(web.HXRequest)
	}
	if web.IsPartial(c) {
		return web.Render(c, status, views.GatherResults(props))
	}
	return h.pages.Visitor(c, status, v.Def.Display.Title, views.GatherPage(props))
}

// readInput takes the values of the definition's exposed filters, and
// nothing else, from the query string.
func readInput(d *Definition, query func(string, ...string) string) map[string]string {
	in := map[string]string{}
	for _, f := range d.Exposed() {
		keys := []string{f.Expose.Identifier}
		if f.Expose.Widget == "date_range" {
			keys = []string{f.Expose.Identifier + "_from", f.Expose.Identifier + "_to"}
		}
		for _, k := range keys {
			if s := strings.TrimSpace(query(k)); s != "" {
				in[k] = s
			}
		}
	}
	return in
}

// pageURL is path with the exposed input (only declared keys, non-empty,
// in sorted order) and the page: what pager links and pushed URLs hold.
func pageURL(path string, input map[string]string, page int) string {
	q := url.Values{}
	for k, v := range input {
		q.Set(k, v)
	}
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// pager builds the page links of a result.
func pager(d *Definition, path string, input map[string]string, res *Result) views.GatherPager {
	var p views.GatherPager
	if d.Pager.Type == "none" {
		return p
	}
	if res.Page > 0 {
		p.PrevURL = pageURL(path, input, res.Page-1)
	}
	if res.HasNext {
		p.NextURL = pageURL(path, input, res.Page+1)
	}
	if res.Pages > 1 {
		// Numbered links: the first, the last and four either side of the current page.
		for n := 0; n < res.Pages; n++ {
			if n == 0 || n == res.Pages-1 || (n >= res.Page-4 && n <= res.Page+4) {
				p.Pages = append(p.Pages, views.GatherPageLink{Number: n + 1, URL: pageURL(path, input, n), Current: n == res.Page})
			}
		}
	}
	return p
}

// props renders a result into the page's typed props.
func (h *Handlers) props(ctx context.Context, v *View, path string, res *Result, input map[string]string,
	problems map[string]string, schema Schema) (views.GatherProps, error) {
	d := v.Def
	p := views.GatherProps{ID: "gather-" + v.Name, Path: path, Format: d.Display.Format, Pager: pager(d, path, input, res)}
	if p.Format == "" {
		p.Format = "list"
	}
	th := h.pages.Theme
	text := func(s string) templ.Component {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		el, _ := render.Sanitize(render.Element{Type: render.TypeMarkup, Format: d.Display.TextFormat, Text: s})
		return theme.Tree(th, el)
	}
	p.Header, p.Footer = text(d.Display.Header), text(d.Display.Footer)
	empty := d.Display.Empty
	if empty == "" {
		empty = "There is no content to show here yet."
	}
	emptyEl, _ := render.Sanitize(render.Element{Type: render.TypeText, Classes: []string{"gather-empty"}, Text: empty})
	p.Empty = theme.Tree(th, emptyEl)
	for _, s := range d.Fields {
		p.Columns = append(p.Columns, columnLabel(s, schema))
	}
	terms, err := h.gather.termNames(ctx, d, res, schema)
	if err != nil {
		return p, err
	}
	for _, r := range res.Rows {
		row := views.GatherRow{Type: r.Type}
		for _, s := range d.Fields {
			cell := views.GatherCell{Field: s.Field, Label: s.Label}
			if p.Format == "table" {
				cell.Label = ""
			}
			el := render.Element{Type: render.TypeContainer, Classes: []string{"gather-value"}, Children: cellElements(s, r, schema, terms)}
			if len(el.Children) == 1 {
				el = el.Children[0]
			}
			el, _ = render.Sanitize(el)
			cell.Content = theme.Tree(th, el)
			row.Cells = append(row.Cells, cell)
		}
		p.Rows = append(p.Rows, row)
	}
	f, err := h.exposedForm(web.WithStage(ctx, web.Stage{Chain: res.Stage}), v, path, input, problems, schema)
	if err != nil {
		return p, err
	}
	p.Form = f
	if f != nil && len(problems) > 0 {
		// Messages in form order, for the summary above the results.
		f.Walk(func(e *form.Element) {
			if e.Error != "" {
				label := e.Label
				if label == "" {
					label = e.Key
				}
				p.Errors = append(p.Errors, label+": "+e.Error)
			}
		})
	}
	return p, nil
}

func columnLabel(s Show, schema Schema) string {
	if s.Label != "" {
		return s.Label
	}
	if l := schema[s.Field].Label; l != "" {
		return l
	}
	return strings.ToUpper(s.Field[:1]) + strings.ReplaceAll(strings.TrimPrefix(s.Field[1:], "ield_"), "_", " ")
}

// exposedForm builds the exposed filter form through the Form API, fills
// it with the input, marks invalid input, and lets plugins alter it.
func (h *Handlers) exposedForm(ctx context.Context, v *View, path string, input, problems map[string]string, schema Schema) (*form.Form, error) {
	exposed := v.Def.Exposed()
	if len(exposed) == 0 {
		return nil, nil
	}
	f := &form.Form{ID: ExposedFormPrefix + v.Name, Action: path, Method: "get"}
	for i, flt := range exposed {
		e := flt.Expose
		el := &form.Element{Key: e.Identifier, Label: e.Label, Weight: i, Value: input[e.Identifier], Error: problems[e.Identifier]}
		switch e.Widget {
		case "text":
			el.Type = form.TextField
			el.MaxLength = 200
			switch flt.Op {
			case "year":
				el.Placeholder = "e.g. 2024"
			case "fulltext":
				el.Placeholder = "Words to find"
			}
		case "checkbox":
			el.Type = form.Checkbox
			if input[e.Identifier] != "" {
				el.Value = "1"
			}
		case "select":
			el.Type = form.Select
			el.Options = []form.Option{{Value: "", Label: "- Any -"}}
			opts, err := h.gather.choices(ctx, flt, schema)
			if err != nil {
				return nil, err
			}
			el.Options = append(el.Options, opts...)
		case "date_range":
			el.Type = form.Fieldset
			el.Value = ""
			el.Children = []*form.Element{
				{Key: e.Identifier + "_from", Type: form.Date, Label: "From", Value: input[e.Identifier+"_from"], Error: problems[e.Identifier+"_from"]},
				{Key: e.Identifier + "_to", Type: form.Date, Label: "To", Value: input[e.Identifier+"_to"], Error: problems[e.Identifier+"_to"]},
			}
		}
		f.Elements = append(f.Elements, el)
	}
	if h.alter != nil {
		h.alter(ctx, f)
	}
	return f, nil
}

// choices are a select widget's options: its own, its vocabulary's terms
// (in tree order, indented, as the stage of ctx sees them: the listing's),
// or the list field's allowed values.
func (s *Service) choices(ctx context.Context, f Filter, schema Schema) ([]form.Option, error) {
	var out []form.Option
	for _, o := range f.Expose.Options {
		out = append(out, form.Option{Value: o.Value, Label: o.Label})
	}
	if len(out) > 0 {
		return out, nil
	}
	if vocab := f.Expose.Vocabulary; vocab != "" {
		terms, err := s.cats.Tree(ctx, vocab)
		if err != nil {
			return nil, err
		}
		for _, t := range terms {
			out = append(out, form.Option{Value: t.ID.String(), Label: strings.Repeat("-", int(t.Depth)) + t.Name})
		}
		return out, nil
	}
	for _, o := range schema[f.Field].Allowed {
		out = append(out, form.Option{Value: o.Value, Label: o.Label})
	}
	return out, nil
}

// termNames loads the names of the terms shown in category_reference
// fields of a result, in one query, as the result's stage (res.Stage;
// empty: Live) sees them: a term renamed in the stage by its stage name, a
// term created in it named, a term deleted in it left out of the cell.
func (s *Service) termNames(ctx context.Context, d *Definition, res *Result, schema Schema) (map[string]string, error) {
	var ids []uuid.UUID
	for _, sh := range d.Fields {
		if schema[sh.Field].Type != "category_reference" {
			continue
		}
		for _, r := range res.Rows {
			fields := r.Fields
			if sh.Relationship != "" {
				if rel := r.Related[sh.Relationship]; rel != nil {
					fields = rel.Fields
				}
			}
			for _, delta := range fields[sh.Field] {
				if id, err := uuid.Parse(fmt.Sprint(delta["target_id"])); err == nil {
					ids = append(ids, id)
				}
			}
		}
	}
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	byID, err := s.cats.Names(web.WithStage(ctx, web.Stage{Chain: res.Stage}), ids)
	if err != nil {
		return nil, fmt.Errorf("load term names: %w", err)
	}
	for id, name := range byID {
		names[id.String()] = name
	}
	return names, nil
}

// cellElements renders one shown field of a row (or of its related item).
func cellElements(s Show, r Row, schema Schema, terms map[string]string) []render.Element {
	cls := []string{"gather-field", "gather-field--" + s.Field}
	id, typ, title, created, changed, fields := r.ID, r.Type, r.Title, r.Created, r.Changed, r.Fields
	if s.Relationship != "" {
		rel := r.Related[s.Relationship]
		if rel == nil {
			return nil
		}
		id, typ, title, created, changed, fields = rel.ID, rel.Type, rel.Title, rel.Created, rel.Changed, rel.Fields
	}
	switch s.Field {
	case "title":
		if s.Formatter == "link" {
			return []render.Element{{Type: render.TypeLink, Classes: cls, Href: "/item/" + id.String(), Text: title}}
		}
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: title}}
	case "created":
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: created.Format("2 January 2006")}}
	case "changed":
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: changed.Format("2 January 2006")}}
	case "author":
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: r.Author}}
	case "type":
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: typ}}
	case "status", "sticky", "promote":
		on := map[string]bool{"status": r.Status, "sticky": r.Sticky}[s.Field]
		return []render.Element{{Type: render.TypeText, Classes: cls, Text: map[bool]string{true: "Yes", false: "No"}[on]}}
	}
	var out []render.Element
	for _, d := range fields[s.Field] {
		switch schema[s.Field].Type {
		case "category_reference":
			tid := fmt.Sprint(d["target_id"])
			if name, ok := terms[tid]; ok {
				out = append(out, render.Element{Type: render.TypeLink, Classes: cls, Href: "/category/" + tid, Text: name})
			}
			continue
		case "item_reference":
			tid := fmt.Sprint(d["target_id"])
			out = append(out, render.Element{Type: render.TypeLink, Classes: cls, Href: "/item/" + tid, Text: tid})
			continue
		case "link":
			uri, _ := d["uri"].(string)
			text, _ := d["title"].(string)
			if text == "" {
				text = uri
			}
			out = append(out, render.Element{Type: render.TypeLink, Classes: cls, Href: uri, Text: text})
			continue
		}
		switch val := d["value"].(type) {
		case string:
			if f, ok := d["format"].(string); ok {
				out = append(out, render.Element{Type: render.TypeMarkup, Classes: cls, Format: f, Text: val})
			} else {
				out = append(out, render.Element{Type: render.TypeText, Classes: cls, Text: val})
			}
		case float64:
			out = append(out, render.Element{Type: render.TypeText, Classes: cls, Text: strconv.FormatFloat(val, 'f', -1, 64)})
		case bool:
			out = append(out, render.Element{Type: render.TypeText, Classes: cls, Text: map[bool]string{true: "Yes", false: "No"}[val]})
		}
	}
	return out
}

// JSONRow is one item of a listing's JSON display.
type JSONRow struct {
	ID      uuid.UUID                   `json:"id"`
	Type    string                      `json:"type"`
	Title   string                      `json:"title"`
	URL     string                      `json:"url"`
	Author  string                      `json:"author"`
	Created time.Time                   `json:"created"`
	Changed time.Time                   `json:"changed"`
	Sticky  bool                        `json:"sticky"`
	Fields  map[string][]map[string]any `json:"fields,omitempty"` // the listing's shown fields only
}

// JSONPage is a listing's JSON display: one page of rows and the links.
type JSONPage struct {
	Name   string            `json:"name"`
	Title  string            `json:"title"`
	Page   int               `json:"page"`
	Rows   []JSONRow         `json:"rows"`
	Total  *int64            `json:"total,omitempty"` // full pager only
	Next   string            `json:"next,omitempty"`
	Prev   string            `json:"prev,omitempty"`
	Errors map[string]string `json:"errors,omitempty"` // invalid filter input by key
}

func (h *Handlers) jsonPage(_ context.Context, v *View, res *Result, input map[string]string, path string, problems map[string]string) JSONPage {
	out := JSONPage{Name: v.Name, Title: v.Def.Display.Title, Page: res.Page, Rows: []JSONRow{}, Errors: problems}
	if res.Total >= 0 {
		out.Total = &res.Total
	}
	if res.HasNext {
		out.Next = pageURL(path, input, res.Page+1)
	}
	if res.Page > 0 {
		out.Prev = pageURL(path, input, res.Page-1)
	}
	shown := map[string]bool{}
	for _, s := range v.Def.Fields {
		if s.Relationship == "" && fieldName.MatchString(s.Field) {
			shown[s.Field] = true
		}
	}
	names := make([]string, 0, len(shown))
	for n := range shown {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, r := range res.Rows {
		row := JSONRow{ID: r.ID, Type: r.Type, Title: r.Title, URL: "/item/" + r.ID.String(), Author: r.Author,
			Created: r.Created, Changed: r.Changed, Sticky: r.Sticky}
		for _, n := range names {
			if vals, ok := r.Fields[n]; ok {
				if row.Fields == nil {
					row.Fields = map[string][]map[string]any{}
				}
				row.Fields[n] = vals
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}
