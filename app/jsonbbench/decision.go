package jsonbbench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Decision is §16's decision criteria applied to a run:
//
//	"If GIN-only meets targets for 80%+ of queries, use JSONB with targeted
//	expression indexes for the exceptions. If more than 30% of queries
//	require expression indexes, reconsider the pure-JSONB approach and
//	evaluate a hybrid model."
//
// A query meets the target when its p95 is at most TargetP95. A query
// "requires expression indexes" when it misses the target with GIN only.
// With seven queries, 6 or 7 meeting it is 80 %+; 3 or more missing is more
// than 30 %; exactly 5 meeting (2 missing, 28.6 %) fires neither rule, and
// the design's default (JSONB with targeted expression indexes) stands.
type Decision struct {
	Queries          int      `json:"queries"`
	GINMeeting       int      `json:"gin_only_meeting_target"`
	GINMeetingPct    float64  `json:"gin_only_meeting_pct"`
	NeedIndexes      []int    `json:"queries_needing_more_than_gin"`
	NeedIndexesPct   float64  `json:"needing_more_than_gin_pct"`
	Rule             string   `json:"rule"` // "gin_80", "over_30", "neither"
	Chosen           string   `json:"chosen_configuration"`
	ChosenMeetsAll   bool     `json:"chosen_meets_budget"`
	ChosenMisses     []int    `json:"chosen_misses"`
	ExpressionFixes  []int    `json:"fixed_by_expression_indexes"`
	MaterializedOnly []int    `json:"fixed_only_by_materialized_columns"`
	Statement        string   `json:"statement"`
	Notes            []string `json:"notes,omitempty"`
}

// Decide applies the criteria to the measured configurations.
func Decide(cfgs []ConfigResult) Decision {
	by := map[string]ConfigResult{}
	for _, c := range cfgs {
		by[c.Name] = c
	}
	gin, expr, mat := by[ConfigGIN], by[ConfigExpression], by[ConfigMaterialized]
	d := Decision{Queries: len(gin.Queries)}
	if d.Queries == 0 {
		d.Statement = "no figures"
		return d
	}
	for i, q := range gin.Queries {
		if q.MeetsTarget {
			d.GINMeeting++
			continue
		}
		d.NeedIndexes = append(d.NeedIndexes, q.ID)
		switch {
		case i < len(expr.Queries) && expr.Queries[i].MeetsTarget:
			d.ExpressionFixes = append(d.ExpressionFixes, q.ID)
		case i < len(mat.Queries) && mat.Queries[i].MeetsTarget:
			d.MaterializedOnly = append(d.MaterializedOnly, q.ID)
		}
	}
	d.GINMeetingPct = pct(d.GINMeeting, d.Queries)
	d.NeedIndexesPct = pct(len(d.NeedIndexes), d.Queries)
	switch {
	case d.GINMeetingPct >= 80:
		d.Rule = "gin_80"
		d.Chosen = ConfigExpression
		d.Statement = fmt.Sprintf("GIN only meets the %.0f ms p95 target for %d of %d queries (%.0f %% ≥ 80 %%): keep fields in JSONB and add targeted expression indexes for the exceptions (%s).",
			ms(TargetP95), d.GINMeeting, d.Queries, d.GINMeetingPct, ids(d.NeedIndexes))
	case d.NeedIndexesPct > 30:
		d.Rule = "over_30"
		d.Chosen = ConfigMaterialized
		d.Statement = fmt.Sprintf("%d of %d queries (%.0f %% > 30 %%) miss the %.0f ms p95 target with GIN only and need extra indexes (%s): reconsider pure JSONB — hybrid model, with materialized (stored generated) columns for hot fields.",
			len(d.NeedIndexes), d.Queries, d.NeedIndexesPct, ms(TargetP95), ids(d.NeedIndexes))
	default:
		d.Rule = "neither"
		d.Chosen = ConfigExpression
		d.Statement = fmt.Sprintf("GIN only meets the %.0f ms p95 target for %d of %d queries (%.0f %%, under 80 %%) and %d (%.0f %%, not over 30 %%) need extra indexes (%s): neither rule fires, so the design's default stands — JSONB with targeted expression indexes for those queries.",
			ms(TargetP95), d.GINMeeting, d.Queries, d.GINMeetingPct, len(d.NeedIndexes), d.NeedIndexesPct, ids(d.NeedIndexes))
	}
	chosen := by[d.Chosen]
	d.ChosenMeetsAll = len(chosen.Queries) > 0
	for _, q := range chosen.Queries {
		if !q.MeetsTarget {
			d.ChosenMeetsAll = false
			d.ChosenMisses = append(d.ChosenMisses, q.ID)
		}
	}
	if len(d.MaterializedOnly) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("only materialized columns bring %s under the target", ids(d.MaterializedOnly)))
	}
	if d.ChosenMeetsAll {
		d.Notes = append(d.Notes, fmt.Sprintf("with %s every query's p95 is within %.0f ms", by[d.Chosen].Label, ms(TargetP95)))
	} else {
		d.Notes = append(d.Notes, fmt.Sprintf("with %s, %s still miss %.0f ms p95", by[d.Chosen].Label, ids(d.ChosenMisses), ms(TargetP95)))
	}
	return d
}

