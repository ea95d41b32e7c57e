package sdk

import "encoding/json"

// The structured database API (capability "db"). A plugin declares its
// tables in plugin.json ("tables"); the kernel creates them when the plugin
// is installed or enabled, as plugin_<plugin>_<table>, and drops them when
// it is uninstalled. Plugins name tables by their short name and can only
// reach their own; there is no SQL text: columns are checked against the
// declared schema and values are always bound as parameters.

// Cond is one condition: Column Op Value. Op is =, !=, <, <=, >, >=, in
// (Value a list), is_null or not_null (no Value).
type Cond struct {
	Column string `json:"column"`
	Op     string `json:"op"`
	Value  any    `json:"value,omitempty"`
}

// Where is a shorthand for a condition.
func Where(column, op string, value any) Cond { return Cond{Column: column, Op: op, Value: value} }

// Order sorts a Select by Column, Direction "asc" or "desc".
type Order struct {
	Column    string `json:"column"`
	Direction string `json:"direction,omitempty"`
}

// Select reads rows of one of the plugin's tables.
type Select struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns,omitempty"` // empty: every column
	Where   []Cond   `json:"where,omitempty"`
	Order   []Order  `json:"order,omitempty"`
	Limit   int      `json:"limit,omitempty"` // default and maximum 500
	Offset  int      `json:"offset,omitempty"`
}

// Row is one row: column name → value (strings, float64 numbers, booleans,
// timestamps as RFC 3339 strings, json columns decoded, nil for NULL).
type Row map[string]any

// DBSelect runs s.
func DBSelect(s Select) ([]Row, error) {
	var rows []Row
	err := dbCall(hostDBSelect, s, &rows)
	return rows, err
}

// DBInsert inserts one row into table and returns it as stored (with its
// serial and default values).
func DBInsert(table string, values map[string]any) (Row, error) {
	var row Row
	err := dbCall(hostDBInsert, struct {
		Table  string         `json:"table"`
		Values map[string]any `json:"values"`
	}{table, values}, &row)
	return row, err
}

// DBUpdate sets values on the rows of table matching every condition (at
// least one) and returns how many rows changed.
func DBUpdate(table string, values map[string]any, where ...Cond) (int64, error) {
	var n struct {
		Rows int64 `json:"rows"`
	}
	err := dbCall(hostDBUpdate, struct {
		Table  string         `json:"table"`
		Values map[string]any `json:"values"`
		Where  []Cond         `json:"where"`
	}{table, values, where}, &n)
	return n.Rows, err
}

// DBDelete deletes the rows of table matching every condition (at least
// one) and returns how many were deleted.
func DBDelete(table string, where ...Cond) (int64, error) {
	var n struct {
		Rows int64 `json:"rows"`
	}
	err := dbCall(hostDBDelete, struct {
		Table string `json:"table"`
		Where []Cond `json:"where"`
	}{table, where}, &n)
	return n.Rows, err
}

func dbCall(fn func([]byte) []byte, req, out any) error {
	in, err := json.Marshal(req)
	if err != nil {
		return Errorf(CodeInvalid, "db request: %v", err)
	}
	return hostResult(fn(in), out)
}
