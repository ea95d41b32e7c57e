package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/tetratelabs/wazero/api"

	"github.com/trovato/trovato/app/errs"
)

// The structured DB API. A plugin declares tables in plugin.json:
//
//	"tables": [{"name": "reads",
//	            "columns": [{"name": "id", "type": "serial"}, {"name": "item_id", "type": "text", "not_null": true}],
//	            "primary_key": ["id"],
//	            "indexes": [{"columns": ["item_id"], "unique": true}]}]
//
// The host creates them as plugin_<plugin>_<table> when the plugin is
// installed or enabled (CREATE TABLE / ADD COLUMN / CREATE INDEX IF NOT
// EXISTS, so a new plugin version may add tables, columns and indexes; it
// never drops or changes one), and drops them when the plugin is
// uninstalled. Guests call db_select, db_insert, db_update and db_delete
// with a JSON request naming a table by its short name; every table,
// column and operator is checked against the declaration and a fixed set,
// identifiers are quoted, values are always bind parameters, and a plugin
// can only ever name its own tables.

// TableSpec declares one plugin table.
type TableSpec struct {
	Name       string       `json:"name"`
	Columns    []ColumnSpec `json:"columns"`
	PrimaryKey []string     `json:"primary_key"`
	Indexes    []IndexSpec  `json:"indexes"`
}

// ColumnSpec declares one column; Type is one of ColumnTypes.
type ColumnSpec struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	NotNull bool   `json:"not_null"`
}

// IndexSpec declares an index.
type IndexSpec struct {
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
}

// ColumnTypes maps the column types a plugin may declare to SQL.
var ColumnTypes = map[string]string{
	"text":      "text",
	"integer":   "bigint",
	"float":     "double precision",
	"boolean":   "boolean",
	"timestamp": "timestamptz",
	"json":      "jsonb",
	"serial":    "bigserial",
}

// castOf is the SQL type a bind parameter of a column type is cast to.
func castOf(typ string) string {
	if typ == "serial" {
		return "bigint"
	}
	return ColumnTypes[typ]
}

var dbIdent = regexp.MustCompile(`^[a-z][a-z0-9_]{0,30}$`)

// Limits of the DB API.
const (
	maxTables      = 16
	maxColumns     = 64
	maxDBInput     = 64 << 10
	maxSelectRows  = 500
	maxConditions  = 16
	maxInValues    = 500
	pgMaxIdentSize = 63
)

// TableName is the SQL name of plugin's table.
func TableName(plugin, table string) string { return "plugin_" + plugin + "_" + table }

// validateTables checks the "tables" of plugin name's manifest.
func validateTables(name string, tables []TableSpec) error {
	if len(tables) > maxTables {
		return fmt.Errorf("tables: at most %d", maxTables)
	}
	seen := map[string]bool{}
	for _, t := range tables {
		if !dbIdent.MatchString(t.Name) || seen[t.Name] {
			return fmt.Errorf("tables: invalid or repeated table name %q", t.Name)
		}
		seen[t.Name] = true
		if full := TableName(name, t.Name); len(full) > pgMaxIdentSize {
			return fmt.Errorf("tables: %s is longer than %d characters", full, pgMaxIdentSize)
		}
		if len(t.Columns) == 0 || len(t.Columns) > maxColumns {
			return fmt.Errorf("table %s: declare 1 to %d columns", t.Name, maxColumns)
		}
		cols := map[string]bool{}
		for _, c := range t.Columns {
			if !dbIdent.MatchString(c.Name) || cols[c.Name] {
				return fmt.Errorf("table %s: invalid or repeated column name %q", t.Name, c.Name)
			}
			if _, ok := ColumnTypes[c.Type]; !ok {
				return fmt.Errorf("table %s: column %s has unknown type %q (text, integer, float, boolean, timestamp, json, serial)", t.Name, c.Name, c.Type)
			}
			cols[c.Name] = true
		}
		for _, k := range t.PrimaryKey {
			if !cols[k] {
				return fmt.Errorf("table %s: primary key names unknown column %q", t.Name, k)
			}
		}
		for _, ix := range t.Indexes {
			if len(ix.Columns) == 0 {
				return fmt.Errorf("table %s: an index needs columns", t.Name)
			}
			for _, c := range ix.Columns {
				if !cols[c] {
					return fmt.Errorf("table %s: index names unknown column %q", t.Name, c)
				}
			}
		}
	}
	return nil
}

