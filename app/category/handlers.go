package category

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/textformat"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

// Permissions of the item package the term page checks (kept as strings so
// this package does not depend on item).
const (
	permAccessContent     = "access content"
	permViewUnpublished   = "view unpublished content"
	permAdministerContent = "administer content"
)

// pageSize is the number of items per term page.
const pageSize = 10

const adminURL = "/admin/structure/categories"

func vocabularyURL(id string) string { return adminURL + "/" + id }

// Handlers serve the category admin pages and the term page.
type Handlers struct {
	cats  *Service
	pages *web.Pages
	forms *form.Processor
}

// NewHandlers returns the category handlers.
func NewHandlers(cats *Service, pages *web.Pages, forms *form.Processor) *Handlers {
	return &Handlers{cats: cats, pages: pages, forms: forms}
}

// Vocabularies serves GET /admin/structure/categories.
func (h *Handlers) Vocabularies(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	vocabs, err := h.cats.Vocabularies(c.UserContext())
	if err != nil {
		return err
	}
	var p views.VocabulariesProps
	for _, v := range vocabs {
		p.Rows = append(p.Rows, views.VocabularyRow{ID: v.ID, Label: v.Label, Description: v.Description,
			Hierarchy: v.Hierarchy.String(), Terms: v.Terms})
	}
	return h.pages.Admin(c, fiber.StatusOK, "structure", "Categories", views.Vocabularies(p))
}

// hierarchyOptions offers the three hierarchies.
func hierarchyOptions() []form.Option {
	var out []form.Option
	for _, h := range []Hierarchy{Flat, Single, Multiple} {
		out = append(out, form.Option{Value: strconv.Itoa(int(h)), Label: h.String()})
	}
	return out
}

// weightElement is the weight input of both forms.
func weightElement(w int) *form.Element {
	return &form.Element{Key: "weight", Type: form.Number, Label: "Weight", Step: "1", Value: strconv.Itoa(w),
		Description: "Lighter entries are listed first."}
}

