package gather

// Materialized columns: the JSONB benchmark's decision (docs/benchmarks.md,
// "JSONB field storage") keeps item fields in the fields JSONB column and
// gives the fields a site filters or sorts on a stored generated column,
// m_<name> for field_<name>, computed from fields by PostgreSQL (it cannot
// drift), with a btree or GIN index. gather_column (migration 00012) lists
// them with the state of their build; a River job (app/jobs, kind
// "gather_column") adds or drops each one; the builder (build.go) reads a
// ready column instead of the JSONB expression, in Live listings.
//
// Column shapes, chosen so a column answers exactly what the JSONB
// expression it replaces answers (on the values the field types store):
//   - text (text, email, list): text[] of every value, gather_texts(fields ->
//     'field_x', 'value'). Equality and "in" overlap it (&&) as the JSONB
//     containment matches any value; sorts and ranges read m_x[1], the first
//     value. Indexes: GIN on m_x and btree on (m_x[1]).
//   - number (integer, decimal): numeric of the first value, gather_numeric
//     as the builder's expression. Index: btree.
//   - date (date, datetime): text of the first value (ISO dates compare as
//     text, as the builder's expression does). Index: btree.
//   - reference (category_reference, item_reference): text[] of every
//     target_id. Index: GIN, for has term, has term or descendants, in.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/trovato/trovato/app/db"
	"github.com/trovato/trovato/app/errs"
)

// Column kinds (gather_column.kind).
const (
	colText      = "text"
	colNumber    = "number"
	colDate      = "date"
	colReference = "reference"
)

// Column statuses (gather_column.status). Only ready columns are read by
// listings.
const (
	ColumnPending  = "pending"  // the job is queued
	ColumnBuilding = "building" // the job is adding the column or building its index
	ColumnReady    = "ready"    // listings read it
	ColumnFailed   = "failed"   // see Error; materialize or drop again
	ColumnDropping = "dropping" // listings stopped reading it; the job drops it
)

// maxColumnName keeps the longest index name, item_m_<name>_gin, within
// PostgreSQL's 63 bytes (longer names would be truncated, and could clash).
const maxColumnName = 63 - len("item_m_") - len("_gin")

// lockTimeout bounds how long the ALTER TABLE waits for its exclusive lock
// behind running transactions: waiting longer would queue every other
// reader of item behind it. The job fails and says so; try again.
const lockTimeout = "10s"

// Column is one field's materialized column as recorded.
type Column struct {
	Field   string
	Name    string // m_<name>
	Kind    string
	Status  string
	Error   string
	Changed time.Time
}

// ColumnQueue enqueues a column job inside the caller's transaction, so the
// job exists exactly when the gather_column row says it is coming; at is
// when the job may start. app/jobs' Runner is one.
type ColumnQueue interface {
	EnqueueColumnTx(ctx context.Context, tx pgx.Tx, field string, drop bool, at time.Time) error
}

// UseColumnQueue sets the job queue Materialize and Dematerialize use.
func (s *Service) UseColumnQueue(q ColumnQueue) {
	s.mu.Lock()
	s.queue = q
	s.mu.Unlock()
}

// columnKind is the materialized kind of a field type; ok is false for
// types no column serves (boolean, long text, links).
func columnKind(fieldType string) (string, bool) {
	switch fieldType {
	case "text", "email", "list":
		return colText, true
	case "integer", "decimal":
		return colNumber, true
	case "date", "datetime":
		return colDate, true
	case "category_reference", "item_reference":
		return colReference, true
	}
	return "", false
}

// columnName is the column of a field: m_ and the field name without
// field_. It is built from a field name that matched fieldName only.
func columnName(field string) string { return "m_" + strings.TrimPrefix(field, "field_") }

// firstOf is the SQL of a column's first value.
func firstOf(col, kind string) string {
	if kind == colText || kind == colReference {
		return col + "[1]"
	}
	return col
}

