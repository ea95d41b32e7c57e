package form

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/errs"
)

// Builder builds a form for a state. It is called when the form is first
// shown and again on every submit and rebuild, so the submitted request is
// always read against a form the server built, never against the request.
type Builder func(ctx context.Context, st *State) (*Form, error)

// Hooks connect the lifecycle to plugins (tap_form_alter, tap_form_validate);
// either may be nil.
type Hooks struct {
	Alter    func(ctx context.Context, f *Form)
	Validate func(ctx context.Context, formID string, values Values) map[string]string
}

// Processor runs the Form API lifecycle: build → alter → render, and on
// submit: load state → build → alter → take values only for built elements
// → either apply a rebuild button's operation, or validate.
type Processor struct {
	States *StateStore
	Hooks  Hooks
}

// Outcome says what a submission came to.
type Outcome int

const (
	// Rebuilt means a rebuild button (Add another item, Remove) was pressed:
	// the form was rebuilt from its state with every value kept; nothing is
	// validated or saved.
	Rebuilt Outcome = iota + 1
	// Invalid means validation failed; errors are set on the form.
	Invalid
	// Valid means the form may be submitted.
	Valid
)

// Result is a processed submission.
type Result struct {
	Outcome Outcome
	Form    *Form
	State   *State
	Values  Values   // values of the form's own input elements
	Wrapper *Element // for Rebuilt: the element a partial response re-renders
}

// New builds a form for its first display and stores its state.
func (p *Processor) New(ctx context.Context, owner uuid.UUID, formID string, build Builder) (*Form, error) {
	st := &State{FormID: formID, Items: map[string]int{}, Data: map[string]string{}}
	f, err := p.build(ctx, st, build)
	if err != nil {
		return nil, err
	}
	f.BuildID = NewBuildID()
	if err := p.States.Save(ctx, owner, f.BuildID, st); err != nil {
		return nil, err
	}
	return f, nil
}

// NewWithState is New for builders that put data into the state first
// (e.g. the item being edited).
func (p *Processor) NewWithState(ctx context.Context, owner uuid.UUID, st *State, build Builder) (*Form, error) {
	if st.Items == nil {
		st.Items = map[string]int{}
	}
	if st.Data == nil {
		st.Data = map[string]string{}
	}
	f, err := p.build(ctx, st, build)
	if err != nil {
		return nil, err
	}
	f.BuildID = NewBuildID()
	if err := p.States.Save(ctx, owner, f.BuildID, st); err != nil {
		return nil, err
	}
	return f, nil
}

func (p *Processor) build(ctx context.Context, st *State, build Builder) (*Form, error) {
	f, err := build(ctx, st)
	if err != nil {
		return nil, err
	}
	if p.Hooks.Alter != nil {
		p.Hooks.Alter(ctx, f)
	}
	return f, nil
}

// Submit processes a posted form. The state comes from form_build_id; when
// it has expired (or the build id is unknown) the form is rebuilt from a
// fresh state sized to what was submitted, so nothing typed is lost.
func (p *Processor) Submit(ctx context.Context, owner uuid.UUID, formID string, posted Values, build Builder, fresh func() *State) (*Result, error) {
	buildID := posted.Get("form_build_id")
	st, err := p.States.Load(ctx, owner, formID, buildID)
	switch {
	case errs.Is(err, errs.NotFound):
		st = fresh()
		buildID = NewBuildID()
	case err != nil:
		return nil, err
	}
	if st.Items == nil {
		st.Items = map[string]int{}
	}
	if st.Data == nil {
		st.Data = map[string]string{}
	}
	st.Input = posted
	f, err := p.build(ctx, st, build)
	if err != nil {
		return nil, err
	}
	if grown := growToSubmitted(f, st, posted); grown {
		if f, err = p.build(ctx, st, build); err != nil {
			return nil, err
		}
	}
	f.BuildID = buildID
	values := f.Fill(posted)
	res := &Result{Form: f, State: st, Values: values}

	if trigger := triggered(f, posted); trigger != nil && trigger.Type == Button && trigger.Op != "" {
		if err := applyOp(st, trigger.Op, values); err != nil {
			return nil, err
		}
		nf, err := p.build(ctx, st, build)
		if err != nil {
			return nil, err
		}
		nf.BuildID = buildID
		res.Values = nf.Fill(values)
		res.Form, res.Outcome = nf, Rebuilt
		res.Wrapper = nf.Find(trigger.Wrapper)
		return res, p.States.Save(ctx, owner, buildID, st)
	}

	res.Outcome = Valid
	if !f.ValidateElements() {
		res.Outcome = Invalid
	}
	if p.Hooks.Validate != nil {
		msgs := p.Hooks.Validate(ctx, formID, values)
		keys := make([]string, 0, len(msgs))
		for k := range msgs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f.SetError(k, msgs[k])
			res.Outcome = Invalid
		}
	}
	return res, p.States.Save(ctx, owner, buildID, st)
}

