package sdk

import (
	"encoding/json"
	"fmt"
)

// Query is a structured item query (capability "item_query"). The kernel
// runs it through the listing builder with the current visitor's access
// applied (visitors see published items only), so a plugin never sees an
// item its visitor may not.
type Query struct {
	Types   []string `json:"types"`             // content types, at least one
	Filters []Filter `json:"filters,omitempty"` // all must hold
	Sort    []Sort   `json:"sort,omitempty"`
	Limit   int      `json:"limit"` // 1–50
	Page    int      `json:"page,omitempty"`
}

// Filter restricts a Query: Field is title, created, changed, status,
// sticky, promote, type or a field_ name; Op is =, !=, <, <=, >, >= or
// contains; Value a string, number or boolean.
type Filter struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	Value any    `json:"value"`
}

// Sort orders a Query: Direction is "asc" or "desc".
type Sort struct {
	Field     string `json:"field"`
	Direction string `json:"direction"`
}

// QueryItems runs q and returns the items, read by handle like a tap's
// item; handles are valid for the current tap call only.
func QueryItems(q Query) ([]Item, error) {
	in, err := json.Marshal(q)
	if err != nil {
		return nil, Errorf(CodeInvalid, "item query: %v", err)
	}
	var handles []uint32
	if err := hostResult(hostQuery(in), &handles); err != nil {
		return nil, err
	}
	items := make([]Item, len(handles))
	for i, h := range handles {
		items[i] = itemHandle(h, "")
	}
	return items, nil
}

// hostResult decodes the {"ok":…} / {"error":{…}} envelope a host function
// answers into v; an empty answer means the host refused the call (an
// undeclared capability, a host error) and logged why.
func hostResult(b []byte, v any) error {
	if len(b) == 0 {
		return Errorf(CodeInternal, "the host refused the call (is the capability declared in plugin.json?)")
	}
	var env struct {
		OK    json.RawMessage `json:"ok"`
		Error *struct {
			Code    Code   `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return Errorf(CodeInternal, "host answer: %v", err)
	}
	if env.Error != nil {
		return &Error{Code: env.Error.Code, Message: env.Error.Message}
	}
	if v == nil || len(env.OK) == 0 {
		return nil
	}
	if err := json.Unmarshal(env.OK, v); err != nil {
		return fmt.Errorf("host answer: %w", err)
	}
	return nil
}
