package item

import (
	"context"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/web"
	"github.com/trovato/trovato/views"
)

func fieldsURL(typ string) string { return "/admin/structure/types/" + typ + "/fields" }

// Fields serves GET /admin/structure/types/{type}/fields (Manage fields).
func (h *Handlers) Fields(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerTypes); done || err != nil {
		return err
	}
	t, err := h.items.GetType(c.UserContext(), c.Params("type"))
	if err != nil {
		return err
	}
	token, err := h.pages.Sessions.CSRFToken(c)
	if err != nil {
		return err
	}
	p := views.FieldsProps{Type: t.Type, TypeLabel: t.Label, Plugin: t.Plugin, CSRFToken: token}
	for i, d := range t.Fields {
		label := d.Type
		if ft, ok := h.items.fields.Get(d.Type); ok {
			label = ft.Label()
		}
		p.Rows = append(p.Rows, views.FieldRow{Label: d.Label, Machine: d.Name, TypeLabel: label, Cardinality: cardinalityText(d.Cardinality),
			Required: d.Required, Locked: d.Locked, First: i == 0, Last: i == len(t.Fields)-1})
	}
	return h.pages.Admin(c, fiber.StatusOK, "structure", "Manage fields: "+t.Label, views.Fields(p))
}

// cardinalityOptions offers 1 to 10 values or unlimited.
func cardinalityOptions() []form.Option {
	opts := make([]form.Option, 0, 11)
	for i := 1; i <= 10; i++ {
		opts = append(opts, form.Option{Value: strconv.Itoa(i), Label: strconv.Itoa(i)})
	}
	return append(opts, form.Option{Value: "-1", Label: "Unlimited"})
}