// vocabularyForm builds the add (v nil) or edit form of a vocabulary.
func vocabularyForm(v *Vocabulary) form.Builder {
	return func(_ context.Context, _ *form.State) (*form.Form, error) {
		f := &form.Form{ID: "category_vocabulary_add", Action: adminURL + "/add"}
		label := &form.Element{Key: "label", Type: form.TextField, Label: "Name", Required: true, MaxLength: 64,
			Description: "The human-readable name of this vocabulary, e.g. \"Tags\"."}
		f.Elements = append(f.Elements, label)
		if v == nil {
			f.Elements = append(f.Elements, &form.Element{Key: "id", Type: form.TextField, Label: "Machine name", MaxLength: 32,
				Description: "Lower-case letters, digits and underscores. Leave empty to derive it from the name; it cannot be changed later."})
		} else {
			f.ID, f.Action = "category_vocabulary_edit", vocabularyURL(v.ID)+"/edit"
			label.Value = v.Label
			f.Elements = append(f.Elements, &form.Element{Key: "id_info", Type: form.Markup, Markup: "Machine name: " + v.ID})
		}
		desc := &form.Element{Key: "description", Type: form.TextArea, Label: "Description", Rows: 3}
		hier := &form.Element{Key: "hierarchy", Type: form.Radios, Label: "Hierarchy", Required: true, Options: hierarchyOptions(),
			Value: strconv.Itoa(int(Single)), Description: "Flat vocabularies are tag lists; the others arrange terms in a tree."}
		weight := weightElement(0)
		if v != nil {
			desc.Value, hier.Value, weight.Value = v.Description, strconv.Itoa(int(v.Hierarchy)), strconv.Itoa(v.Weight)
		}
		f.Elements = append(f.Elements, desc, hier, weight,
			&form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save vocabulary"}}})
		return f, nil
	}
}

// readVocabulary fills v from the submitted form.
func readVocabulary(v *Vocabulary, values form.Values) {
	v.Label, v.Description = strings.TrimSpace(values.Get("label")), values.Get("description")
	h, _ := strconv.Atoi(values.Get("hierarchy"))
	v.Hierarchy = Hierarchy(h)
	v.Weight, _ = strconv.Atoi(values.Get("weight"))
}

// VocabularyAddForm serves GET /admin/structure/categories/add.
func (h *Handlers) VocabularyAddForm(c *fiber.Ctx) error {
	return h.showForm(c, "Add vocabulary", "category_vocabulary_add", vocabularyForm(nil))
}

// VocabularyAdd serves POST /admin/structure/categories/add.
func (h *Handlers) VocabularyAdd(c *fiber.Ctx) error {
	return h.processForm(c, "Add vocabulary", "category_vocabulary_add", vocabularyForm(nil), func(res *form.Result) (string, error) {
		var v Vocabulary
		readVocabulary(&v, res.Values)
		if v.ID = res.Values.Get("id"); v.ID == "" {
			v.ID = MachineName(v.Label)
		}
		if err := h.cats.CreateVocabulary(c.UserContext(), v); err != nil {
			return "", err
		}
		return vocabularyURL(v.ID), h.pages.Sessions.Flash(c, "The vocabulary "+v.Label+" has been added.")
	})
}

// VocabularyEditForm serves GET /admin/structure/categories/{vocab}/edit.
func (h *Handlers) VocabularyEditForm(c *fiber.Ctx) error {
	v, err := h.cats.Vocabulary(c.UserContext(), c.Params("vocab"))
	if err != nil {
		return err
	}
	return h.showForm(c, "Edit "+v.Label, "category_vocabulary_edit", vocabularyForm(v))
}

// VocabularyEdit serves POST /admin/structure/categories/{vocab}/edit.
func (h *Handlers) VocabularyEdit(c *fiber.Ctx) error {
	v, err := h.cats.Vocabulary(c.UserContext(), c.Params("vocab"))
	if err != nil {
		return err
	}
	return h.processForm(c, "Edit "+v.Label, "category_vocabulary_edit", vocabularyForm(v), func(res *form.Result) (string, error) {
		readVocabulary(v, res.Values)
		if err := h.cats.SaveVocabulary(c.UserContext(), *v); err != nil {
			return "", err
		}
		return adminURL, h.pages.Sessions.Flash(c, "The vocabulary "+v.Label+" has been updated.")
	})
}

// VocabularyDelete serves GET and POST
// /admin/structure/categories/{vocab}/delete: a confirmation that says how
// many terms go with the vocabulary.
func (h *Handlers) VocabularyDelete(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	v, err := h.cats.Vocabulary(ctx, c.Params("vocab"))
	if err != nil {
		return err
	}
	if c.Method() == fiber.MethodPost {
		if err := h.cats.DeleteVocabulary(ctx, v.ID); err != nil {
			return err
		}
		if err := h.pages.Sessions.Flash(c, "The vocabulary "+v.Label+" has been deleted."); err != nil {
			return err
		}
		return c.Redirect(adminURL, fiber.StatusSeeOther)
	}
	n, err := h.cats.CountTerms(ctx, v.ID)
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Are you sure you want to delete the vocabulary %s? It has no terms.", v.Label)
	if n > 0 {
		q = fmt.Sprintf("Are you sure you want to delete the vocabulary %s and its %d term(s)? Content keeps its references to them, which will show as missing.", v.Label, n)
	}
	return h.confirm(c, "Delete "+v.Label, views.ConfirmProps{Question: q, Action: c.Path(), Confirm: "Delete", CancelURL: adminURL})
}

// Terms serves GET /admin/structure/categories/{vocab}: the term tree.
func (h *Handlers) Terms(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	v, err := h.cats.Vocabulary(ctx, c.Params("vocab"))
	if err != nil {
		return err
	}
	tree, err := h.cats.Tree(ctx, v.ID)
	if err != nil {
		return err
	}
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	p := views.TermsProps{Vocabulary: v.ID, Label: v.Label, CSRFToken: token}
	seen := map[uuid.UUID]bool{}
	span := max(weightSpan, len(tree))
	for _, t := range tree {
		row := views.TermRow{ID: t.ID.String(), Name: t.Name, Depth: t.Depth, URL: TermURL(t.ID), Weight: t.Weight, First: !seen[t.ID]}
		if t.Parent != uuid.Nil {
			row.Parent = t.Parent.String()
		}
		seen[t.ID] = true
		span = max(span, t.Weight, -t.Weight)
		p.Rows = append(p.Rows, row)
	}
	for w := -span; w <= span; w++ {
		p.Weights = append(p.Weights, w)
	}
	return h.pages.Admin(c, fiber.StatusOK, "structure", v.Label, views.Terms(p))
}

// weightSpan is the smallest range of the reorder form's weight selects
// (-weightSpan … weightSpan); it widens to the number of terms and to any
// weight already stored.
const weightSpan = 50

// SaveOrder serves POST /admin/structure/categories/{vocab}/order: the
// reorder form (weight.<term id> = weight, one per term), posted by its
// "Save order" button with or without drag and drop.
func (h *Handlers) SaveOrder(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	v, err := h.cats.Vocabulary(c.UserContext(), c.Params("vocab"))
	if err != nil {
		return err
	}
	values := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, val []byte) {
		values[string(k)] = append(values[string(k)], string(val))
	})
	weights := map[uuid.UUID]int{}
	for k, vals := range values {
		rest, ok := strings.CutPrefix(k, "weight.")
		if !ok || len(vals) == 0 {
			continue
		}
		id, err := uuid.Parse(rest)
		if err != nil {
			return errs.New(errs.Invalid, "The order form names a term that does not exist.")
		}
		w, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err != nil || w < -1000000 || w > 1000000 {
			return errs.New(errs.Invalid, "Weights are whole numbers.")
		}
		weights[id] = w
	}
	n, err := h.cats.SaveOrder(WithAuthor(c.UserContext(), web.Account(c)), v.ID, weights)
	if err != nil {
		return err
	}
	msg := "The order has been saved."
	if n == 0 {
		msg = "The order is unchanged."
	}
	if err := h.pages.Sessions.Flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(vocabularyURL(v.ID), fiber.StatusSeeOther)
}

