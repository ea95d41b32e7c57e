package category_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/category"
	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/testenv"
)

func newService(t *testing.T) (*category.Service, func(sql string, args ...any)) {
	t.Helper()
	pool, err := pg.Connect(context.Background(), testenv.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	return category.NewService(pool), exec
}

func mustTerm(t *testing.T, s *category.Service, vocab, name string, parents ...uuid.UUID) uuid.UUID {
	t.Helper()
	term, err := s.CreateTerm(context.Background(), category.Term{VocabularyID: vocab, Name: name, Parents: parents})
	if err != nil {
		t.Fatalf("create term %s: %v", name, err)
	}
	return term.ID
}

func names(refs []category.Ref) []string {
	out := []string{}
	for _, r := range refs {
		out = append(out, r.Name)
	}
	return out
}

func TestHierarchyRules(t *testing.T) {
	ctx := context.Background()
	s, exec := newService(t)
	for _, v := range []category.Vocabulary{
		{ID: "tags", Label: "Tags", Hierarchy: category.Flat},
		{ID: "tree", Label: "Tree", Hierarchy: category.Single},
		{ID: "dag", Label: "Dag", Hierarchy: category.Multiple},
	} {
		if err := s.CreateVocabulary(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateVocabulary(ctx, category.Vocabulary{ID: "tags", Label: "Again"}); !errs.Is(err, errs.Conflict) {
		t.Errorf("duplicate vocabulary: %v", err)
	}
	if err := s.CreateVocabulary(ctx, category.Vocabulary{ID: "add", Label: "Add"}); !errs.Is(err, errs.Invalid) {
		t.Errorf("reserved machine name: %v", err)
	}
	red := mustTerm(t, s, "tags", "Red")
	a := mustTerm(t, s, "tree", "A")
	b := mustTerm(t, s, "tree", "B", a)
	c := mustTerm(t, s, "tree", "C", b)
	x := mustTerm(t, s, "dag", "X")
	y := mustTerm(t, s, "dag", "Y")
	z := mustTerm(t, s, "dag", "Z", x, y)

	refused := []struct {
		name string
		term category.Term
		want string
	}{
		{"flat takes no parents", category.Term{VocabularyID: "tags", Name: "Blue", Parents: []uuid.UUID{red}}, "flat"},
		{"single takes one parent", category.Term{VocabularyID: "tree", Name: "D", Parents: []uuid.UUID{a, b}}, "at most one parent"},
		{"parent from another vocabulary", category.Term{VocabularyID: "tree", Name: "D", Parents: []uuid.UUID{x}}, "same vocabulary"},
		{"parent listed twice", category.Term{VocabularyID: "dag", Name: "W", Parents: []uuid.UUID{x, x}}, "twice"},
		{"unknown parent", category.Term{VocabularyID: "dag", Name: "W", Parents: []uuid.UUID{uuid.New()}}, "same vocabulary"},
		{"name required", category.Term{VocabularyID: "dag", Name: " "}, "Name is required"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.CreateTerm(ctx, tc.term)
			if !errs.Is(err, errs.Invalid) || !strings.Contains(strings.Join(mapValues(errs.FieldsOf(err)), " "), tc.want) {
				t.Fatalf("err = %v (%v), want Invalid mentioning %q", err, errs.FieldsOf(err), tc.want)
			}
		})
	}
	cycles := []struct {
		name    string
		term    uuid.UUID
		parents []uuid.UUID
		want    string
	}{
		{"own parent", a, []uuid.UUID{a}, "own parent"},
		{"child as parent", a, []uuid.UUID{b}, "cycle"},
		{"grandchild as parent", a, []uuid.UUID{c}, "cycle"},
		{"descendant among several parents", x, []uuid.UUID{y, z}, "cycle"},
	}
	for _, tc := range cycles {
		t.Run(tc.name, func(t *testing.T) {
			term, err := s.Term(ctx, tc.term)
			if err != nil {
				t.Fatal(err)
			}
			term.Parents = tc.parents
			err = s.SaveTerm(ctx, *term)
			if !errs.Is(err, errs.Invalid) || !strings.Contains(errs.FieldsOf(err)["parents"], tc.want) {
				t.Fatalf("err = %v (%v), want Invalid mentioning %q", err, errs.FieldsOf(err), tc.want)
			}
		})
	}

	// A term with two parents appears under both; ancestors and
	// descendants list each term once.
	tree, err := s.Tree(ctx, "dag")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tt := range tree {
		got = append(got, strings.Repeat("-", tt.Depth)+tt.Name)
	}
	if diff := cmp.Diff([]string{"X", "-Z", "Y", "-Z"}, got); diff != "" {
		t.Errorf("dag tree (-want +got):\n%s", diff)
	}
	anc, err := s.Ancestors(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"A", "B"}, names(anc)); diff != "" {
		t.Errorf("ancestors of C (-want +got):\n%s", diff)
	}
	desc, err := s.Descendants(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"B", "C"}, names(desc)); diff != "" {
		t.Errorf("descendants of A (-want +got):\n%s", diff)
	}

	// The hierarchy cannot be narrowed below what the terms use.
	err = s.SaveVocabulary(ctx, category.Vocabulary{ID: "dag", Label: "Dag", Hierarchy: category.Single})
	if !errs.Is(err, errs.Invalid) {
		t.Errorf("narrow dag to single: %v", err)
	}
	if err := s.SaveVocabulary(ctx, category.Vocabulary{ID: "tree", Label: "Tree", Hierarchy: category.Multiple}); err != nil {
		t.Errorf("widen tree: %v", err)
	}

	// A cycle written behind the service's back (A under C) does not make
	// the walks loop, nor list the term itself.
	exec(`INSERT INTO category_term_parent (term_id, parent_id) VALUES ($1, $2)`, a, c)
	if anc, err = s.Ancestors(ctx, c); err != nil || !cmp.Equal(names(anc), []string{"A", "B"}) {
		t.Errorf("ancestors in a cycle: %v %v", names(anc), err)
	}
	if desc, err = s.Descendants(ctx, a); err != nil || !cmp.Equal(names(desc), []string{"B", "C"}) {
		t.Errorf("descendants in a cycle: %v %v", names(desc), err)
	}
	if tree, err = s.Tree(ctx, "tree"); err != nil || len(tree) != 0 {
		t.Errorf("tree without roots: %v %v", tree, err)
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestMachineName(t *testing.T) {
	for in, want := range map[string]string{
		"Tags": "tags", "Blog post tags!": "blog_post_tags", "  9 lives ": "lives", "Äpfel & Birnen": "pfel_birnen",
	} {
		if got := category.MachineName(in); got != want {
			t.Errorf("MachineName(%q) = %q, want %q", in, got, want)
		}
	}
}
