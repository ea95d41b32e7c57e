package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/trovato/trovato/app/errs"
	"github.com/trovato/trovato/app/form"
	"github.com/trovato/trovato/views"
)

// FormRenderer shows a form page at a status (in the admin shell, under a
// section's tabs, in the visitor theme…).
type FormRenderer func(status int, f *form.Form) error

// NewForm builds a form for its first display, stores its state and gives
// it the session's CSRF token. st names the form (st.FormID) and may carry
// builder data.
func (p *Pages) NewForm(c *fiber.Ctx, forms *form.Processor, st *form.State, build form.Builder) (*form.Form, error) {
	f, err := forms.NewWithState(c.UserContext(), Account(c).ID, st, build)
	if err != nil {
		return nil, err
	}
	if f.CSRFToken, err = p.Sessions.CSRFToken(c); err != nil {
		return nil, err
	}
	return f, nil
}

// SubmitForm runs the Form API's submit lifecycle for every editing screen:
// a rebuild button answers with its wrapper (htmx) or the rebuilt page;
// invalid input re-renders with 422 and every value kept; a valid form goes
// to submit, which returns where to redirect. An error from submit that
// carries per-field messages, or is Invalid or Conflict, is shown on the
// form (422); any other error goes to the error handler.
func (p *Pages) SubmitForm(c *fiber.Ctx, forms *form.Processor, formID string, build form.Builder,
	submit func(*form.Result) (next string, err error), render FormRenderer) error {
	res, err := forms.Submit(c.UserContext(), Account(c).ID, formID, FormValues(c), build, func() *form.State {
		return &form.State{FormID: formID}
	})
	if err != nil {
		return err
	}
	if res.Form.CSRFToken, err = p.Sessions.CSRFToken(c); err != nil {
		return err
	}
	status := fiber.StatusOK
	switch res.Outcome {
	case form.Rebuilt:
		if IsPartial(c) && res.Wrapper != nil {
			return Render(c, fiber.StatusOK, views.FormPartial(res.Form, res.Wrapper))
		}
	case form.Invalid:
		status = fiber.StatusUnprocessableEntity
	case form.Valid:
		next, err := submit(res)
		if err == nil {
			return c.Redirect(next, fiber.StatusSeeOther)
		}
		fields := errs.FieldsOf(err)
		if len(fields) == 0 && !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.Conflict) {
			return err
		}
		if len(fields) > 0 {
			res.Form.SetErrors(fields)
		} else {
			res.Form.SetError("", errs.Public(err))
		}
		status = fiber.StatusUnprocessableEntity
	}
	return render(status, res.Form)
}