// columnStatements returns the ALTER TABLE that adds field's column and
// the CREATE INDEX CONCURRENTLY statements of its indexes. field must
// match fieldName: it is the only non-constant text, and that pattern
// admits no quote.
func columnStatements(field, kind string) (add string, indexes []string) {
	col := columnName(field)
	lit := "'" + field + "'"
	var expr string
	switch kind {
	case colNumber:
		expr = "gather_numeric(fields -> " + lit + " -> 0 ->> 'value')"
	case colDate:
		expr = "(fields -> " + lit + " -> 0 ->> 'value')"
	case colText:
		expr = "gather_texts(fields -> " + lit + ", 'value')"
	default:
		expr = "gather_texts(fields -> " + lit + ", 'target_id')"
	}
	add = "ALTER TABLE item ADD COLUMN IF NOT EXISTS " + col + " " + columnType(kind) + " GENERATED ALWAYS AS (" + expr + ") STORED"
	for _, name := range indexNames(field, kind) {
		on := "(" + col + ")"
		switch {
		case strings.HasSuffix(name, "_gin"):
			on = "USING GIN (" + col + ")"
		case kind == colText:
			on = "((" + col + "[1]))"
		}
		indexes = append(indexes, "CREATE INDEX CONCURRENTLY IF NOT EXISTS "+name+" ON item "+on)
	}
	return add, indexes
}

// columnType is the SQL type of a column kind (as format_type spells it).
func columnType(kind string) string {
	switch kind {
	case colNumber:
		return "numeric"
	case colDate:
		return "text"
	}
	return "text[]"
}

// indexNames are the indexes of field's column.
func indexNames(field, kind string) []string {
	base := "item_" + columnName(field)
	switch kind {
	case colText:
		return []string{base, base + "_gin"}
	case colReference:
		return []string{base + "_gin"}
	}
	return []string{base}
}

// checkMaterializable says why field cannot have a column, if it cannot.
func checkMaterializable(field string, schema Schema) (string, error) {
	info, ok := schema[field]
	if !ok || !fieldName.MatchString(field) {
		return "", errs.New(errs.Invalid, "%q is not a field of any content type.", field)
	}
	kind, ok := columnKind(info.Type)
	if !ok {
		return "", errs.New(errs.Invalid, "%s is a %s field: listings filter and sort it through fields; it gets no materialized column.", field, info.Type)
	}
	if len(strings.TrimPrefix(field, "field_")) > maxColumnName {
		return "", errs.New(errs.Invalid, "The field name %s is too long for a materialized column (at most %d characters after field_).", field, maxColumnName)
	}
	return kind, nil
}

// Columns returns every recorded materialized column.
func (s *Service) Columns(ctx context.Context) ([]Column, error) {
	rows, err := s.q.ListGatherColumns(ctx)
	if err != nil {
		return nil, fmt.Errorf("list materialized columns: %w", err)
	}
	out := make([]Column, 0, len(rows))
	for _, r := range rows {
		out = append(out, columnOf(r))
	}
	return out, nil
}

func columnOf(r db.GatherColumn) Column {
	return Column{Field: r.Field, Name: r.ColumnName, Kind: r.Kind, Status: r.Status, Error: r.Error, Changed: r.Changed}
}

// loadColumns reads the recorded columns into the cache Schema reads.
func (s *Service) loadColumns(ctx context.Context) error {
	cols, err := s.Columns(ctx)
	if err != nil {
		return err
	}
	byField := make(map[string]Column, len(cols))
	for _, c := range cols {
		byField[c.Field] = c
	}
	s.mu.Lock()
	s.columns = byField
	s.mu.Unlock()
	return nil
}

// withColumns fills in the columns of schema's fields from the cache.
func (s *Service) withColumns(schema Schema) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for field, info := range schema {
		c, ok := s.columns[field]
		info.Column, info.ColumnStatus, info.ColumnError = "", c.Status, c.Error
		if kind, isKind := columnKind(info.Type); ok && isKind && c.Status == ColumnReady && kind == c.Kind && c.Name == columnName(field) {
			info.Column = c.Name
		}
		schema[field] = info
	}
}