// UseDatabase gives the host the database for plugin tables and the DB
// API; call it before UseStore, which installs new plugins.
func (h *Host) UseDatabase(pool *pgxpool.Pool) { h.ext.pool = pool }

// Tables lists the SQL names of the tables plugin name declares (what
// uninstalling it drops).
func (h *Host) Tables(name string) []string {
	p := h.byName[name]
	if p == nil {
		return nil
	}
	var out []string
	for _, t := range p.manifest.Tables {
		out = append(out, TableName(name, t.Name))
	}
	return out
}

func quote(name string) string { return pgx.Identifier{name}.Sanitize() }

// ensureTables creates p's declared tables, columns and indexes that do not
// exist yet, in one transaction. Without a database it does nothing.
func (h *Host) ensureTables(ctx context.Context, p *plugin) error {
	if h.ext.pool == nil || len(p.manifest.Tables) == 0 {
		return nil
	}
	name := p.manifest.Name
	err := pgx.BeginFunc(ctx, h.ext.pool, func(tx pgx.Tx) error {
		for _, t := range p.manifest.Tables {
			table := TableName(name, t.Name)
			var cols []string
			for _, c := range t.Columns {
				def := quote(c.Name) + " " + ColumnTypes[c.Type]
				if c.NotNull || c.Type == "serial" {
					def += " NOT NULL"
				}
				cols = append(cols, def)
			}
			if len(t.PrimaryKey) > 0 {
				cols = append(cols, "PRIMARY KEY ("+quoteAll(t.PrimaryKey)+")")
			}
			if _, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+quote(table)+" (\n  "+strings.Join(cols, ",\n  ")+"\n)"); err != nil {
				return fmt.Errorf("create %s: %w", table, err)
			}
			for _, c := range t.Columns {
				// A column a newer version adds: nullable, existing rows have no value.
				typ := ColumnTypes[c.Type]
				if _, err := tx.Exec(ctx, "ALTER TABLE "+quote(table)+" ADD COLUMN IF NOT EXISTS "+quote(c.Name)+" "+typ); err != nil {
					return fmt.Errorf("add column %s.%s: %w", table, c.Name, err)
				}
			}
			for _, ix := range t.Indexes {
				kind := "INDEX"
				if ix.Unique {
					kind = "UNIQUE INDEX"
				}
				sum := crc32.ChecksumIEEE([]byte(strings.Join(ix.Columns, ",") + strconv.FormatBool(ix.Unique)))
				ixName := fmt.Sprintf("%s_%08x", table[:min(len(table), 50)], sum)
				if _, err := tx.Exec(ctx, "CREATE "+kind+" IF NOT EXISTS "+quote(ixName)+" ON "+quote(table)+" ("+quoteAll(ix.Columns)+")"); err != nil {
					return fmt.Errorf("create index on %s: %w", table, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return errs.Wrap(errs.Internal, err, fmt.Sprintf("create the tables of plugin %s", name))
	}
	return nil
}

// dropTables drops p's declared tables.
func (h *Host) dropTables(ctx context.Context, p *plugin) error {
	if h.ext.pool == nil || len(p.manifest.Tables) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, h.ext.pool, func(tx pgx.Tx) error {
		for _, t := range p.manifest.Tables {
			if _, err := tx.Exec(ctx, "DROP TABLE IF EXISTS "+quote(TableName(p.manifest.Name, t.Name))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return errs.Wrap(errs.Internal, err, fmt.Sprintf("drop the tables of plugin %s", p.manifest.Name))
	}
	h.log.InfoContext(ctx, "plugin tables dropped", "plugin", p.manifest.Name, "tables", h.Tables(p.manifest.Name))
	return nil
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// dbFunc makes a DB host function: (request ptr,len) -> envelope.
func (h *Host) dbFunc(fn string, op func(*Host, context.Context, *plugin, *TableSpec, []byte) (any, error)) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		ptr, n := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
		stack[0] = 0
		cc := h.callOf(ctx, fn)
		if cc == nil {
			return
		}
		reply := func(v any, err error) { stack[0] = h.guestString(ctx, cc, mod, string(hostEnvelope(v, err))) }
		if !h.allowed(ctx, cc, fn, CapDB, cc.p.manifest.has(CapDB)) {
			reply(nil, errs.New(errs.Forbidden, "%s needs the capability %q in plugin.json", fn, CapDB))
			return
		}
		if n > maxDBInput {
			reply(nil, errs.New(errs.Invalid, "%s: the request is larger than %d bytes", fn, maxDBInput))
			return
		}
		in, ok := h.guestBytes(ctx, cc, mod, fn, ptr, n)
		if !ok {
			return
		}
		if h.ext.pool == nil {
			reply(nil, errs.Wrap(errs.Internal, errNoDB, fn))
			return
		}
		var head struct {
			Table string `json:"table"`
		}
		if err := json.Unmarshal(in, &head); err != nil {
			reply(nil, errs.New(errs.Invalid, "%s: %v", fn, err))
			return
		}
		t := cc.p.table(head.Table)
		if t == nil {
			reply(nil, errs.New(errs.NotFound, "%s: plugin %s declares no table %q", fn, cc.p.manifest.Name, head.Table))
			return
		}
		v, err := op(h, ctx, cc.p, t, in)
		if err != nil && errs.ClassOf(err) == errs.Internal {
			h.log.LogAttrs(ctx, slog.LevelError, "plugin database call failed",
				slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap), slog.String("func", fn), slog.Any("error", err))
		}
		reply(v, err)
	}
}

// table is p's declared table named name, or nil.
func (p *plugin) table(name string) *TableSpec {
	for i := range p.manifest.Tables {
		if p.manifest.Tables[i].Name == name {
			return &p.manifest.Tables[i]
		}
	}
	return nil
}

func (t *TableSpec) column(name string) *ColumnSpec {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// decodeStrict decodes a request, refusing unknown keys, numbers as json.Number.
func decodeStrict(in []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return errs.New(errs.Invalid, "malformed request: %v", err)
	}
	return nil
}

// Cond is one condition of a DB request.
type Cond struct {
	Column string `json:"column"`
	Op     string `json:"op"`
	Value  any    `json:"value"`
}

// condOps maps the condition operators to SQL.
var condOps = map[string]string{"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "in": "", "is_null": "", "not_null": ""}

// sqlb accumulates bind parameters.
type sqlb struct{ args []any }

func (b *sqlb) param(v any, typ string) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args)) + "::" + castOf(typ)
}

// where builds the WHERE clause of conds on t.
func (b *sqlb) where(t *TableSpec, conds []Cond) (string, error) {
	if len(conds) > maxConditions {
		return "", errs.New(errs.Invalid, "at most %d conditions", maxConditions)
	}
	var parts []string
	for _, c := range conds {
		col := t.column(c.Column)
		if col == nil {
			return "", errs.New(errs.Invalid, "table %s has no column %q", t.Name, c.Column)
		}
		op, ok := condOps[c.Op]
		if !ok {
			return "", errs.New(errs.Invalid, "unknown operator %q (=, !=, <, <=, >, >=, in, is_null, not_null)", c.Op)
		}
		q := quote(c.Column)
		switch c.Op {
		case "is_null":
			parts = append(parts, q+" IS NULL")
		case "not_null":
			parts = append(parts, q+" IS NOT NULL")
		case "in":
			list, ok := c.Value.([]any)
			if !ok || len(list) > maxInValues || col.Type == "json" {
				return "", errs.New(errs.Invalid, "in on %s takes a list of up to %d values", c.Column, maxInValues)
			}
			arr, err := typedList(col, list)
			if err != nil {
				return "", err
			}
			b.args = append(b.args, arr)
			parts = append(parts, q+" = ANY($"+strconv.Itoa(len(b.args))+"::"+castOf(col.Type)+"[])")
		default:
			if col.Type == "json" && c.Op != "=" && c.Op != "!=" {
				return "", errs.New(errs.Invalid, "json column %s takes = or !=", c.Column)
			}
			v, err := bindValue(col, c.Value)
			if err != nil {
				return "", err
			}
			if v == nil {
				return "", errs.New(errs.Invalid, "compare %s with null through is_null or not_null", c.Column)
			}
			parts = append(parts, q+" "+op+" "+b.param(v, col.Type))
		}
	}
	if len(parts) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(parts, " AND "), nil
}

// bindValue converts a JSON value for column col; nil stays nil (NULL).
func bindValue(col *ColumnSpec, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func() (any, error) {
		return nil, errs.New(errs.Invalid, "column %s (%s) cannot take the value %v", col.Name, col.Type, v)
	}
	switch col.Type {
	case "text":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "integer", "serial":
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				return i, nil
			}
		}
	case "float":
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				return f, nil
			}
		}
	case "boolean":
		if x, ok := v.(bool); ok {
			return x, nil
		}
	case "timestamp":
		if s, ok := v.(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t, nil
			}
		}
	case "json":
		b, err := json.Marshal(v)
		if err == nil {
			return string(b), nil
		}
	}
	return bad()
}

