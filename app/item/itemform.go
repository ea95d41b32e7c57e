package item

import (
	"context"
	"fmt"
	"strconv"

	"github.com/trovato/trovato/app/field"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
	"github.com/trovato/trovato/app/user"
)

// FormID names the add or edit form of a type ("item_add_page").
func FormID(op, typ string) string { return "item_" + op + "_" + typ }

// formBuilder generates an item form from the type's field definitions:
// the title, one widget per field (a multi-value wrapper with "Add another
// item" for fields holding several values), published, a revision log
// message when editing, and Save. it is nil for a new item.
//
// Accounts that administer content also get "Authoring information" (author,
// authored on) and "Promotion options" (promoted, sticky).
func (s *Service) formBuilder(t *Type, it *Item, action string, acct *user.Account) form.Builder {
	op := "add"
	if it != nil {
		op = "edit"
	}
	return func(ctx context.Context, st *form.State) (*form.Form, error) {
		f := &form.Form{ID: FormID(op, t.Type), Action: action}
		title := &form.Element{Key: "title", Type: form.TextField, Label: t.TitleLabel, Required: true, MaxLength: titleMaxLength, Weight: -10}
		if it != nil {
			title.Value = it.Title
		}
		f.Elements = append(f.Elements, title)
		for i, def := range t.Fields {
			f.Elements = append(f.Elements, s.fieldElement(ctx, def, it, st, i, acct))
		}
		published := !t.Unpublished
		if it != nil {
			published = it.Status
		}
		status := &form.Element{Key: "status", Type: form.Checkbox, Label: "Published", Weight: 90}
		if published {
			status.Value = "1"
		}
		f.Elements = append(f.Elements, status)
		if acct.Can(PermAdministerContent) {
			author, created := acct.Name, ""
			promote, sticky := "", ""
			if it != nil {
				author, created = it.AuthorName, it.Created.UTC().Format("2006-01-02T15:04")
				if it.Promote {
					promote = "1"
				}
				if it.Sticky {
					sticky = "1"
				}
			}
			f.Elements = append(f.Elements,
				&form.Element{Key: "authoring", Type: form.Details, Label: "Authoring information", Weight: 91, Children: []*form.Element{
					{Key: "author", Type: form.TextField, Label: "Authored by", Value: author, MaxLength: 60,
						Description: "The username of the author. Leave empty for the anonymous user."},
					{Key: "created", Type: form.DateTime, Label: "Authored on", Value: created,
						Description: "Leave empty to use the time of saving (UTC)."},
				}},
				&form.Element{Key: "promotion", Type: form.Details, Label: "Promotion options", Weight: 92, Children: []*form.Element{
					{Key: "promote", Type: form.Checkbox, Label: "Promoted to front page", Value: promote},
					{Key: "sticky", Type: form.Checkbox, Label: "Sticky at top of lists", Value: sticky},
				}},
			)
		}
		if it != nil {
			f.Elements = append(f.Elements, &form.Element{Key: "log", Type: form.TextArea, Label: "Revision log message", Rows: 2, Weight: 95,
				Description: "Briefly describe the changes you have made."})
		}
		f.Elements = append(f.Elements, &form.Element{Key: "actions", Type: form.Actions, Weight: 100, Children: []*form.Element{
			{Key: "op", Type: form.Submit, Label: "Save"},
		}})
		return f, nil
	}
}

