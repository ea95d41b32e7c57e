package form_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/app/pg"
	"github.com/trovato/trovato/app/testenv"
)

// linksForm is a form with a title and an unlimited multi-value field.
func linksForm(_ context.Context, st *form.State) (*form.Form, error) {
	f := &form.Form{ID: "links", Action: "/links"}
	f.Elements = append(f.Elements, &form.Element{Key: "title", Type: form.TextField, Label: "Title", Required: true})
	f.Elements = append(f.Elements, form.NewMultiValue(form.MultiValueSpec{
		Key: "field_links", Label: "Links", Count: st.Items["field_links"],
		Item: func(i int) *form.Element {
			return &form.Element{Key: "field_links." + strconv.Itoa(i) + ".uri", Type: form.TextField, Label: "Link " + strconv.Itoa(i+1)}
		},
	}))
	f.Elements = append(f.Elements, &form.Element{Key: "actions", Type: form.Actions, Children: []*form.Element{{Key: "op", Type: form.Submit, Label: "Save"}}})
	return f, nil
}

func newProcessor(t *testing.T) *form.Processor {
	t.Helper()
	pool, err := pg.Connect(context.Background(), testenv.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return &form.Processor{States: form.NewStateStore(pool)}
}

func fresh() *form.State { return &form.State{FormID: "links"} }

func linkValues(v form.Values) []string {
	var out []string
	for i := 0; ; i++ {
		vs, ok := v["field_links."+strconv.Itoa(i)+".uri"]
		if !ok {
			return out
		}
		out = append(out, vs[0])
	}
}

// "Add another item" three times, then "Remove" the second value: the form
// is rebuilt from its stored state each time and no typed value is lost.
func TestAddAnotherAndRemoveKeepValues(t *testing.T) {
	p := newProcessor(t)
	ctx := context.Background()
	owner := uuid.Must(uuid.NewV7())
	f, err := p.New(ctx, owner, "links", linksForm)
	if err != nil {
		t.Fatal(err)
	}
	posted := form.Values{"form_build_id": {f.BuildID}, "title": {"T"}, "field_links.0.uri": {"/a"}}
	for i := 1; i <= 3; i++ {
		posted["field_links.add"] = []string{"Add another item"}
		res, err := p.Submit(ctx, owner, "links", posted, linksForm, fresh)
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != form.Rebuilt || res.Wrapper == nil || res.Wrapper.Key != "field_links" {
			t.Fatalf("add %d: outcome %v wrapper %v", i, res.Outcome, res.Wrapper)
		}
		if got := res.State.Items["field_links"]; got != i+1 {
			t.Fatalf("add %d: %d items", i, got)
		}
		delete(posted, "field_links.add")
		posted["field_links."+strconv.Itoa(i)+".uri"] = []string{"/" + string(rune('a'+i))}
	}
	if diff := cmp.Diff([]string{"/a", "/b", "/c", "/d"}, linkValues(posted)); diff != "" {
		t.Fatal(diff)
	}
	posted["field_links.remove-1"] = []string{"Remove item 2"}
	res, err := p.Submit(ctx, owner, "links", posted, linksForm, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != form.Rebuilt {
		t.Fatalf("remove: outcome %v", res.Outcome)
	}
	if diff := cmp.Diff([]string{"/a", "/c", "/d"}, linkValues(res.Values)); diff != "" {
		t.Errorf("values after removing the second (-want +got):\n%s", diff)
	}
	if got := res.Form.Find("field_links.1.uri").Value; got != "/c" {
		t.Errorf("rebuilt element 2 holds %q, want /c", got)
	}
	if res.Form.Find("title").Value != "T" {
		t.Error("the title was lost in the rebuild")
	}
}

// A form whose state expired (or was never stored) still submits: it is
// rebuilt to the size of what was posted.
func TestLostStateIsRebuiltFromSubmission(t *testing.T) {
	p := newProcessor(t)
	posted := form.Values{"form_build_id": {"form-unknown"}, "title": {""}, "op": {"Save"},
		"field_links.0.uri": {"/a"}, "field_links.1.uri": {"/b"}, "field_links.2.uri": {"/c"}}
	res, err := p.Submit(context.Background(), uuid.Must(uuid.NewV7()), "links", posted, linksForm, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != form.Invalid {
		t.Fatalf("outcome %v, want invalid (title is required)", res.Outcome)
	}
	if diff := cmp.Diff([]string{"/a", "/b", "/c"}, linkValues(res.Values)); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if res.Form.BuildID == "form-unknown" || res.Form.BuildID == "" {
		t.Errorf("build id %q: a lost state needs a new build id", res.Form.BuildID)
	}
}

// Another user's build id is not theirs to rebuild.
func TestStateIsBoundToItsOwner(t *testing.T) {
	p := newProcessor(t)
	ctx := context.Background()
	alice, mallory := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	f, err := p.New(ctx, alice, "links", linksForm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.States.Load(ctx, mallory, "links", f.BuildID); err == nil {
		t.Fatal("another owner loaded the state")
	}
	if _, err := p.States.Load(ctx, alice, "other_form", f.BuildID); err == nil {
		t.Fatal("the state loaded for another form id")
	}
	if _, err := p.States.Load(ctx, alice, "links", f.BuildID); err != nil {
		t.Fatalf("the owner cannot load: %v", err)
	}
}

// Request keys that name no built element — Drupal's "#" properties, ops,
// unknown buttons — have no effect on the outcome or the state.
func TestRequestCannotInventElementsOrOperations(t *testing.T) {
	p := newProcessor(t)
	ctx := context.Background()
	owner := uuid.Must(uuid.NewV7())
	f, err := p.New(ctx, owner, "links", linksForm)
	if err != nil {
		t.Fatal(err)
	}
	posted := form.Values{"form_build_id": {f.BuildID}, "title": {"T"}, "op": {"Save"},
		"#type": {"markup"}, "#markup": {"<script>"}, "#submit": {"system_settings"}, "field_links.op": {"add:field_links"},
		"field_links.remove-7": {"x"}, "role": {"administrator"}}
	res, err := p.Submit(ctx, owner, "links", posted, linksForm, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != form.Valid {
		t.Fatalf("outcome %v: %v", res.Outcome, res.Form.Errors)
	}
	if diff := cmp.Diff(form.Values{"title": {"T"}, "field_links.0.uri": {""}}, res.Values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if n := res.State.Items["field_links"]; n > 1 {
		t.Errorf("the request added values: %d items", n)
	}
}

func TestCheckTree(t *testing.T) {
	ok := &form.Form{Elements: []*form.Element{{Key: "a", Type: form.Fieldset, Children: []*form.Element{{Key: "a.b", Type: form.TextField}}}}}
	if err := form.CheckTree(ok); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]*form.Form{
		"unknown type": {Elements: []*form.Element{{Key: "a", Type: "php_code"}}},
		"bad key":      {Elements: []*form.Element{{Key: "#markup", Type: form.Markup}}},
		"duplicate":    {Elements: []*form.Element{{Key: "a", Type: form.TextField}, {Key: "a", Type: form.TextArea}}},
		"children":     {Elements: []*form.Element{{Key: "a", Type: form.TextField, Children: []*form.Element{{Key: "b", Type: form.TextField}}}}},
		"nil":          {Elements: []*form.Element{nil}},
	} {
		if err := form.CheckTree(f); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Expired states cannot be loaded and the cleanup deletes them.
func TestExpiredStateIsCleanedUp(t *testing.T) {
	ctx := context.Background()
	pool, err := pg.Connect(ctx, testenv.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	store := form.NewStateStore(pool)
	owner := uuid.Must(uuid.NewV7())
	for _, id := range []string{"form-old", "form-new"} {
		if err := store.Save(ctx, owner, id, &form.State{FormID: "links"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, "UPDATE form_state SET expires = now() - interval '1 minute' WHERE build_id = 'form-old'"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(ctx, owner, "links", "form-old"); err == nil {
		t.Fatal("an expired state loaded")
	}
	n, err := store.Cleanup(ctx)
	if err != nil || n != 1 {
		t.Fatalf("cleanup deleted %d (%v), want 1", n, err)
	}
	if _, err := store.Load(ctx, owner, "links", "form-new"); err != nil {
		t.Fatalf("the live state was lost: %v", err)
	}
}