func pct(a, b int) float64 { return float64(a) * 100 / float64(b) }

func ids(xs []int) string {
	if len(xs) == 0 {
		return "none"
	}
	var s []string
	for _, x := range xs {
		s = append(s, fmt.Sprintf("Q%d", x))
	}
	return strings.Join(s, ", ")
}

// WriteTable prints the report as a p50/p95 table per query × configuration
// followed by the decision.
func (r *Report) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "items=%d types=%d fields/item=%d–%d avg fields=%d B terms/item=%d–%d vocabulary=%d table=%.0f MB load=%.1f s runs=%d warm-up=%d PostgreSQL %s\n",
		r.Items, len(r.ContentTypes), r.FieldsPerItem[0], r.FieldsPerItem[1], r.AvgItemBytes,
		r.TermsPerItem[0], r.TermsPerItem[1], r.Vocabulary, float64(r.TableBytes)/1e6, r.LoadSeconds, r.Runs, r.Warmup, r.Server)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "query")
	for _, c := range r.Configs {
		fmt.Fprintf(tw, "\t%s p50\tp95", c.Label)
	}
	fmt.Fprintln(tw)
	for i, q := range queries {
		fmt.Fprintf(tw, "Q%d %s", q.id, q.name)
		for _, c := range r.Configs {
			if i >= len(c.Queries) {
				fmt.Fprint(tw, "\t\t")
				continue
			}
			qr := c.Queries[i]
			mark := ""
			if !qr.MeetsTarget {
				mark = " ✗"
			}
			fmt.Fprintf(tw, "\t%.2f ms\t%.2f ms%s", qr.P50MS, qr.P95MS, mark)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "setup (index build, ANALYZE)")
	for _, c := range r.Configs {
		fmt.Fprintf(tw, "\t%.1f s\t%.0f MB idx", c.SetupSeconds, float64(c.IndexBytes)/1e6)
	}
	fmt.Fprintln(tw)
	_ = tw.Flush()
	fmt.Fprintf(w, "✗ = p95 over the %.0f ms target.\n\nIndexes used (EXPLAIN):\n", r.TargetP95MS)
	for i, q := range queries {
		fmt.Fprintf(w, "  Q%d", q.id)
		for _, c := range r.Configs {
			if i < len(c.Queries) {
				fmt.Fprintf(w, "  [%s: %s]", c.Name, strings.Join(c.Queries[i].Indexes, " "))
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nDecision (§16): %s\n", r.Decision.Statement)
	for _, n := range r.Decision.Notes {
		fmt.Fprintf(w, "  - %s\n", n)
	}
}
