package item

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// DecodeFields reads a JSON field document, accepting for each field either
// a list of delta objects or a single object (shorthand for one delta).
// Messages are keyed "fields.<name>".
func DecodeFields(raw json.RawMessage) (Values, map[string]string) {
	out := Values{}
	if len(raw) == 0 || string(raw) == "null" {
		return out, nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, map[string]string{"fields": "fields must be an object keyed by field name"}
	}
	problems := map[string]string{}
	for name, v := range doc {
		v = json.RawMessage(strings.TrimSpace(string(v)))
		var deltas []map[string]any
		switch {
		case len(v) > 0 && v[0] == '[':
			if err := json.Unmarshal(v, &deltas); err != nil {
				problems["fields."+name] = "must be a list of objects"
				continue
			}
		case len(v) > 0 && v[0] == '{':
			var one map[string]any
			if err := json.Unmarshal(v, &one); err != nil {
				problems["fields."+name] = "must be an object or a list of objects"
				continue
			}
			deltas = []map[string]any{one}
		default:
			problems["fields."+name] = "must be an object or a list of objects"
			continue
		}
		out[name] = deltas
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return out, nil
}

// validateFields checks values against the type's field definitions and
// returns them normalized (empty deltas dropped), or messages per field.
func (t *Type) validateFields(values Values) (Values, map[string]string) {
	problems := map[string]string{}
	clean := Values{}
	for name := range values {
		if _, ok := t.Field(name); !ok {
			problems["fields."+name] = fmt.Sprintf("%s has no field %q", t.Label, name)
		}
	}
	for _, def := range t.Fields {
		var kept []map[string]any
		for i, d := range values[def.Name] {
			v, ok := d["value"]
			if !ok || v == nil {
				continue
			}
			s, isString := v.(string)
			switch {
			case def.Type == FieldText && !isString:
				problems["fields."+def.Name] = fmt.Sprintf("%s: value %d must be text", def.Label, i+1)
			case def.Type == FieldText && utf8.RuneCountInString(s) > textMaxLength:
				problems["fields."+def.Name] = fmt.Sprintf("%s cannot be longer than %d characters", def.Label, textMaxLength)
			case isString && strings.TrimSpace(s) == "":
				continue
			default:
				kept = append(kept, map[string]any{"value": v})
			}
		}
		max := def.Cardinality
		if max == 0 {
			max = 1
		}
		if max > 0 && len(kept) > max {
			problems["fields."+def.Name] = fmt.Sprintf("%s takes at most %d value(s)", def.Label, max)
		}
		if def.Required && len(kept) == 0 {
			problems["fields."+def.Name] = def.Label + " is required"
		}
		if len(kept) > 0 {
			clean[def.Name] = kept
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return clean, nil
}
