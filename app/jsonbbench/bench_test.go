package jsonbbench

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/trovato/trovato/app/testenv"
)

// TestRunSmall runs the whole benchmark on 500 items and checks the JSON
// report's shape, that every query returned rows under every configuration,
// that the indexes of each configuration are in its plans, and that the
// scratch database is gone afterwards. No timing is asserted.
func TestRunSmall(t *testing.T) {
	ctx := context.Background()
	rep, err := Run(ctx, Options{ServerURL: testenv.ServerURL(), Items: 500, Runs: 3, Warmup: 1})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Items          int `json:"items"`
		AvgFieldsBytes int `json:"avg_fields_bytes"`
		Configurations []struct {
			Name    string `json:"name"`
			Queries []struct {
				ID      int      `json:"id"`
				P50     *float64 `json:"p50_ms"`
				P95     *float64 `json:"p95_ms"`
				Runs    int      `json:"runs"`
				MinRows int      `json:"min_rows"`
				Indexes []string `json:"indexes"`
			} `json:"queries"`
		} `json:"configurations"`
		Decision struct {
			Rule      string `json:"rule"`
			Chosen    string `json:"chosen_configuration"`
			Statement string `json:"statement"`
		} `json:"decision"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Items != 500 {
		t.Errorf("items = %d", doc.Items)
	}
	if doc.AvgFieldsBytes < minItemBytes || doc.AvgFieldsBytes > maxItemBytes {
		t.Errorf("average fields size %d B, want 2–8 KB", doc.AvgFieldsBytes)
	}
	wantCfg := []string{ConfigGIN, ConfigExpression, ConfigMaterialized}
	if len(doc.Configurations) != len(wantCfg) {
		t.Fatalf("%d configurations, want 3", len(doc.Configurations))
	}
	for i, c := range doc.Configurations {
		if c.Name != wantCfg[i] {
			t.Errorf("configuration %d = %q, want %q", i, c.Name, wantCfg[i])
		}
		if len(c.Queries) != 7 {
			t.Fatalf("%s: %d queries, want 7", c.Name, len(c.Queries))
		}
		for j, q := range c.Queries {
			if q.ID != j+1 || q.P50 == nil || q.P95 == nil || q.Runs != 3 {
				t.Errorf("%s Q%d: id %d, runs %d, p50/p95 present %v/%v", c.Name, j+1, q.ID, q.Runs, q.P50 != nil, q.P95 != nil)
			}
			if q.MinRows < 1 {
				t.Errorf("%s Q%d returned no rows in some run", c.Name, q.ID)
			}
		}
	}
	if doc.Decision.Rule == "" || doc.Decision.Chosen == "" || doc.Decision.Statement == "" {
		t.Errorf("decision incomplete: %+v", doc.Decision)
	}
	var table bytes.Buffer
	rep.WriteTable(&table)
	for _, want := range []string{"GIN only p50", "GIN + expression indexes p50", "GIN + materialized columns p50", "Q7 full text", "Decision (§16):"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	conn, err := pgx.Connect(ctx, testenv.ServerURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", rep.Database).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("scratch database %s was not dropped", rep.Database)
	}
}