// typedList converts an "in" list to a typed slice pgx encodes as an array.
func typedList(col *ColumnSpec, list []any) (any, error) {
	conv := make([]any, len(list))
	for i, v := range list {
		x, err := bindValue(col, v)
		if err != nil {
			return nil, err
		}
		if x == nil {
			return nil, errs.New(errs.Invalid, "in on %s: null is not a value", col.Name)
		}
		conv[i] = x
	}
	switch col.Type {
	case "text":
		return convSlice[string](conv), nil
	case "integer", "serial":
		return convSlice[int64](conv), nil
	case "float":
		return convSlice[float64](conv), nil
	case "boolean":
		return convSlice[bool](conv), nil
	case "timestamp":
		return convSlice[time.Time](conv), nil
	}
	return nil, errs.New(errs.Invalid, "in on %s is not supported", col.Name)
}

func convSlice[T any](in []any) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = v.(T)
	}
	return out
}

// selectRequest is the db_select request.
type selectRequest struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	Where   []Cond   `json:"where"`
	Order   []struct {
		Column    string `json:"column"`
		Direction string `json:"direction"`
	} `json:"order"`
	Limit  int `json:"limit"`
	Offset int `json:"offset"`
}

func (h *Host) dbSelect(ctx context.Context, p *plugin, t *TableSpec, in []byte) (any, error) {
	var r selectRequest
	if err := decodeStrict(in, &r); err != nil {
		return nil, err
	}
	cols := r.Columns
	if len(cols) == 0 {
		for _, c := range t.Columns {
			cols = append(cols, c.Name)
		}
	}
	for _, c := range cols {
		if t.column(c) == nil {
			return nil, errs.New(errs.Invalid, "table %s has no column %q", t.Name, c)
		}
	}
	var b sqlb
	where, err := b.where(t, r.Where)
	if err != nil {
		return nil, err
	}
	sql := "SELECT " + quoteAll(cols) + " FROM " + quote(TableName(p.manifest.Name, t.Name)) + where
	var order []string
	for _, o := range r.Order {
		if t.column(o.Column) == nil {
			return nil, errs.New(errs.Invalid, "table %s has no column %q", t.Name, o.Column)
		}
		switch o.Direction {
		case "", "asc":
			order = append(order, quote(o.Column)+" ASC")
		case "desc":
			order = append(order, quote(o.Column)+" DESC")
		default:
			return nil, errs.New(errs.Invalid, "order direction must be asc or desc")
		}
	}
	if len(order) > 0 {
		sql += " ORDER BY " + strings.Join(order, ", ")
	}
	limit := r.Limit
	if limit <= 0 || limit > maxSelectRows {
		limit = maxSelectRows
	}
	b.args = append(b.args, limit, max(r.Offset, 0))
	sql += " LIMIT $" + strconv.Itoa(len(b.args)-1) + " OFFSET $" + strconv.Itoa(len(b.args))
	rows, err := h.ext.pool.Query(ctx, sql, b.args...)
	if err != nil {
		return nil, classifyDB(err)
	}
	out, err := collectRows(rows)
	if err != nil {
		return nil, classifyDB(err)
	}
	return out, nil
}