// triggered finds the button (submit or rebuild) the request pressed: the
// one whose key the request carries. Only buttons of the built form count.
func triggered(f *Form, posted Values) *Element {
	var hit *Element
	f.Walk(func(e *Element) {
		if hit == nil && (e.Type == Button || e.Type == Submit) && !e.NoAccess && !e.Disabled {
			if _, ok := posted[e.Key]; ok {
				hit = e
			}
		}
	})
	return hit
}

// growToSubmitted raises a multi-value wrapper's item count to the number of
// deltas the request carries (when the state was lost), and reports whether
// it changed anything.
func growToSubmitted(f *Form, st *State, posted Values) bool {
	grown := false
	f.Walk(func(e *Element) {
		if e.Type != MultiValue {
			return
		}
		n := 0
		prefix := e.Key + "."
		for k := range posted {
			rest, ok := strings.CutPrefix(k, prefix)
			if !ok {
				continue
			}
			idx, _, _ := strings.Cut(rest, ".")
			if d, err := strconv.Atoi(idx); err == nil && d+1 > n && d < maxDeltas {
				n = d + 1
			}
		}
		if n > st.Items[e.Key] && n > countDeltas(e) {
			st.Items[e.Key] = n
			grown = true
		}
	})
	return grown
}

// maxDeltas bounds how many values one multi-value element may grow to.
const maxDeltas = 200

// applyOp performs a rebuild button's operation on the state and, for
// removals, renumbers the submitted values so each stays with its item.
func applyOp(st *State, op string, values Values) error {
	parts := strings.Split(op, ":")
	switch {
	case len(parts) == 2 && parts[0] == "add":
		w := parts[1]
		st.Items[w] = min(max(st.Items[w], 1)+1, maxDeltas)
		return nil
	case len(parts) == 1 && parts[0] == "rebuild":
		// Rebuild from the submitted values (e.g. a chosen field type shows
		// its settings); the builder reads them from State.Input.
		return nil
	case len(parts) == 3 && parts[0] == "remove":
		w := parts[1]
		i, err := strconv.Atoi(parts[2])
		if err != nil {
			return fmt.Errorf("bad remove operation %q", op)
		}
		removeDelta(values, w, i)
		st.Items[w] = max(st.Items[w]-1, 1)
		return nil
	}
	return fmt.Errorf("unknown form operation %q", op)
}

// removeDelta drops the values of delta i of wrapper w and moves the later
// deltas down by one ("w.3.uri" becomes "w.2.uri").
func removeDelta(values Values, w string, i int) {
	prefix := w + "."
	moved := Values{}
	for k, v := range values {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		idx, tail, _ := strings.Cut(rest, ".")
		d, err := strconv.Atoi(idx)
		if err != nil || d < i {
			continue
		}
		delete(values, k)
		if d > i {
			nk := prefix + strconv.Itoa(d-1)
			if tail != "" {
				nk += "." + tail
			}
			moved[nk] = v
		}
	}
	for k, v := range moved {
		values[k] = v
	}
}

func countDeltas(e *Element) int {
	n := 0
	for _, c := range e.Children {
		if c.Type != Button && c.Type != Actions {
			n++
		}
	}
	return n
}
