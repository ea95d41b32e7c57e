package plugin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/tetratelabs/wazero/api"

	"github.com/trovato/trovato/app/errs"
)

// Capabilities of the host functions in this file and host_db.go.
const (
	CapItemQuery = "item_query" // item_query
	CapDB        = "db"         // db_select, db_insert, db_update, db_delete
)

func init() {
	knownCaps[CapItemQuery] = true
	knownCaps[CapDB] = true
	for _, f := range extHostFuncNames {
		hostFuncNames[f] = true
	}
}

// extHostFuncNames are the host functions of this file and host_db.go.
var extHostFuncNames = []string{"item_query", "db_select", "db_insert", "db_update", "db_delete"}

// hostExt is the host state the item query and the DB API need; the server
// sets it before serving (SetItemQuerier, UseDatabase).
type hostExt struct {
	querier ItemQuerier
	pool    *pgxpool.Pool
}

// Limits of the item query.
const (
	maxQueryInput   = 8 << 10 // bytes of query JSON
	maxQueryLimit   = 50      // items per query
	maxCallHandles  = 500     // items one call may hold handles to
	maxHostJSONSize = 256 << 10
)

// ItemQuery is a structured item query from a plugin (item_query). It maps
// one to one onto a Gather definition without display.
type ItemQuery struct {
	Types   []string      `json:"types"`
	Filters []QueryFilter `json:"filters"`
	Sort    []QuerySort   `json:"sort"`
	Limit   int           `json:"limit"`
	Page    int           `json:"page"`
}

// QueryFilter is one condition of an ItemQuery.
type QueryFilter struct {
	Field string `json:"field"`
	Op    string `json:"op"`
	Value any    `json:"value"`
}

// QuerySort is one ordering of an ItemQuery.
type QuerySort struct {
	Field     string `json:"field"`
	Direction string `json:"direction"`
}

// Viewer is whose access an item query applies: published items only,
// plus the viewer's own unpublished items when UserID is set, or every
// item with SeesUnpublished. The zero Viewer is an anonymous visitor.
type Viewer struct {
	UserID          string
	SeesUnpublished bool
}

type viewerKey struct{}

// WithViewer returns ctx carrying v for the item queries of the calls made
// with it. Calls without one query as an anonymous visitor.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

func viewerOf(ctx context.Context) Viewer {
	v, _ := ctx.Value(viewerKey{}).(Viewer)
	return v
}

// ItemQuerier runs an item query for a viewer (the server runs it through
// the Gather builder). An invalid query is an errs.Invalid error.
type ItemQuerier func(ctx context.Context, q ItemQuery, v Viewer) ([]*Item, error)

// SetItemQuerier installs the function behind item_query; call it before
// serving requests.
func (h *Host) SetItemQuerier(q ItemQuerier) { h.ext.querier = q }

// extHostFuncs are the host functions this file and host_db.go add.
func (h *Host) extHostFuncs() []hostFunc {
	v := func(ts ...api.ValueType) []api.ValueType { return ts }
	return []hostFunc{
		{"item_query", v(i32, i32), v(i64), h.itemQuery},
		{"db_select", v(i32, i32), v(i64), h.dbFunc("db_select", (*Host).dbSelect)},
		{"db_insert", v(i32, i32), v(i64), h.dbFunc("db_insert", (*Host).dbInsert)},
		{"db_update", v(i32, i32), v(i64), h.dbFunc("db_update", (*Host).dbUpdate)},
		{"db_delete", v(i32, i32), v(i64), h.dbFunc("db_delete", (*Host).dbDelete)},
	}
}

// itemQuery is item_query(query ptr,len) -> envelope: {"ok":[handles…]} or
// {"error":{code,message}}.
func (h *Host) itemQuery(ctx context.Context, mod api.Module, stack []uint64) {
	ptr, n := api.DecodeU32(stack[0]), api.DecodeU32(stack[1])
	stack[0] = 0
	cc := h.callOf(ctx, "item_query")
	if cc == nil {
		return
	}
	reply := func(v any, err error) { stack[0] = h.guestString(ctx, cc, mod, string(hostEnvelope(v, err))) }
	if !h.allowed(ctx, cc, "item_query", CapItemQuery, cc.p.manifest.has(CapItemQuery)) {
		reply(nil, errs.New(errs.Forbidden, "item_query needs the capability %q in plugin.json", CapItemQuery))
		return
	}
	if n > maxQueryInput {
		reply(nil, errs.New(errs.Invalid, "the item query is larger than %d bytes", maxQueryInput))
		return
	}
	in, ok := h.guestBytes(ctx, cc, mod, "item_query", ptr, n)
	if !ok {
		return
	}
	var q ItemQuery
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(&q); err != nil {
		reply(nil, errs.New(errs.Invalid, "item query: %v", err))
		return
	}
	for i := range q.Filters {
		if num, ok := q.Filters[i].Value.(json.Number); ok {
			f, err := num.Float64()
			if err != nil {
				reply(nil, errs.New(errs.Invalid, "item query: filter value %s", num))
				return
			}
			q.Filters[i].Value = f
		}
	}
	switch {
	case h.ext.querier == nil:
		reply(nil, errs.New(errs.Internal, "item queries are not available on this host"))
		return
	case q.Limit < 1 || q.Limit > maxQueryLimit:
		reply(nil, errs.New(errs.Invalid, "item query: limit must be between 1 and %d", maxQueryLimit))
		return
	case len(cc.state.items)+q.Limit > maxCallHandles:
		reply(nil, errs.New(errs.Invalid, "item query: one call may hold at most %d items", maxCallHandles))
		return
	}
	items, err := h.ext.querier(ctx, q, viewerOf(ctx))
	if err != nil {
		if errs.ClassOf(err) == errs.Internal {
			h.log.LogAttrs(ctx, slog.LevelError, "plugin item query failed",
				slog.String("plugin", cc.p.manifest.Name), slog.String("tap", cc.tap), slog.Any("error", err))
		}
		reply(nil, err)
		return
	}
	handles := make([]uint32, len(items))
	for i, it := range items {
		handles[i] = cc.state.AddItem(it)
	}
	reply(handles, nil)
}

// hostEnvelope encodes a host function's answer: {"ok":v} or
// {"error":{"code","message"}} with the error's public message (internal
// errors say only that the host failed).
func hostEnvelope(v any, err error) []byte {
	if err != nil {
		code := map[errs.Class]string{errs.Invalid: "invalid", errs.NotFound: "not_found", errs.Forbidden: "forbidden",
			errs.Conflict: "conflict"}[errs.ClassOf(err)]
		msg := errs.Public(err)
		if code == "" {
			code, msg = "internal", "the host could not complete the call"
		}
		b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
		return b
	}
	b, mErr := json.Marshal(map[string]any{"ok": v})
	if mErr != nil || len(b) > maxHostJSONSize {
		return hostEnvelope(nil, errs.New(errs.Invalid, "the answer is larger than %s bytes; ask for less", strconv.Itoa(maxHostJSONSize)))
	}
	return b
}

// errNoDB is the DB API without a database (a host in tests).
var errNoDB = errors.New("the plugin database API is not available on this host")
