package people

import (
	"context"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trovato/trovato/app/user"
)

func TestCollectKeepsFirstOfEachName(t *testing.T) {
	got := Collect(
		Static([]user.Permission{{Name: "a", Group: "System"}, {Name: ""}}),
		nil,
		Static([]user.Permission{{Name: "a", Group: "plugin"}, {Name: "b", Group: "plugin"}}),
	)(context.Background())
	want := []user.Permission{{Name: "a", Group: "System"}, {Name: "b", Group: "plugin"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Collect (-want +got):\n%s", d)
	}
}

// Matrix keys are well-formed form keys, unique even when names differ only
// in punctuation, and the same for the same input.
func TestMatrixKeys(t *testing.T) {
	roles := []user.Role{{Name: "anonymous"}, {Name: "editor"}}
	perms := []user.Permission{
		{Name: "access content", Group: "System"},
		{Name: "access-content", Group: "x"},
		{Name: "Ünïcode ✓", Group: "x"},
		{Name: "!!!"},
	}
	m := newMatrix(roles, perms)
	valid := regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,127}$`)
	seen := map[string]bool{}
	for pair, k := range m.keys {
		if !valid.MatchString(k) || seen[k] {
			t.Errorf("key %q of %v is malformed or repeated", k, pair)
		}
		seen[k] = true
	}
	if len(seen) != len(roles)*len(perms) {
		t.Errorf("%d keys for %d cells", len(seen), len(roles)*len(perms))
	}
	if k := m.keys[[2]string{"editor", "access content"}]; k != "editor.access-content" {
		t.Errorf("key of (editor, access content) = %q", k)
	}
	if d := cmp.Diff(m.keys, newMatrix(roles, perms).keys); d != "" {
		t.Errorf("keys differ between builds:\n%s", d)
	}
	var groups []string
	for _, g := range m.groups {
		groups = append(groups, g.label)
	}
	if d := cmp.Diff([]string{"System", "x", "Other"}, groups); d != "" {
		t.Errorf("groups (-want +got):\n%s", d)
	}
}