// Materialize records field's column as pending and enqueues the job that
// builds it. The job's ALTER TABLE rewrites the item table under an
// exclusive lock: reads and writes of items wait until it is done.
func (s *Service) Materialize(ctx context.Context, field string) (Column, error) {
	schema, err := s.Schema(ctx)
	if err != nil {
		return Column{}, err
	}
	kind, err := checkMaterializable(field, schema)
	if err != nil {
		return Column{}, err
	}
	return s.enqueueColumn(ctx, field, false, func(q *db.Queries, cur *db.GatherColumn) error {
		if cur != nil && cur.Status != ColumnFailed {
			return errs.New(errs.Conflict, "%s already has a materialized column (%s).", field, cur.Status)
		}
		return q.UpsertGatherColumn(ctx, db.UpsertGatherColumnParams{Field: field, ColumnName: columnName(field), Kind: kind, Status: ColumnPending})
	})
}

// Dematerialize stops listings reading field's column at once and
// enqueues the job that drops it, dropDelay later, so every node has
// reloaded (Watch) before the column goes.
func (s *Service) Dematerialize(ctx context.Context, field string) (Column, error) {
	return s.enqueueColumn(ctx, field, true, func(q *db.Queries, cur *db.GatherColumn) error {
		if cur == nil {
			return errs.New(errs.NotFound, "%s has no materialized column.", field)
		}
		if cur.Status != ColumnReady && cur.Status != ColumnFailed {
			return errs.New(errs.Conflict, "The column of %s is %s; drop it once that is done.", field, cur.Status)
		}
		_, err := q.SetGatherColumnStatus(ctx, db.SetGatherColumnStatusParams{Field: field, Status: ColumnDropping, Error: ""})
		return err
	})
}

// enqueueColumn runs record (given the transaction's queries and the
// current row, locked, nil if none) and
// enqueues the job in one transaction, then reloads the cache.
func (s *Service) enqueueColumn(ctx context.Context, field string, drop bool, record func(*db.Queries, *db.GatherColumn) error) (Column, error) {
	s.mu.RLock()
	queue, delay := s.queue, s.dropDelay
	s.mu.RUnlock()
	if queue == nil {
		return Column{}, errors.New("materialized columns: no job queue")
	}
	at := time.Now()
	if drop {
		at = at.Add(delay)
	}
	var out Column
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		cur, err := q.GetGatherColumnForUpdate(ctx, field)
		var curp *db.GatherColumn
		switch {
		case err == nil:
			curp = &cur
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if err := record(q, curp); err != nil {
			return err
		}
		if err := queue.EnqueueColumnTx(ctx, tx, field, drop, at); err != nil {
			return fmt.Errorf("enqueue column job: %w", err)
		}
		row, err := q.GetGatherColumn(ctx, field)
		out = columnOf(row)
		return err
	})
	if err != nil {
		if errs.ClassOf(err) != errs.Internal {
			return Column{}, err
		}
		return Column{}, fmt.Errorf("materialized column of %s: %w", field, err)
	}
	return out, s.loadColumns(ctx)
}

// RunColumnJob is the work of a column job: build (add the column, build
// its indexes concurrently, ANALYZE it, mark it ready) or drop (drop its
// indexes concurrently and the column, forget it). A job whose row no
// longer asks for it does nothing. A failure is recorded on the row.
func (s *Service) RunColumnJob(ctx context.Context, field string, drop bool) error {
	row, err := s.q.GetGatherColumn(ctx, field)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("load column of %s: %w", field, err)
	}
	if !fieldName.MatchString(row.Field) || row.ColumnName != columnName(row.Field) {
		return fmt.Errorf("materialized column %q of %q: bad name", row.ColumnName, row.Field)
	}
	if drop {
		if row.Status != ColumnDropping {
			return nil
		}
		err = s.dropColumn(ctx, row)
	} else {
		if row.Status != ColumnPending && row.Status != ColumnBuilding {
			return nil
		}
		err = s.buildColumn(ctx, row)
	}
	if err != nil {
		msg := err.Error()
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			msg = pgErr.Message
			if pgErr.Code == "55P03" {
				msg += " (the item table was busy for " + lockTimeout + "; try again at a quieter time)"
			}
		}
		if _, serr := s.q.SetGatherColumnStatus(context.WithoutCancel(ctx), db.SetGatherColumnStatusParams{Field: field, Status: ColumnFailed, Error: msg}); serr != nil {
			err = errors.Join(err, serr)
		}
	}
	if lerr := s.loadColumns(context.WithoutCancel(ctx)); lerr != nil {
		err = errors.Join(err, lerr)
	}
	return err
}