// indented lists the terms of a tree once each (under their first
// parent), as select options indented by depth.
func indented(tree []TreeTerm, skip uuid.UUID) []form.Option {
	seen := map[uuid.UUID]bool{}
	var out []form.Option
	for _, t := range tree {
		if seen[t.ID] || t.ID == skip {
			continue
		}
		seen[t.ID] = true
		out = append(out, form.Option{Value: t.ID.String(), Label: strings.Repeat("-", t.Depth) + t.Name})
	}
	return out
}

// termForm builds the add (t nil) or edit form of a term of v. The parents
// element follows the vocabulary's hierarchy: none when flat, a single
// select (with "<root>") for single, a multiple select for multiple.
//
// The description has a text format select offering the formats the user
// may use (can is the user's permission check), as on items; a description
// stored in a format the user may not use is shown read-only and kept as
// stored (see descriptionLocked).
func (h *Handlers) termForm(v *Vocabulary, t *Term, can func(string) bool) form.Builder {
	return func(ctx context.Context, _ *form.State) (*form.Form, error) {
		f := &form.Form{ID: "category_term_add", Action: vocabularyURL(v.ID) + "/add"}
		name := &form.Element{Key: "name", Type: form.TextField, Label: "Name", Required: true, MaxLength: 255}
		desc := &form.Element{Key: "description", Type: form.TextArea, Label: "Description", Rows: 4,
			Description: "Shown on the term page."}
		allowed := textformat.Allowed(can)
		format := &form.Element{Key: "format", Type: form.Select, Label: "Text format", Options: formatOptions(allowed), Value: allowed[0].Name}
		weight := weightElement(0)
		skip := uuid.Nil
		if t != nil {
			f.ID, f.Action = "category_term_edit", t.URL()+"/edit"
			name.Value, desc.Value, weight.Value = t.Name, t.Description, strconv.Itoa(t.Weight)
			if textformat.CanUse(can, t.Format) {
				format.Value = t.Format
			}
			skip = t.ID
			if descriptionLocked(t, can) {
				fm, _ := textformat.Get(t.Format)
				desc.Disabled = true
				desc.Description = fmt.Sprintf("This description uses the %s format, which you are not allowed to use; it is shown read-only.", fm.Label)
				format.Disabled, format.Options, format.Value = true, formatOptions([]textformat.Format{fm}), fm.Name
			}
		}
		f.Elements = append(f.Elements, name, desc, format)
		if v.Hierarchy != Flat {
			tree, err := h.cats.Tree(ctx, v.ID)
			if err != nil {
				return nil, err
			}
			parents := &form.Element{Key: "parents", Type: form.Select, Label: "Parent terms", Options: indented(tree, skip)}
			if v.Hierarchy == Multiple {
				parents.Multiple = true
				parents.Description = "Leave none selected for a top-level term."
				if t != nil {
					for _, p := range t.Parents {
						parents.Values = append(parents.Values, p.String())
					}
				}
			} else {
				parents.Label = "Parent term"
				parents.Options = append([]form.Option{{Value: "", Label: "<root>"}}, parents.Options...)
				if t != nil && len(t.Parents) > 0 {
					parents.Value = t.Parents[0].String()
				}
			}
			f.Elements = append(f.Elements, parents)
		}
		f.Elements = append(f.Elements, weight,
			&form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save term"}}})
		return f, nil
	}
}

// formatOptions lists text formats for a select.
func formatOptions(formats []textformat.Format) []form.Option {
	out := make([]form.Option, 0, len(formats))
	for _, f := range formats {
		out = append(out, form.Option{Value: f.Name, Label: f.Label})
	}
	return out
}

// descriptionLocked reports whether t's description is in a format the
// user (permission check can) may not use: the form shows it read-only, and
// a submission keeps it as stored.
func descriptionLocked(t *Term, can func(string) bool) bool {
	return t != nil && strings.TrimSpace(t.Description) != "" && !textformat.CanUse(can, t.Format)
}

// readTerm fills t from the submitted form. A locked description (see
// descriptionLocked) is kept as stored; otherwise the format must be one
// the user may use.
func readTerm(t *Term, values form.Values, can func(string) bool) error {
	locked := descriptionLocked(t, can)
	t.Name = strings.TrimSpace(values.Get("name"))
	if !locked {
		t.Description, t.Format = values.Get("description"), values.Get("format")
		if t.Format == "" {
			t.Format = textformat.Plain
		}
		if !textformat.CanUse(can, t.Format) {
			return errs.InvalidFields(map[string]string{"format": "Choose a text format you are allowed to use."})
		}
	}
	t.Weight, _ = strconv.Atoi(values.Get("weight"))
	t.Parents = nil
	for _, s := range values.All("parents") {
		if s == "" {
			continue
		}
		id, err := uuid.Parse(s)
		if err != nil {
			return errs.InvalidFields(map[string]string{"parents": "Choose parents from the list."})
		}
		t.Parents = append(t.Parents, id)
	}
	return nil
}

// TermAddForm serves GET /admin/structure/categories/{vocab}/add.
func (h *Handlers) TermAddForm(c *fiber.Ctx) error {
	v, err := h.cats.Vocabulary(c.UserContext(), c.Params("vocab"))
	if err != nil {
		return err
	}
	return h.showForm(c, "Add term to "+v.Label, "category_term_add", h.termForm(v, nil, web.Account(c).Can))
}

// TermAdd serves POST /admin/structure/categories/{vocab}/add.
func (h *Handlers) TermAdd(c *fiber.Ctx) error {
	v, err := h.cats.Vocabulary(c.UserContext(), c.Params("vocab"))
	if err != nil {
		return err
	}
	can := web.Account(c).Can
	return h.processForm(c, "Add term to "+v.Label, "category_term_add", h.termForm(v, nil, can), func(res *form.Result) (string, error) {
		t := Term{VocabularyID: v.ID}
		if err := readTerm(&t, res.Values, can); err != nil {
			return "", err
		}
		saved, err := h.cats.CreateTerm(WithAuthor(c.UserContext(), web.Account(c)), t)
		if err != nil {
			return "", err
		}
		return vocabularyURL(v.ID), h.pages.Sessions.Flash(c, "The term "+saved.Name+" has been added.")
	})
}

// termAndVocabulary loads the term named by the :id parameter and its
// vocabulary.
func (h *Handlers) termAndVocabulary(c *fiber.Ctx) (*Term, *Vocabulary, error) {
	id, err := uuid.Parse(c.Params("id"))
	if err != nil {
		return nil, nil, errs.New(errs.NotFound, "There is no such term.")
	}
	t, err := h.cats.Term(c.UserContext(), id)
	if err != nil {
		return nil, nil, err
	}
	v, err := h.cats.Vocabulary(c.UserContext(), t.VocabularyID)
	return t, v, err
}

// TermEditForm serves GET /category/{id}/edit.
func (h *Handlers) TermEditForm(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	t, v, err := h.termAndVocabulary(c)
	if err != nil {
		return err
	}
	return h.showForm(c, "Edit term "+t.Name, "category_term_edit", h.termForm(v, t, web.Account(c).Can))
}

// TermEdit serves POST /category/{id}/edit.
func (h *Handlers) TermEdit(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	t, v, err := h.termAndVocabulary(c)
	if err != nil {
		return err
	}
	can := web.Account(c).Can
	return h.processForm(c, "Edit term "+t.Name, "category_term_edit", h.termForm(v, t, can), func(res *form.Result) (string, error) {
		if err := readTerm(t, res.Values, can); err != nil {
			return "", err
		}
		if err := h.cats.SaveTerm(WithAuthor(c.UserContext(), web.Account(c)), *t); err != nil {
			return "", err
		}
		return vocabularyURL(v.ID), h.pages.Sessions.Flash(c, "The term "+t.Name+" has been updated.")
	})
}

// TermDelete serves GET and POST /category/{id}/delete.
func (h *Handlers) TermDelete(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	t, v, err := h.termAndVocabulary(c)
	if err != nil {
		return err
	}
	if c.Method() == fiber.MethodPost {
		if err := h.cats.DeleteTerm(WithAuthor(ctx, web.Account(c)), t.ID); err != nil {
			return err
		}
		if err := h.pages.Sessions.Flash(c, "The term "+t.Name+" has been deleted."); err != nil {
			return err
		}
		return c.Redirect(vocabularyURL(v.ID), fiber.StatusSeeOther)
	}
	below, err := h.cats.Descendants(ctx, t.ID)
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Are you sure you want to delete the term %s?", t.Name)
	if len(below) > 0 {
		q += fmt.Sprintf(" Its %d narrower term(s) are kept; those left without a parent move to the top level.", len(below))
	}
	return h.confirm(c, "Delete term "+t.Name, views.ConfirmProps{Question: q, Action: c.Path(), Confirm: "Delete", CancelURL: vocabularyURL(v.ID)})
}

// TermPage serves GET /category/{id}: the term's description, breadcrumbs
// to it, and the items tagged with it, newest first, ten a page.
// ?descendants=1 includes items tagged with narrower terms. Unpublished
// items are listed only to viewers who may see unpublished content.
func (h *Handlers) TermPage(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, permAccessContent); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	t, _, err := h.termAndVocabulary(c)
	if err != nil {
		return err
	}
	ancestors, err := h.cats.Ancestors(ctx, t.ID)
	if err != nil {
		return err
	}
	below, err := h.cats.Descendants(ctx, t.ID)
	if err != nil {
		return err
	}
	withBelow := c.Query("descendants") == "1"
	terms := []uuid.UUID{t.ID}
	if withBelow {
		for _, d := range below {
			terms = append(terms, d.ID)
		}
	}
	page := max(c.QueryInt("page", 0), 0)
	acct := web.Account(c)
	unpublished := acct.Can(permViewUnpublished) || acct.Can(permAdministerContent)
	items, err := h.cats.TaggedItems(ctx, t.VocabularyID, terms, unpublished, page*pageSize, pageSize+1)
	if err != nil {
		return err
	}
	p := views.TermPageProps{WithDescendants: withBelow, HasChildren: len(below) > 0}
	if strings.TrimSpace(t.Description) != "" {
		_, p.DescriptionHTML = textformat.Render(t.Format, t.Description)
	}
	for _, a := range ancestors {
		p.Crumbs = append(p.Crumbs, views.Crumb{Label: a.Name, URL: TermURL(a.ID)})
	}
	for i, it := range items {
		if i == pageSize {
			break
		}
		p.Items = append(p.Items, views.TaggedRow{Title: it.Title, URL: "/item/" + it.ID.String(), Type: it.Type,
			Created: it.Created.Format("2 January 2006"), Unpublished: !it.Status})
	}
	pageURL := func(n int, below bool) string {
		q := url.Values{}
		if below {
			q.Set("descendants", "1")
		}
		if n > 0 {
			q.Set("page", strconv.Itoa(n))
		}
		if len(q) == 0 {
			return t.URL()
		}
		return t.URL() + "?" + q.Encode()
	}
	p.DescendantsURL = pageURL(0, !withBelow)
	if page > 0 {
		p.PrevURL = pageURL(page-1, withBelow)
	}
	if len(items) > pageSize {
		p.NextURL = pageURL(page+1, withBelow)
	}
	return h.pages.Visitor(c, fiber.StatusOK, t.Name, views.TermPage(p))
}

