package plugin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/testenv"
)

func init() { modules["notes"] = "./app/plugin/testdata/notes" }

// dbHost opens a host with fixtures on a fresh database and installs them.
func dbHost(t *testing.T, fixtures ...fixture) (*Host, *pgxpool.Pool, *memStore, *logSink) {
	t.Helper()
	ctx := context.Background()
	pool, err := pg.Connect(ctx, testenv.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	h, logs := openHost(t, Config{}, fixtures...)
	h.UseDatabase(pool)
	st := &memStore{rows: map[string]bool{}}
	if err := h.UseStore(ctx, st); err != nil {
		t.Fatal(err)
	}
	return h, pool, st, logs
}

// notesHost opens a host with the notes plugin, "other" (the same module
// with a table of its own) and "nodb" (without the db capability), on a
// fresh database, and installs them.
func notesHost(t *testing.T) (*Host, *pgxpool.Pool, *memStore, *logSink) {
	t.Helper()
	other := `{"name":"other","version":"1","abi":1,"taps":["dbtest"],"capabilities":["db"],
		"tables":[{"name":"mine","columns":[{"name":"x","type":"text"}]}]}`
	nodb := `{"name":"nodb","version":"1","abi":1,"taps":["dbtest"],"capabilities":[]}`
	return dbHost(t, fixture{name: "notes"},
		fixture{name: "other", module: "notes", manifest: other}, fixture{name: "nodb", module: "notes", manifest: nodb})
}

// dbtest runs one DB call through the notes module's tap_dbtest as plugin
// name and returns {"result":…} or {"code","message"}.
func dbtest(t *testing.T, h *Host, name, req string) map[string]any {
	t.Helper()
	out, err := h.Call(context.Background(), name, "dbtest", []byte(req), nil)
	if err != nil {
		t.Fatalf("dbtest %s: %v", req, err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("dbtest answer %s: %v", out, err)
	}
	return m
}

func wantDBError(t *testing.T, got map[string]any, code, msgPart string) {
	t.Helper()
	if got["code"] != code || !strings.Contains(got["message"].(string), msgPart) {
		t.Errorf("answer = %v, want code %s with %q", got, code, msgPart)
	}
}

func TestDBAPIRoundTrip(t *testing.T) {
	h, pool, _, _ := notesHost(t)
	ctx := context.Background()
	// The install tap ran after the table was created.
	var title string
	if err := pool.QueryRow(ctx, "SELECT title FROM plugin_notes_notes").Scan(&title); err != nil || title != "installed" {
		t.Fatalf("install row = %q, %v", title, err)
	}
	ins := dbtest(t, h, "notes", `{"op":"insert","table":"notes","values":{"title":"alpha","stars":3,"score":1.5,"done":true,
		"at":"2026-01-02T03:04:05Z","meta":{"k":[1,2]}}}`)
	row, ok := ins["result"].(map[string]any)
	if !ok || row["id"] == nil || row["title"] != "alpha" || row["stars"] != float64(3) || row["score"] != 1.5 ||
		row["done"] != true || row["at"] != "2026-01-02T03:04:05Z" {
		t.Fatalf("insert = %v", ins)
	}
	if meta, _ := json.Marshal(row["meta"]); string(meta) != `{"k":[1,2]}` {
		t.Errorf("meta = %s", meta)
	}
	dbtest(t, h, "notes", `{"op":"insert","table":"notes","values":{"title":"beta","stars":1}}`)

	sel := dbtest(t, h, "notes", `{"op":"select","select":{"table":"notes","columns":["title","stars"],
		"where":[{"column":"stars","op":">=","value":1}],"order":[{"column":"title","direction":"desc"}]}}`)
	rows, _ := sel["result"].([]any)
	if len(rows) != 2 || rows[0].(map[string]any)["title"] != "beta" || len(rows[0].(map[string]any)) != 2 {
		t.Errorf("select = %v", sel)
	}
	sel = dbtest(t, h, "notes", `{"op":"select","select":{"table":"notes","where":[{"column":"title","op":"in","value":["alpha","installed"]},{"column":"meta","op":"not_null"}]}}`)
	if rows, _ := sel["result"].([]any); len(rows) != 1 || rows[0].(map[string]any)["title"] != "alpha" {
		t.Errorf("select in/not_null = %v", sel)
	}
	upd := dbtest(t, h, "notes", `{"op":"update","table":"notes","values":{"stars":5,"done":null},"where":[{"column":"title","op":"=","value":"alpha"}]}`)
	if upd["result"] != float64(1) {
		t.Errorf("update = %v", upd)
	}
	var stars int
	var done *bool
	if err := pool.QueryRow(ctx, "SELECT stars, done FROM plugin_notes_notes WHERE title = 'alpha'").Scan(&stars, &done); err != nil || stars != 5 || done != nil {
		t.Errorf("after update: stars %d done %v (%v)", stars, done, err)
	}
	del := dbtest(t, h, "notes", `{"op":"delete","table":"notes","where":[{"column":"stars","op":"<","value":2}]}`)
	if del["result"] != float64(1) {
		t.Errorf("delete = %v", del)
	}
	// Hostile-looking values are data, never SQL.
	dbtest(t, h, "notes", `{"op":"insert","table":"notes","values":{"title":"x'); DROP TABLE plugin_notes_notes; --"}}`)
	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM plugin_notes_notes").Scan(&n); err != nil || n != 3 {
		t.Errorf("rows = %d (%v), want 3", n, err)
	}
	// A unique index violation is a conflict the plugin can handle.
	wantDBError(t, dbtest(t, h, "notes", `{"op":"insert","table":"notes","values":{"title":"installed"}}`), "conflict", "already exists")
}

func TestDBAPIRefusals(t *testing.T) {
	h, pool, _, _ := notesHost(t)
	cases := []struct {
		plugin, req, code, msg string
	}{
		{"notes", `{"op":"select","select":{"table":"notes","columns":["password"]}}`, "invalid", `no column "password"`},
		{"notes", `{"op":"select","select":{"table":"notes","where":[{"column":"title; DROP TABLE x","op":"=","value":"a"}]}}`, "invalid", "no column"},
		{"notes", `{"op":"select","select":{"table":"notes","order":[{"column":"nope"}]}}`, "invalid", "no column"},
		{"notes", `{"op":"select","select":{"table":"notes","where":[{"column":"title","op":"LIKE","value":"a"}]}}`, "invalid", "unknown operator"},
		{"notes", `{"op":"insert","table":"notes","values":{"ghost":"x"}}`, "invalid", `no column "ghost"`},
		{"notes", `{"op":"insert","table":"notes","values":{"title":"t","stars":"many"}}`, "invalid", "cannot take the value"},
		{"notes", `{"op":"insert","table":"notes","values":{"id":7,"title":"t"}}`, "invalid", "serial"},
		{"notes", `{"op":"insert","table":"notes","values":{"stars":1}}`, "invalid", "title"},
		{"notes", `{"op":"update","table":"notes","values":{"stars":1}}`, "invalid", "at least one condition"},
		{"notes", `{"op":"delete","table":"notes"}`, "invalid", "at least one condition"},
		// Tables are named by their short name: the SQL name is no way in.
		{"notes", `{"op":"select","select":{"table":"plugin_notes_notes"}}`, "not_found", "declares no table"},
		{"notes", `{"op":"select","select":{"table":"users"}}`, "not_found", "declares no table"},
		// Another plugin cannot reach notes' table, even with the db capability.
		{"other", `{"op":"select","select":{"table":"notes"}}`, "not_found", "plugin other declares no table \"notes\""},
		{"other", `{"op":"delete","table":"notes","where":[{"column":"id","op":">","value":0}]}`, "not_found", "declares no table"},
		// Without the capability nothing runs.
		{"nodb", `{"op":"select","select":{"table":"notes"}}`, "forbidden", `capability "db"`},
	}
	for _, c := range cases {
		wantDBError(t, dbtest(t, h, c.plugin, c.req), c.code, c.msg)
	}
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM plugin_notes_notes").Scan(&n); err != nil || n != 1 {
		t.Errorf("notes rows = %d (%v), want only the install row", n, err)
	}
	// other's own table exists and works.
	if got := dbtest(t, h, "other", `{"op":"insert","table":"mine","values":{"x":"mine"}}`); got["result"] == nil {
		t.Errorf("other insert into its own table = %v", got)
	}
}