// collectRows reads rows as column → JSON-friendly value.
func collectRows(rows pgx.Rows) ([]map[string]any, error) {
	defer rows.Close()
	fields := rows.FieldDescriptions()
	out := []map[string]any{}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		row := make(map[string]any, len(vals))
		for i, v := range vals {
			if t, ok := v.(time.Time); ok {
				v = t.UTC().Format(time.RFC3339Nano)
			}
			row[fields[i].Name] = v
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// setValues builds the column list and parameters of an insert or update.
func (b *sqlb) setValues(t *TableSpec, values map[string]any) (cols, params []string, err error) {
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	slices.Sort(names) // deterministic SQL
	for _, k := range names {
		col := t.column(k)
		if col == nil {
			return nil, nil, errs.New(errs.Invalid, "table %s has no column %q", t.Name, k)
		}
		if col.Type == "serial" {
			return nil, nil, errs.New(errs.Invalid, "column %s is a serial: the database sets it", k)
		}
		v, err := bindValue(col, values[k])
		if err != nil {
			return nil, nil, err
		}
		cols = append(cols, quote(k))
		params = append(params, b.param(v, col.Type))
	}
	return cols, params, nil
}

func (h *Host) dbInsert(ctx context.Context, p *plugin, t *TableSpec, in []byte) (any, error) {
	var r struct {
		Table  string         `json:"table"`
		Values map[string]any `json:"values"`
	}
	if err := decodeStrict(in, &r); err != nil {
		return nil, err
	}
	var b sqlb
	cols, params, err := b.setValues(t, r.Values)
	if err != nil {
		return nil, err
	}
	var all []string
	for _, c := range t.Columns {
		all = append(all, c.Name)
	}
	sql := "INSERT INTO " + quote(TableName(p.manifest.Name, t.Name))
	if len(cols) == 0 {
		sql += " DEFAULT VALUES"
	} else {
		sql += " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(params, ", ") + ")"
	}
	sql += " RETURNING " + quoteAll(all)
	rows, err := h.ext.pool.Query(ctx, sql, b.args...)
	if err != nil {
		return nil, classifyDB(err)
	}
	out, err := collectRows(rows)
	if err != nil {
		return nil, classifyDB(err)
	}
	if len(out) != 1 {
		return nil, errs.New(errs.Internal, "insert returned %d rows", len(out))
	}
	return out[0], nil
}

func (h *Host) dbUpdate(ctx context.Context, p *plugin, t *TableSpec, in []byte) (any, error) {
	var r struct {
		Table  string         `json:"table"`
		Values map[string]any `json:"values"`
		Where  []Cond         `json:"where"`
	}
	if err := decodeStrict(in, &r); err != nil {
		return nil, err
	}
	if len(r.Values) == 0 {
		return nil, errs.New(errs.Invalid, "update sets no values")
	}
	var b sqlb
	cols, params, err := b.setValues(t, r.Values)
	if err != nil {
		return nil, err
	}
	where, err := b.where(t, r.Where)
	if err != nil {
		return nil, err
	}
	if where == "" {
		return nil, errs.New(errs.Invalid, "update needs at least one condition")
	}
	sets := make([]string, len(cols))
	for i := range cols {
		sets[i] = cols[i] + " = " + params[i]
	}
	tag, err := h.ext.pool.Exec(ctx, "UPDATE "+quote(TableName(p.manifest.Name, t.Name))+" SET "+strings.Join(sets, ", ")+where, b.args...)
	if err != nil {
		return nil, classifyDB(err)
	}
	return map[string]int64{"rows": tag.RowsAffected()}, nil
}

func (h *Host) dbDelete(ctx context.Context, p *plugin, t *TableSpec, in []byte) (any, error) {
	var r struct {
		Table string `json:"table"`
		Where []Cond `json:"where"`
	}
	if err := decodeStrict(in, &r); err != nil {
		return nil, err
	}
	var b sqlb
	where, err := b.where(t, r.Where)
	if err != nil {
		return nil, err
	}
	if where == "" {
		return nil, errs.New(errs.Invalid, "delete needs at least one condition")
	}
	tag, err := h.ext.pool.Exec(ctx, "DELETE FROM "+quote(TableName(p.manifest.Name, t.Name))+where, b.args...)
	if err != nil {
		return nil, classifyDB(err)
	}
	return map[string]int64{"rows": tag.RowsAffected()}, nil
}

// classifyDB maps constraint violations to errors a plugin can act on.
func classifyDB(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return errs.Wrap(errs.Conflict, err, "a row with this key already exists")
		case "23502":
			return errs.Wrap(errs.Invalid, err, "column "+pgErr.ColumnName+" needs a value")
		case "22003", "22001", "22P02", "23514":
			return errs.Wrap(errs.Invalid, err, "a value is out of range for its column")
		}
	}
	return errs.Wrap(errs.Internal, err, "plugin database call")
}