// Autocomplete serves GET /category/autocomplete?vocab=…&q=…: up to ten
// terms of the vocabulary whose names contain q, as JSON
// [{"id","label"}], for the free-tagging widget. Signed-in users who may
// access content may ask.
func (h *Handlers) Autocomplete(c *fiber.Ctx) error {
	acct := web.Account(c)
	if !acct.IsAuthenticated() || !acct.Can(permAccessContent) {
		return errs.New(errs.Forbidden, "You are not authorized to access this page.")
	}
	vocab := c.Query("vocab")
	if _, err := h.cats.Vocabulary(c.UserContext(), vocab); err != nil {
		return err
	}
	out, err := h.cats.Suggest(c.UserContext(), vocab, c.Query("q"), 10)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// TaggingContext is middleware for the item pages: it records in the
// request context whether the user may create terms by free tagging
// (WithTagging), which the category_reference field reads on save.
func TaggingContext(c *fiber.Ctx) error {
	acct := web.Account(c)
	c.SetUserContext(WithAuthor(WithTagging(c.UserContext(), acct.Can(PermCreateByTagging) || acct.Can(PermAdminister)), acct))
	return c.Next()
}

// confirm renders a confirmation form in the admin shell.
func (h *Handlers) confirm(c *fiber.Ctx, title string, p views.ConfirmProps) error {
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	p.CSRFToken = token
	return h.pages.Admin(c, fiber.StatusOK, "structure", title, views.Confirm(p))
}

// showForm renders a new admin form after the permission check.
func (h *Handlers) showForm(c *fiber.Ctx, title, formID string, build form.Builder) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	f, err := h.pages.NewForm(c, h.forms, &form.State{FormID: formID}, build)
	if err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, "structure", title, views.Form(f))
}

// processForm runs an admin form's submit lifecycle (web.Pages.SubmitForm)
// after the permission check.
func (h *Handlers) processForm(c *fiber.Ctx, title, formID string, build form.Builder, submit func(*form.Result) (string, error)) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	return h.pages.SubmitForm(c, h.forms, formID, build, submit, func(status int, f *form.Form) error {
		return h.pages.Admin(c, status, "structure", title, views.Form(f))
	})
}