func (s *Service) buildColumn(ctx context.Context, row db.GatherColumn) error {
	if _, err := s.q.SetGatherColumnStatus(ctx, db.SetGatherColumnStatusParams{Field: row.Field, Status: ColumnBuilding}); err != nil {
		return err
	}
	add, indexes := columnStatements(row.Field, row.Kind)
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('lock_timeout', $1, true)", lockTimeout); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, add)
		return err
	})
	if err != nil {
		return fmt.Errorf("add column %s: %w", row.ColumnName, err)
	}
	// IF NOT EXISTS keeps a column of that name whatever it is: make sure
	// it is this field's generated column.
	var typ, expr string
	err = s.pool.QueryRow(ctx, `SELECT format_type(a.atttypid, a.atttypmod), coalesce(pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE a.attrelid = 'item'::regclass AND a.attname = $1 AND a.attgenerated = 's' AND NOT a.attisdropped`, row.ColumnName).Scan(&typ, &expr)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && (typ != columnType(row.Kind) || !strings.Contains(expr, "'"+row.Field+"'"))) {
		return fmt.Errorf("item already has a column %s that is not the materialized column of %s; drop or rename it first", row.ColumnName, row.Field)
	}
	if err != nil {
		return fmt.Errorf("check column %s: %w", row.ColumnName, err)
	}
	for i, stmt := range indexes {
		if err := s.dropInvalidIndex(ctx, indexNames(row.Field, row.Kind)[i]); err != nil {
			return err
		}
		// Exec without arguments uses the simple protocol: no transaction
		// block, as CREATE INDEX CONCURRENTLY requires.
		if _, err := s.pool.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("index column %s: %w", row.ColumnName, err)
		}
	}
	if _, err := s.pool.Exec(ctx, "ANALYZE item ("+row.ColumnName+")"); err != nil {
		return fmt.Errorf("analyze column %s: %w", row.ColumnName, err)
	}
	_, err = s.q.SetGatherColumnStatus(ctx, db.SetGatherColumnStatusParams{Field: row.Field, Status: ColumnReady})
	return err
}

// dropInvalidIndex drops an index a failed concurrent build left invalid,
// which CREATE INDEX … IF NOT EXISTS would otherwise keep.
func (s *Service) dropInvalidIndex(ctx context.Context, name string) error {
	var invalid bool
	err := s.pool.QueryRow(ctx, "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", name).Scan(&invalid)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !invalid) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+name)
	return err
}

func (s *Service) dropColumn(ctx context.Context, row db.GatherColumn) error {
	for _, name := range indexNames(row.Field, row.Kind) {
		if _, err := s.pool.Exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+name); err != nil {
			return fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('lock_timeout', $1, true)", lockTimeout); err != nil {
			return err
		}
		// Dropping a column only marks it gone: no rewrite, a brief lock.
		_, err := tx.Exec(ctx, "ALTER TABLE item DROP COLUMN IF EXISTS "+row.ColumnName)
		return err
	})
	if err != nil {
		return fmt.Errorf("drop column %s: %w", row.ColumnName, err)
	}
	_, err = s.q.DeleteGatherColumn(ctx, row.Field)
	return err
}

// isUndefinedColumn reports a statement that named a column that is gone:
// a column dropped on another node before this one reloaded.
func isUndefinedColumn(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42703"
}
