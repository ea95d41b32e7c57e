package field

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/render"
)

// Storage and browser layouts of the date types.
const (
	dateLayout  = "2006-01-02"       // date storage and <input type="date">
	localLayout = "2006-01-02T15:04" // <input type="datetime-local"> without seconds
)

// localLayouts are the zone-less date-time forms accepted; they are read
// as UTC (the site has no time zone setting yet).
var localLayouts = []string{localLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// displayOptions are the choices of the date types' display setting.
var displayOptions = []form.Option{
	{Value: "medium", Label: "Medium (Jan 2, 2006)"},
	{Value: "long", Label: "Long (Monday, January 2, 2006)"},
	{Value: "iso", Label: "ISO 8601 (2006-01-02)"},
}

// dateDisplay is the formatter layout of each display setting, for dates
// and for date-times (shown in UTC).
var dateDisplay = map[string][2]string{
	"medium": {"Jan 2, 2006", "Jan 2, 2006, 15:04 MST"},
	"long":   {"Monday, January 2, 2006", "Monday, January 2, 2006, 15:04 MST"},
	"iso":    {dateLayout, time.RFC3339},
}

// Date is the "date" type (a calendar date, {"value": "2006-01-02"}) or,
// with WithTime, the "datetime" type (an instant, {"value": RFC 3339 in
// UTC, e.g. "2026-03-01T14:30:00Z"}). The datetime widget is a
// datetime-local input whose zone-less value is read as UTC. Settings:
// display ("medium", "long" or "iso"; default "medium") for the formatter.
type Date struct {
	WithTime bool
}

// Name implements Type.
func (d Date) Name() string {
	if d.WithTime {
		return TypeDateTime
	}
	return TypeDate
}

// Label implements Type.
func (d Date) Label() string {
	if d.WithTime {
		return "Date and time"
	}
	return "Date"
}

// Description implements Type.
func (d Date) Description() string {
	if d.WithTime {
		return "A date with a time of day, such as the start of an event."
	}
	return "A calendar date without a time, such as a birthday or a deadline."
}

// Properties implements Type.
func (Date) Properties() []string { return []string{"value"} }

// DefaultSettings implements Type.
func (Date) DefaultSettings() map[string]any { return map[string]any{"display": "medium"} }

func (Date) display(def Def) string {
	s := def.SettingString("display", "medium")
	if _, ok := dateDisplay[s]; !ok {
		return "medium"
	}
	return s
}

// SettingsForm implements Type.
func (Date) SettingsForm(settings map[string]any) []*form.Element {
	return []*form.Element{{
		Key: "settings.display", Type: form.Select, Label: "Display format", Required: true,
		Options: displayOptions, Value: Def{Settings: settings}.SettingString("display", "medium"),
	}}
}

// ReadSettings implements Type.
func (Date) ReadSettings(values form.Values) (map[string]any, map[string]string) {
	r := newSettingsReader(values)
	return r.result(map[string]any{"display": r.choice("display", "Display format", displayOptions)})
}

// Widget implements Type.
func (d Date) Widget(def Def, key string, delta map[string]any) *form.Element {
	if !d.WithTime {
		return input(def, key, "value", form.Date, display(delta["value"]))
	}
	v := display(delta["value"])
	if t, err := d.parse(v); err == nil {
		v = t.Format(localLayout)
		if t.Second() != 0 {
			v = t.Format(localLayouts[1])
		}
	}
	return input(def, key, "value", form.DateTime, v)
}

// parse reads a date (YYYY-MM-DD) or a date-time (RFC 3339 with any offset,
// or a zone-less local form read as UTC), returning it in UTC.
func (d Date) parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if !d.WithTime {
		return time.Parse(dateLayout, s)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Truncate(time.Second), nil
	}
	var err error
	for _, layout := range localLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}

// invalid is the message for a value that is not a date (or date-time).
func (d Date) invalid(def Def) string {
	if d.WithTime {
		return def.DisplayLabel() + " must be a date and time, e.g. 2026-03-01T14:30."
	}
	return def.DisplayLabel() + " must be a date in the form YYYY-MM-DD."
}

// canonical writes t in the storage layout.
func (d Date) canonical(t time.Time) string {
	if d.WithTime {
		return t.UTC().Format(time.RFC3339)
	}
	return t.Format(dateLayout)
}

// Extract implements Type.
func (d Date) Extract(def Def, key string, values form.Values) (map[string]any, bool, map[string]string) {
	s := strings.TrimSpace(values.Get(key + ".value"))
	if s == "" {
		return nil, true, nil
	}
	t, err := d.parse(s)
	if err != nil {
		return nil, false, map[string]string{key + ".value": d.invalid(def)}
	}
	return map[string]any{"value": d.canonical(t)}, false, nil
}

// Normalize implements Type.
func (d Date) Normalize(_ context.Context, _ Env, def Def, delta map[string]any) (map[string]any, error) {
	if err := checkProps(def, delta, "value"); err != nil {
		return nil, err
	}
	s, err := stringProp(def, delta, "value")
	if err != nil {
		return nil, errors.New(d.invalid(def))
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	t, err := d.parse(s)
	if err != nil {
		return nil, errors.New(d.invalid(def))
	}
	return map[string]any{"value": d.canonical(t)}, nil
}

// Format implements Type.
func (d Date) Format(def Def, deltas []map[string]any) []render.Element {
	layouts := dateDisplay[d.display(def)]
	var out []render.Element
	for _, delta := range deltas {
		text := display(delta["value"])
		if t, err := d.parse(text); err == nil {
			if d.WithTime {
				text = t.Format(layouts[1])
			} else {
				text = t.Format(layouts[0])
			}
		}
		out = append(out, render.Element{Type: render.TypeText, Text: text})
	}
	return out
}

// Text implements Type: the stored value, which is exact and sorts.
func (Date) Text(_ Def, delta map[string]any) string { return display(delta["value"]) }
