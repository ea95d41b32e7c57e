package item

import (
	"bytes"
	"encoding/json"
	"strings"
)

// DecodeFields reads a JSON field document, accepting for each field either
// a list of delta objects or a single object (shorthand for one delta).
// Messages are keyed "fields.<name>".
func DecodeFields(raw json.RawMessage) (Values, map[string]string) {
	out := Values{}
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
			if err := decodeNumbers(v, &deltas); err != nil {
				problems["fields."+name] = "must be a list of objects"
				continue
			}
		case len(v) > 0 && v[0] == '{':
			var one map[string]any
			if err := decodeNumbers(v, &one); err != nil {
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

// decodeNumbers decodes JSON keeping numbers as json.Number, so integers
// beyond 2^53 survive until the field type normalizes them.
func decodeNumbers(raw []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(into)
}
