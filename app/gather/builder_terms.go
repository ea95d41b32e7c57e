package gather

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/form"
)

// termsKey is the row key of a term filter's free-tagging input (large
// vocabularies; see formBuild.termNamesInput).
const termsKey = "terms"

// maxTermNamesLength bounds that input.
const maxTermNamesLength = 8192

// termLookup reads term names for the builder's free-tagging input.
type termLookup struct{ pool *pgxpool.Pool }

// labels returns the input's text for the term ids of vocab, in order: a
// term's name, with " (id)" when another term of the vocabulary has the
// same name (ignoring case) — the form the category autocomplete suggests
// and resolveTermNames reads back. An id that is not a term of vocab is
// shown as it is (resolving it then reports it).
func (l *termLookup) labels(ctx context.Context, vocab string, ids []string) []string {
	out := make([]string, 0, len(ids))
	names := map[string]string{}
	if l != nil && l.pool != nil {
		var valid []uuid.UUID
		for _, id := range ids {
			if u, err := uuid.Parse(id); err == nil {
				valid = append(valid, u)
			}
		}
		rows, err := l.pool.Query(ctx, `SELECT t.id::text, t.name || CASE WHEN EXISTS (
				SELECT 1 FROM category_term o WHERE o.vocabulary_id = t.vocabulary_id AND lower(o.name) = lower(t.name) AND o.id <> t.id)
			THEN ' (' || t.id::text || ')' ELSE '' END
			FROM category_term t WHERE t.vocabulary_id = $1 AND t.id = ANY($2)`, vocab, valid)
		if err == nil {
			for rows.Next() {
				var id, label string
				if rows.Scan(&id, &label) == nil {
					names[id] = label
				}
			}
			rows.Close()
		}
	}
	for _, id := range ids {
		if n, ok := names[id]; ok {
			out = append(out, n)
		} else {
			out = append(out, id)
		}
	}
	return out
}

// namedIDRe is a name followed by its term id, as the autocomplete
// suggests a name that several terms share: "Paris (0190…)".
var namedIDRe = regexp.MustCompile(`^(.*?)\s*\(([0-9a-fA-F-]{36})\)$`)

// resolveTermNames reads the free-tagging inputs of term filters (rows
// whose values hold filters.N.terms): each name becomes the id of the
// lightest term of the field's vocabulary with that name (ignoring case,
// as free tagging does), "Name (id)" or a bare id that term when it is in
// the vocabulary. The ids replace the row's choices in the returned
// values (v is not changed). Names that match no term are problems keyed
// by the input.
func (s *Service) resolveTermNames(ctx context.Context, v form.Values, schema Schema) (form.Values, map[string]string, error) {
	var out form.Values
	problems := map[string]string{}
	for i := range rowCount(v, secFilters) {
		key := rowKey(secFilters, i, termsKey)
		raw, typed := v[key]
		field := strings.TrimSpace(v.Get(rowKey(secFilters, i, "field")))
		if !typed || fieldKind(field, schema) != kTerm {
			continue
		}
		if out == nil {
			out = form.Values{}
			for k, val := range v {
				out[k] = val
			}
		}
		text := ""
		if len(raw) > 0 {
			text = raw[0]
		}
		ids, unknown, err := s.termIDs(ctx, schema[field].Vocabulary, category.ParseTags(text))
		if err != nil {
			return nil, nil, err
		}
		out[rowKey(secFilters, i, "choices")] = ids
		delete(out, rowKey(secFilters, i, "value"))
		switch len(unknown) {
		case 0:
		case 1:
			problems[key] = fmt.Sprintf("There is no term %s in this vocabulary: pick a name from the suggestions.", unknown[0])
		default:
			problems[key] = fmt.Sprintf("There are no terms %s in this vocabulary: pick names from the suggestions.", strings.Join(unknown, ", "))
		}
	}
	if out == nil {
		return v, nil, nil
	}
	if len(problems) == 0 {
		problems = nil
	}
	return out, problems, nil
}

// termIDs resolves names of terms of vocab (see resolveTermNames) in one
// query; unknown lists the names that match none, quoted.
func (s *Service) termIDs(ctx context.Context, vocab string, names []string) (ids, unknown []string, err error) {
	if len(names) == 0 {
		return []string{}, nil, nil
	}
	type want struct {
		name string
		id   string // set for "Name (id)" and bare ids
	}
	wants := make([]want, 0, len(names))
	var lower []string
	var byID []uuid.UUID
	for _, n := range names {
		w := want{name: n}
		if m := namedIDRe.FindStringSubmatch(n); m != nil {
			if u, err := uuid.Parse(m[2]); err == nil {
				w.id = u.String()
			}
		} else if u, err := uuid.Parse(n); err == nil {
			w.id = u.String()
		}
		if w.id != "" {
			byID = append(byID, uuid.MustParse(w.id))
		} else {
			lower = append(lower, strings.ToLower(n))
		}
		wants = append(wants, w)
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, lower(name) FROM category_term
		WHERE vocabulary_id = $1 AND (lower(name) = ANY($2) OR id = ANY($3)) ORDER BY weight, name, id`, vocab, lower, byID)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve term names: %w", err)
	}
	defer rows.Close()
	known, byName := map[string]bool{}, map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, fmt.Errorf("resolve term names: %w", err)
		}
		known[id] = true
		if _, seen := byName[name]; !seen {
			byName[name] = id // the lightest first
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("resolve term names: %w", err)
	}
	ids = []string{}
	for _, w := range wants {
		id := w.id
		if id == "" {
			id = byName[strings.ToLower(w.name)]
		} else if !known[id] {
			id = ""
		}
		if id == "" {
			unknown = append(unknown, fmt.Sprintf("%q", w.name))
			continue
		}
		ids = append(ids, id)
	}
	return ids, unknown, nil
}

// onTermInputs moves problems about a term filter's value from its select
// (problemFields' key) to its free-tagging input, for the rows that show
// that input (their values hold filters.N.terms).
func onTermInputs(problems map[string]string, v form.Values) map[string]string {
	for key, msg := range problems {
		rest, ok := strings.CutSuffix(key, ".choices")
		if !ok || !strings.HasPrefix(rest, secFilters+".") {
			continue
		}
		if _, typed := v[rest+"."+termsKey]; typed {
			delete(problems, key)
			problems[rest+"."+termsKey] = msg
		}
	}
	return problems
}