// fieldForm builds the add-field form (def nil) or the edit-field form. The
// settings fieldset follows the chosen field type: choosing another type and
// pressing "Show settings" rebuilds it (only the fieldset under htmx).
func (s *Service) fieldForm(t *Type, def *field.Def) form.Builder {
	return func(_ context.Context, st *form.State) (*form.Form, error) {
		f := &form.Form{ID: "field_add", Action: fieldsURL(t.Type) + "/add"}
		label := &form.Element{Key: "label", Type: form.TextField, Label: "Label", Required: true, MaxLength: 128}
		f.Elements = append(f.Elements, label)
		typeName := ""
		var settings map[string]any
		if def == nil {
			var opts []form.Option
			for _, ft := range s.fields.Types() {
				opts = append(opts, form.Option{Value: ft.Name(), Label: ft.Label()})
			}
			typeName = st.Input.Get("field_type")
			if _, ok := s.fields.Get(typeName); !ok && len(opts) > 0 {
				typeName = opts[0].Value
			}
			f.Elements = append(f.Elements,
				&form.Element{Key: "name", Type: form.TextField, Label: "Machine name", MaxLength: 32,
					Description: "Starts with field_. Leave empty to derive it from the label; it cannot be changed later."},
				&form.Element{Key: "field_type", Type: form.Select, Label: "Field type", Required: true, Options: opts, Value: typeName,
					Op: "show_settings", Wrapper: "settings"},
				&form.Element{Key: "show_settings", Type: form.Button, Label: "Show settings for this type", Op: "rebuild", Wrapper: "settings"},
			)
		} else {
			f.ID, f.Action = "field_edit", fieldsURL(t.Type)+"/"+def.Name
			label.Value, typeName, settings = def.Label, def.Type, def.Settings
			f.Elements = append(f.Elements, &form.Element{Key: "name_info", Type: form.Markup, Markup: "Machine name: " + def.Name + " · type: " + def.Type})
		}
		ft, _ := s.fields.Get(typeName)
		help := &form.Element{Key: "description", Type: form.TextArea, Label: "Help text", Rows: 2,
			Description: "Shown under the field on the edit form."}
		required := &form.Element{Key: "required", Type: form.Checkbox, Label: "Required field"}
		card := &form.Element{Key: "cardinality", Type: form.Select, Label: "Allowed number of values", Options: cardinalityOptions(), Value: "1"}
		if def != nil {
			help.Value = def.Description
			if def.Required {
				required.Value = "1"
			}
			card.Value = strconv.Itoa(max(def.Cardinality, 1))
			if def.Cardinality < 0 {
				card.Value = "-1"
			}
		}
		f.Elements = append(f.Elements, help, required, card)
		wrapper := &form.Element{Key: "settings", Type: form.Fieldset, Label: "Field settings"}
		if ft != nil {
			if settings == nil {
				settings = ft.DefaultSettings()
			}
			wrapper.Label = ft.Label() + " settings"
			wrapper.Children = ft.SettingsForm(settings)
			if def != nil {
				var d map[string]any
				if len(def.Default) > 0 {
					d = def.Default[0]
				}
				dd := *def
				dd.Label, dd.Required, dd.Description = "Default value", false, "The value new items start with."
				wrapper.Children = append(wrapper.Children, ft.Widget(dd, "default.0", d))
			}
		}
		if len(wrapper.Children) == 0 {
			wrapper.Children = []*form.Element{{Key: "settings.none", Type: form.Markup, Markup: "This field type has no settings."}}
		}
		f.Elements = append(f.Elements, wrapper,
			&form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save field"}}})
		return f, nil
	}
}

// FieldAddForm serves GET /admin/structure/types/{type}/fields/add.
func (h *Handlers) FieldAddForm(c *fiber.Ctx) error {
	t, err := h.items.GetType(c.UserContext(), c.Params("type"))
	if err != nil {
		return err
	}
	return h.showForm(c, PermAdministerTypes, "structure", "Add field to "+t.Label, "field_add", h.items.fieldForm(t, nil))
}

// FieldAdd serves POST /admin/structure/types/{type}/fields/add.
func (h *Handlers) FieldAdd(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, err := h.items.GetType(ctx, c.Params("type"))
	if err != nil {
		return err
	}
	return h.processForm(c, PermAdministerTypes, "structure", "Add field to "+t.Label, "field_add", h.items.fieldForm(t, nil),
		func(res *form.Result) (string, error) {
			v := res.Values
			ft, ok := h.items.fields.Get(v.Get("field_type"))
			if !ok {
				return "", errs.InvalidFields(map[string]string{"field_type": "Choose a field type."})
			}
			name := v.Get("name")
			if name == "" {
				name = field.MachineName(v.Get("label"))
			}
			if !fieldNamePattern.MatchString(name) {
				return "", errs.InvalidFields(map[string]string{"name": "The machine name must start with field_ and contain only lower-case letters, digits and underscores (at most 32)."})
			}
			if _, exists := t.Field(name); exists {
				return "", errs.InvalidFields(map[string]string{"name": fmt.Sprintf("%s already has a field %s.", t.Label, name)})
			}
			def, err := h.readFieldDef(ctx, ft, field.Def{Name: name, Type: ft.Name()}, v)
			if err != nil {
				return "", err
			}
			if err := h.items.SaveField(ctx, t.Type, def); err != nil {
				return "", err
			}
			return fieldsURL(t.Type), h.pages.Sessions.Flash(c, "The field "+def.Label+" has been added to "+t.Label+".")
		})
}

// readFieldDef fills a field definition from the submitted field form.
func (h *Handlers) readFieldDef(ctx context.Context, ft field.Type, def field.Def, v form.Values) (field.Def, error) {
	def.Label, def.Description = v.Get("label"), v.Get("description")
	def.Required = v.Get("required") == "1"
	def.Cardinality, _ = strconv.Atoi(v.Get("cardinality"))
	settings, problems := ft.ReadSettings(v)
	if len(problems) > 0 {
		return def, errs.InvalidFields(problems)
	}
	def.Settings = settings
	def.Default = nil
	if _, ok := v["default.0.value"]; ok || hasPrefix(v, "default.0.") {
		d, empty, msgs := ft.Extract(def, "default.0", v)
		if len(msgs) > 0 {
			return def, errs.InvalidFields(msgs)
		}
		if !empty {
			n, err := ft.Normalize(ctx, h.items, def, d)
			if err != nil {
				return def, errs.InvalidFields(map[string]string{"default.0": err.Error()})
			}
			def.Default = []map[string]any{n}
		}
	}
	return def, nil
}

func hasPrefix(v form.Values, prefix string) bool {
	for k := range v {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

func (h *Handlers) typeAndField(c *fiber.Ctx) (*Type, field.Def, field.Type, error) {
	t, err := h.items.GetType(c.UserContext(), c.Params("type"))
	if err != nil {
		return nil, field.Def{}, nil, err
	}
	def, ok := t.Field(c.Params("field"))
	if !ok {
		return nil, field.Def{}, nil, errs.New(errs.NotFound, "%s has no field %s.", t.Label, c.Params("field"))
	}
	ft, ok := h.items.fields.Get(def.Type)
	if !ok {
		return nil, field.Def{}, nil, errs.New(errs.NotFound, "The field type %q is not available.", def.Type)
	}
	return t, def, ft, nil
}

// FieldEditForm serves GET /admin/structure/types/{type}/fields/{field}.
func (h *Handlers) FieldEditForm(c *fiber.Ctx) error {
	t, def, _, err := h.typeAndField(c)
	if err != nil {
		return err
	}
	return h.showForm(c, PermAdministerTypes, "structure", "Edit field "+def.Label, "field_edit", h.items.fieldForm(t, &def))
}

// FieldEdit serves POST /admin/structure/types/{type}/fields/{field}.
func (h *Handlers) FieldEdit(c *fiber.Ctx) error {
	t, def, ft, err := h.typeAndField(c)
	if err != nil {
		return err
	}
	return h.processForm(c, PermAdministerTypes, "structure", "Edit field "+def.Label, "field_edit", h.items.fieldForm(t, &def),
		func(res *form.Result) (string, error) {
			next, err := h.readFieldDef(c.UserContext(), ft, def, res.Values)
			if err != nil {
				return "", err
			}
			if err := h.items.SaveField(c.UserContext(), t.Type, next); err != nil {
				return "", err
			}
			return fieldsURL(t.Type), h.pages.Sessions.Flash(c, "The field "+next.Label+" has been updated.")
		})
}

// FieldDelete serves GET and POST …/fields/{field}/delete: the confirmation
// says how many items hold values that will be removed.
func (h *Handlers) FieldDelete(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerTypes); done || err != nil {
		return err
	}
	t, def, _, err := h.typeAndField(c)
	if err != nil {
		return err
	}
	if def.Locked {
		return errs.New(errs.Forbidden, "The field %s is defined by the %s plugin and cannot be deleted here.", def.Label, t.Plugin)
	}
	ctx := c.UserContext()
	if c.Method() == fiber.MethodPost {
		if err := h.items.DeleteField(ctx, t.Type, def.Name); err != nil {
			return err
		}
		if err := h.pages.Sessions.Flash(c, "The field "+def.Label+" has been deleted from "+t.Label+"."); err != nil {
			return err
		}
		return c.Redirect(fieldsURL(t.Type), fiber.StatusSeeOther)
	}
	n, err := h.items.FieldUsage(ctx, t.Type, def.Name)
	if err != nil {
		return err
	}
	q := fmt.Sprintf("Are you sure you want to delete the field %s from %s? No items hold values in it.", def.Label, t.Label)
	if n > 0 {
		q = fmt.Sprintf("Are you sure you want to delete the field %s from %s? %d item(s) hold values in it; those values will be removed (earlier revisions keep them).", def.Label, t.Label, n)
	}
	return h.confirm(c, "Delete field "+def.Label, views.ConfirmProps{
		Question: q, Action: c.Path(), Confirm: "Delete field", CancelURL: fieldsURL(t.Type),
	})
}

// FieldMove serves POST …/fields/{field}/move with dir=up|down.
func (h *Handlers) FieldMove(c *fiber.Ctx) error {
	if done, err := web.RequirePermission(c, PermAdministerTypes); done || err != nil {
		return err
	}
	t, def, _, err := h.typeAndField(c)
	if err != nil {
		return err
	}
	delta := 1
	if c.FormValue("dir") == "up" {
		delta = -1
	}
	if err := h.items.MoveField(c.UserContext(), t.Type, def.Name, delta); err != nil {
		return err
	}
	return c.Redirect(fieldsURL(t.Type), fiber.StatusSeeOther)
}