func (s *Service) fieldElement(ctx context.Context, def field.Def, it *Item, st *form.State, weight int, acct *user.Account) *form.Element {
	ft, ok := s.fields.Get(def.Type)
	if !ok {
		return &form.Element{Key: def.Name, Type: form.Markup, Label: def.Label, Weight: weight,
			Markup: fmt.Sprintf("%s uses the field type %q, which is not available.", def.Label, def.Type)}
	}
	existing := def.Default
	if it != nil {
		existing = it.Fields[def.Name]
	}
	delta := func(i int) map[string]any {
		if i < len(existing) {
			return existing[i]
		}
		return nil
	}
	// Long text offers only the text formats acct may use; text stored in
	// another format is shown read-only.
	widget := func(d field.Def, key string, delta map[string]any) *form.Element {
		var el *form.Element
		if cw, ok := ft.(contextWidget); ok {
			el = cw.WidgetContext(ctx, d, key, delta)
		} else {
			el = ft.Widget(d, key, delta)
		}
		if def.Type == field.TypeTextLong {
			field.RestrictFormats(el, key, acct.Can)
		}
		return el
	}
	if aw, ok := ft.(allValuesWidget); ok {
		if el, ok := aw.AllValuesWidgetContext(ctx, def, def.Name, existing); ok {
			el.Weight = weight
			return el
		}
	}
	if def.MaxValues() == 1 {
		el := widget(def, def.Name+".0", delta(0))
		el.Weight = weight
		return el
	}
	count := st.Items[def.Name]
	if count == 0 {
		count = max(len(existing), 1)
		st.Items[def.Name] = count
	}
	limit := def.MaxValues()
	w := form.NewMultiValue(form.MultiValueSpec{
		Key: def.Name, Label: def.Label, Description: def.Description, Count: count, Max: max(limit, 0),
		Item: func(i int) *form.Element {
			d := def
			d.Label = def.Label + " " + strconv.Itoa(i+1)
			d.Description = ""
			d.Required = def.Required && i == 0
			return widget(d, def.Name+"."+strconv.Itoa(i), delta(i))
		},
	})
	w.Weight = weight
	return w
}

// allValuesWidget is a field type whose widget edits every value of a
// field in one element keyed by the field name, instead of one widget per
// value in a multi-value wrapper — the category reference's free tagging
// (one comma-separated input). ok is false when the field's settings ask
// for the per-value widget.
// contextWidget and contextFormatter are field types whose widgets and
// formatters read request-dependent data (the category field reads terms
// as the request's stage sees them).
type contextWidget interface {
	WidgetContext(ctx context.Context, def field.Def, key string, delta map[string]any) *form.Element
}

type contextFormatter interface {
	FormatContext(ctx context.Context, def field.Def, deltas []map[string]any) []render.Element
}

type allValuesWidget interface {
	AllValuesWidgetContext(ctx context.Context, def field.Def, key string, deltas []map[string]any) (el *form.Element, ok bool)
	ExtractAll(def field.Def, key string, values form.Values) (deltas []map[string]any, problems map[string]string, ok bool)
}

// formFields reads the field values of a submitted item form through each
// field type's Extract; unparsable input is reported per element key. Long
// text stored in a format acct may not use was shown read-only (its inputs
// are not posted) and is kept as stored.
func (s *Service) formFields(t *Type, it *Item, st *form.State, values form.Values, acct *user.Account) (Values, map[string]string) {
	out := Values{}
	problems := map[string]string{}
	for _, def := range t.Fields {
		ft, ok := s.fields.Get(def.Type)
		if !ok {
			continue
		}
		if aw, ok := ft.(allValuesWidget); ok {
			if deltas, msgs, ok := aw.ExtractAll(def, def.Name, values); ok {
				for k, m := range msgs {
					problems[k] = m
				}
				if len(deltas) > 0 && len(msgs) == 0 {
					out[def.Name] = deltas
				}
				continue
			}
		}
		count := 1
		if def.MaxValues() != 1 {
			count = max(st.Items[def.Name], 1)
		}
		for i := range count {
			if it != nil && i < len(it.Fields[def.Name]) && def.Type == field.TypeTextLong && field.FormatLocked(it.Fields[def.Name][i], acct.Can) {
				out[def.Name] = append(out[def.Name], it.Fields[def.Name][i])
				continue
			}
			d, empty, msgs := ft.Extract(def, def.Name+"."+strconv.Itoa(i), values)
			for k, m := range msgs {
				problems[k] = m
			}
			if !empty && len(msgs) == 0 {
				out[def.Name] = append(out[def.Name], d)
			}
		}
	}
	return out, problems
}
