package block

import (
	"context"
	"fmt"
	"slices"
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

const adminURL = "/admin/structure/blocks"

// Handlers serve the block layout admin under /admin/structure/blocks.
type Handlers struct {
	blocks   *Service
	listings Listings
	pages    *web.Pages
	forms    *form.Processor
}

// NewHandlers returns the block admin handlers.
func NewHandlers(blocks *Service, listings Listings, pages *web.Pages, forms *form.Processor) *Handlers {
	return &Handlers{blocks: blocks, listings: listings, pages: pages, forms: forms}
}

// choices returns the listings with a block display, by name.
func (h *Handlers) choices(ctx context.Context) ([]Listing, map[string]string, error) {
	if h.listings == nil {
		return nil, map[string]string{}, nil
	}
	list, err := h.listings.Choices(ctx)
	if err != nil {
		return nil, nil, err
	}
	labels := map[string]string{}
	for _, l := range list {
		labels[l.Name] = l.Label
	}
	return list, labels, nil
}

// List serves GET /admin/structure/blocks: the theme's regions with their
// blocks in order, then the disabled blocks.
func (h *Handlers) List(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	return h.renderLayout(c, fiber.StatusOK, nil, nil)
}

// renderLayout renders the layout page; posted (the layout form's values)
// and problems (by input name) come from a failed "Save blocks".
func (h *Handlers) renderLayout(c *fiber.Ctx, status int, posted form.Values, problems map[string]string) error {
	ctx := c.UserContext()
	all, err := h.blocks.List(ctx)
	if err != nil {
		return err
	}
	_, labels, err := h.choices(ctx)
	if err != nil {
		return err
	}
	th := h.blocks.Theme()
	regionLabel := map[string]string{}
	for _, r := range th.Regions() {
		regionLabel[r.Name] = r.Label
	}
	p := views.BlocksAdminProps{}
	byRegion := map[string][]views.BlockRow{}
	for _, b := range all {
		if b.Theme != th.Name() {
			continue
		}
		id := b.ID.String()
		row := views.BlockRow{ID: id, Title: adminTitle(b, labels), What: what(b, labels), Region: b.Region,
			RegionLabel: regionLabel[b.Region], Weight: strconv.Itoa(b.Weight), Visibility: visibilityText(b), Enabled: b.Enabled,
			RegionError: problems["region."+id], WeightError: problems["weight."+id]}
		if row.RegionLabel == "" {
			row.RegionLabel = b.Region + " (not in the theme)"
		}
		if !b.Enabled || regionLabel[b.Region] == "" {
			p.Disabled = append(p.Disabled, row)
			continue
		}
		if v, ok := posted["region."+id]; ok && len(v) > 0 {
			row.Region = v[0]
		}
		if v, ok := posted["weight."+id]; ok && len(v) > 0 {
			row.Weight = v[0]
		}
		if row.RegionError != "" {
			p.Errors = append(p.Errors, row.Title+": "+row.RegionError)
		}
		if row.WeightError != "" {
			p.Errors = append(p.Errors, row.Title+": "+row.WeightError)
		}
		byRegion[b.Region] = append(byRegion[b.Region], row)
	}
	for _, r := range th.Regions() {
		p.Regions = append(p.Regions, views.BlockRegionRows{Name: r.Name, Label: r.Label, Rows: byRegion[r.Name]})
	}
	if p.CSRFToken, err = h.pages.Sessions.CSRFToken(c); err != nil {
		return err
	}
	return h.pages.Admin(c, status, "structure", "Block layout", views.BlocksAdmin(p))
}

// Order serves POST /admin/structure/blocks/order ("Save blocks"): the
// region and weight of every enabled block of the layout page. Only
// blocks that exist are read (by their ids, never by request keys alone);
// invalid input answers 422 with the page as submitted and the messages at
// the inputs.
func (h *Handlers) Order(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	ctx := c.UserContext()
	all, err := h.blocks.List(ctx)
	if err != nil {
		return err
	}
	values := web.FormValues(c)
	moves := map[uuid.UUID]Move{}
	problems := map[string]string{}
	for _, b := range all {
		id := b.ID.String()
		region, hasRegion := values["region."+id]
		weight, hasWeight := values["weight."+id]
		if !hasRegion || !hasWeight || len(region) == 0 || len(weight) == 0 {
			continue // not on the page that was submitted (placed since, or disabled)
		}
		w, err := strconv.Atoi(strings.TrimSpace(weight[0]))
		if err != nil {
			problems["weight."+id] = "The weight must be a whole number."
			continue
		}
		moves[b.ID] = Move{Region: region[0], Weight: w}
	}
	if len(problems) == 0 {
		n, err := h.blocks.SaveLayout(ctx, moves)
		if err == nil {
			msg := "The block layout has been saved."
			if n == 0 {
				msg = "The block layout is unchanged."
			}
			if err := h.pages.Sessions.Flash(c, msg); err != nil {
				return err
			}
			return c.Redirect(adminURL, fiber.StatusSeeOther)
		}
		if problems = errs.FieldsOf(err); problems == nil {
			return err
		}
	}
	return h.renderLayout(c, fiber.StatusUnprocessableEntity, values, problems)
}

// adminTitle names a block in the admin list.
func adminTitle(b *Block, labels map[string]string) string {
	switch {
	case b.Title != "" && b.Title != NoTitle:
		return b.Title
	case b.Kind == KindListing && labels[b.Listing] != "":
		return labels[b.Listing]
	case b.Kind == KindListing:
		return b.Listing
	}
	return "Custom text (untitled)"
}

func what(b *Block, labels map[string]string) string {
	if b.Kind == KindText {
		return "Custom text"
	}
	if l, ok := labels[b.Listing]; ok {
		return "Listing: " + l
	}
	return "Listing: " + b.Listing + " (no block display: shows nothing)"
}

func visibilityText(b *Block) string {
	pats := b.Patterns()
	var out string
	switch {
	case b.Visibility == ShowOnly:
		out = "Only: " + strings.Join(pats, ", ")
	case len(pats) == 0:
		out = "All pages"
	default:
		out = "All pages except: " + strings.Join(pats, ", ")
	}
	if len(b.Types) > 0 {
		out += "; content types: " + strings.Join(b.Types, ", ")
	}
	if len(b.Roles) > 0 {
		out += "; roles: " + strings.Join(b.Roles, ", ")
	}
	return out
}

// blockValue is the "block" select's value for b.
func blockValue(b *Block) string {
	if b.Kind == KindListing {
		return "listing:" + b.Listing
	}
	return KindText
}

// blockForm builds the place (b nil, region preset from ?region=) or
// configure form of a block.
func (h *Handlers) blockForm(b *Block, region string, can func(string) bool) form.Builder {
	return func(ctx context.Context, _ *form.State) (*form.Form, error) {
		list, _, err := h.choices(ctx)
		if err != nil {
			return nil, err
		}
		if b == nil {
			b = &Block{Kind: KindText, Format: textformat.Plain, Region: region, Visibility: ShowExcept, Enabled: true}
		}
		f := &form.Form{ID: "block_add", Action: adminURL + "/add"}
		if b.ID != uuid.Nil {
			f.ID, f.Action = "block_edit", adminURL+"/"+b.ID.String()+"/edit"
		}
		what := &form.Element{Key: "block", Type: form.Select, Label: "Block", Required: true, Value: blockValue(b),
			Description: "A custom text block, or a listing that has a block display (set one in the listing's definition).",
			Options:     []form.Option{{Value: KindText, Label: "Custom text"}}}
		for _, l := range list {
			what.Options = append(what.Options, form.Option{Value: "listing:" + l.Name, Label: "Listing: " + l.Label})
		}
		if b.Kind == KindListing && !hasOption(what.Options, what.Value) {
			what.Options = append(what.Options, form.Option{Value: what.Value, Label: "Listing: " + b.Listing + " (no block display)"})
		}
		regions := &form.Element{Key: "region", Type: form.Select, Label: "Region", Required: true, Value: b.Region,
			Options: []form.Option{{Value: "", Label: "- Choose a region -"}}}
		for _, r := range h.blocks.Theme().Regions() {
			regions.Options = append(regions.Options, form.Option{Value: r.Name, Label: r.Label})
		}
		formats := &form.Element{Key: "format", Type: form.Select, Label: "Text format", Value: b.Format}
		for _, tf := range textformat.Allowed(can) {
			formats.Options = append(formats.Options, form.Option{Value: tf.Name, Label: tf.Label})
		}
		if !hasOption(formats.Options, b.Format) {
			if tf, ok := textformat.Get(b.Format); ok {
				formats.Options = append(formats.Options, form.Option{Value: tf.Name, Label: tf.Label + " (you may not use it)"})
			}
		}
		minW, maxW := -100.0, 100.0
		roleChoices, err := h.blocks.RoleChoices(ctx)
		if err != nil {
			return nil, err
		}
		typeChoices, err := h.blocks.TypeChoices(ctx)
		if err != nil {
			return nil, err
		}
		roles := choicesElement("roles", "Show block for specific roles", "role", b.Roles, roleChoices,
			"Show the block only to visitors holding one of the checked roles. No role checked: everyone sees it. "+
				"\"Anonymous user\" is every visitor who is not logged in; \"Authenticated user\" every logged-in user.")
		types := choicesElement("types", "Show block on specific content types", "content type", b.Types, typeChoices,
			"Show the block only on the pages of items of the checked types (and on no other page). No type checked: every page.")
		enabled := &form.Element{Key: "enabled", Type: form.Checkbox, Label: "Enabled",
			Description: "A disabled block keeps its settings and shows nowhere."}
		if b.Enabled {
			enabled.Value = "1"
		}
		f.Elements = append(f.Elements,
			what,
			&form.Element{Key: "title", Type: form.TextField, Label: "Title", Value: b.Title, MaxLength: maxTitle,
				Description: "Shown above the block. Leave empty to use the listing's title; " + NoTitle + " shows no title."},
			&form.Element{Key: "body", Type: form.TextArea, Label: "Body", Value: b.Body, Rows: 6,
				Description: "Custom text blocks only: the text, cleaned by its text format when shown."},
			formats,
			regions,
			&form.Element{Key: "weight", Type: form.Number, Label: "Weight", Value: strconv.Itoa(b.Weight), Min: &minW, Max: &maxW, Step: "1",
				Description: "Lighter blocks come first in their region."},
			&form.Element{Key: "visibility", Type: form.Radios, Label: "Show block on specific pages", Required: true, Value: b.Visibility,
				Options: []form.Option{{Value: ShowExcept, Label: "All pages except those listed"}, {Value: ShowOnly, Label: "Only the listed pages"}}},
			&form.Element{Key: "pages", Type: form.TextArea, Label: "Pages", Value: b.Pages, Rows: 4,
				Description: "One path a line, e.g. /blog or /blog/*; * matches anything, <front> is the front page. With \"All pages except those listed\" an empty list means every page."},
			roles,
			types,
			enabled,
			&form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save block"}}},
		)
		return f, nil
	}
}

// choicesElement is the checkboxes of a block's roles or content types;
// a stored name no longer offered (its role or type was deleted) stays
// checked, marked, so saving the form never widens the block silently.
func choicesElement(key, label, noun string, checked []string, choices []Choice, description string) *form.Element {
	el := &form.Element{Key: key, Type: form.Checkboxes, Label: label, Values: checked, Description: description}
	for _, c := range choices {
		el.Options = append(el.Options, form.Option{Value: c.Name, Label: c.Label})
	}
	for _, v := range checked {
		if v != "" && !hasOption(el.Options, v) {
			el.Options = append(el.Options, form.Option{Value: v, Label: v + " (deleted " + noun + ")"})
		}
	}
	return el
}

func hasOption(opts []form.Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// readBlock fills b from the submitted values; problems are those the
// service cannot see (the text format the user may use, the weight's
// syntax).
func readBlock(b *Block, v form.Values, can func(string) bool) map[string]string {
	problems := map[string]string{}
	what := v.Get("block")
	if name, ok := strings.CutPrefix(what, "listing:"); ok {
		b.Kind, b.Listing = KindListing, name
	} else {
		b.Kind, b.Listing = what, ""
	}
	b.Title = strings.TrimSpace(v.Get("title"))
	b.Body = v.Get("body")
	format := v.Get("format")
	if b.Kind == KindText && format != b.Format && !textformat.CanUse(can, format) {
		problems["format"] = "You may not use this text format."
	}
	b.Format = format
	b.Region = v.Get("region")
	w, err := strconv.Atoi(strings.TrimSpace(v.Get("weight")))
	if err != nil && strings.TrimSpace(v.Get("weight")) != "" {
		problems["weight"] = "The weight must be a whole number."
	}
	b.Weight = w
	b.Visibility = v.Get("visibility")
	b.Pages = strings.ReplaceAll(v.Get("pages"), "\r\n", "\n")
	b.Roles = nonEmpty(v.All("roles"))
	b.Types = nonEmpty(v.All("types"))
	b.Enabled = v.Get("enabled") != ""
	if len(problems) == 0 {
		return nil
	}
	return problems
}

// nonEmpty is list without blank entries, never nil.
func nonEmpty(list []string) []string {
	out := []string{}
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

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

// processForm runs the form's submit lifecycle; invalid input (the form's
// own checks or the service's) re-renders with 422 and every value kept.
func (h *Handlers) processForm(c *fiber.Ctx, title, formID string, b *Block, build form.Builder) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	acct := web.Account(c)
	return h.pages.SubmitForm(c, h.forms, formID, build, func(res *form.Result) (string, error) {
		ctx := c.UserContext()
		if problems := readBlock(b, res.Values, acct.Can); problems != nil {
			return "", errs.InvalidFields(problems)
		}
		_, labels, err := h.choices(ctx)
		if err != nil {
			return "", err
		}
		exists := func(name string) bool { _, ok := labels[name]; return ok }
		if err := h.blocks.Save(ctx, b, exists); err != nil {
			return "", err
		}
		return adminURL, h.pages.Sessions.Flash(c, fmt.Sprintf("The block %s has been saved.", adminTitle(b, labels)))
	}, func(status int, f *form.Form) error {
		return h.pages.Admin(c, status, "structure", title, views.Form(f))
	})
}

// AddForm serves GET /admin/structure/blocks/add (?region= presets the region).
func (h *Handlers) AddForm(c *fiber.Ctx) error {
	return h.showForm(c, "Place block", "block_add", h.blockForm(nil, c.Query("region"), web.Account(c).Can))
}

// Add serves POST /admin/structure/blocks/add.
func (h *Handlers) Add(c *fiber.Ctx) error {
	b := &Block{}
	return h.processForm(c, "Place block", "block_add", b, h.blockForm(nil, "", web.Account(c).Can))
}

// param loads the block named by :id.
func (h *Handlers) param(c *fiber.Ctx) (*Block, error) {
	id, err := uuid.Parse(c.Params("id"))
	if err != nil {
		return nil, errs.New(errs.NotFound, "There is no such block.")
	}
	return h.blocks.Get(c.UserContext(), id)
}

// EditForm serves GET /admin/structure/blocks/{id}/edit.
func (h *Handlers) EditForm(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	b, err := h.param(c)
	if err != nil {
		return err
	}
	return h.showForm(c, "Configure block", "block_edit", h.blockForm(b, "", web.Account(c).Can))
}

// Edit serves POST /admin/structure/blocks/{id}/edit.
func (h *Handlers) Edit(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	b, err := h.param(c)
	if err != nil {
		return err
	}
	stored := *b
	return h.processForm(c, "Configure block", "block_edit", b, h.blockForm(&stored, "", web.Account(c).Can))
}

// Toggle serves POST /admin/structure/blocks/{id}/toggle: enables a
// disabled block, disables an enabled one.
func (h *Handlers) Toggle(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	b, err := h.param(c)
	if err != nil {
		return err
	}
	if err := h.blocks.SetEnabled(c.UserContext(), b.ID, !b.Enabled); err != nil {
		return err
	}
	msg := "The block has been disabled."
	if !b.Enabled {
		msg = "The block has been enabled."
	}
	if err := h.pages.Sessions.Flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(adminURL, fiber.StatusSeeOther)
}

// Delete serves GET (confirmation) and POST /admin/structure/blocks/{id}/delete.
func (h *Handlers) Delete(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdminister); done || err != nil {
		return err
	}
	b, err := h.param(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	_, labels, err := h.choices(ctx)
	if err != nil {
		return err
	}
	name := adminTitle(b, labels)
	if c.Method() == fiber.MethodPost {
		if err := h.blocks.Delete(ctx, b.ID); err != nil {
			return err
		}
		if err := h.pages.Sessions.Flash(c, "The block "+name+" has been removed."); err != nil {
			return err
		}
		return c.Redirect(adminURL, fiber.StatusSeeOther)
	}
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	return h.pages.Admin(c, fiber.StatusOK, "structure", "Remove block", views.Confirm(views.ConfirmProps{
		Question: fmt.Sprintf("Remove the block %s from the layout? A listing itself is not deleted.", name),
		Action:   c.Path(), Confirm: "Remove", CancelURL: adminURL, CSRFToken: token}))
}