func TestUninstallDropsTablesAndReinstallRecreatesThem(t *testing.T) {
	h, pool, st, logs := notesHost(t)
	ctx := context.Background()
	if got := h.Tables("notes"); len(got) != 1 || got[0] != "plugin_notes_notes" {
		t.Errorf("Tables = %v", got)
	}
	exists := func(table string) bool {
		var reg *string
		if err := pool.QueryRow(ctx, "SELECT to_regclass($1)::text", table).Scan(&reg); err != nil {
			t.Fatal(err)
		}
		return reg != nil
	}
	dbtest(t, h, "notes", `{"op":"insert","table":"notes","values":{"title":"keep me?"}}`)
	if err := h.Disable(ctx, "notes"); err != nil {
		t.Fatal(err)
	}
	if !exists("plugin_notes_notes") {
		t.Fatal("disable dropped the table")
	}
	if err := h.Uninstall(ctx, "notes"); err != nil {
		t.Fatal(err)
	}
	logs.requireLog(t, "notes tap uninstall")
	if exists("plugin_notes_notes") {
		t.Error("uninstall left the table")
	}
	if !exists("plugin_other_mine") {
		t.Error("uninstalling notes dropped another plugin's table")
	}
	if _, ok := st.get("notes"); ok {
		t.Error("notes is still recorded as installed")
	}
	if err := h.Enable(ctx, "notes"); err != nil {
		t.Fatal(err)
	}
	var titles []string
	rows, err := pool.Query(ctx, "SELECT title FROM plugin_notes_notes")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		titles = append(titles, s)
	}
	if len(titles) != 1 || titles[0] != "installed" {
		t.Errorf("after re-enable the table holds %v, want only the new install row", titles)
	}
}

func TestManifestTablesValidated(t *testing.T) {
	bad := []string{
		`[{"name":"t","columns":[{"name":"a","type":"varchar"}]}]`,
		`[{"name":"T","columns":[{"name":"a","type":"text"}]}]`,
		`[{"name":"t","columns":[{"name":"a b","type":"text"}]}]`,
		`[{"name":"t","columns":[]}]`,
		`[{"name":"t","columns":[{"name":"a","type":"text"}],"primary_key":["b"]}]`,
		`[{"name":"t","columns":[{"name":"a","type":"text"}],"indexes":[{"columns":["z"]}]}]`,
		`[{"name":"t","columns":[{"name":"a","type":"text"},{"name":"a","type":"text"}]}]`,
		`[{"name":"a_very_long_table_name_that_does_not_fit","columns":[{"name":"a","type":"text"}]}]`,
	}
	for _, tables := range bad {
		var specs []TableSpec
		if err := json.Unmarshal([]byte(tables), &specs); err != nil {
			t.Fatal(err)
		}
		if err := validateTables("a_long_plugin_name_here", specs); err == nil {
			t.Errorf("tables %s accepted", tables)
		}
	}
}
