package sdk

// Hand-written JSON for the values and messages of tap_form_validate and
// tap_form_submit, with the word-at-a-time reader and writer; forms travel
// in the binary layout of formwire.go. A null member reads as absent.

// members reads an object, calling fn with each key (which may alias the
// input) positioned at its value; fn must consume the value.
func (r *reader) members(fn func(key []byte) error) error {
	if err := r.expect('{'); err != nil {
		return err
	}
	if r.peek() == '}' {
		r.i++
		return nil
	}
	for {
		key, err := r.stringBytes()
		if err != nil {
			return err
		}
		if err := r.expect(':'); err != nil {
			return err
		}
		if err := fn(key); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// items reads an array, calling fn positioned at each value, which fn must
// consume.
func (r *reader) items(fn func() error) error {
	if err := r.expect('['); err != nil {
		return err
	}
	if r.peek() == ']' {
		r.i++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// null consumes a null literal if one is next.
func (r *reader) null() bool {
	if r.peek() == 'n' && hasPrefixAt(unsafeString(r.b), r.i, "null") {
		r.i += 4
		return true
	}
	return false
}

// stringList reads an array of strings; null elements read as "".
func (r *reader) stringList() ([]string, error) {
	var out []string
	err := r.items(func() error {
		if r.null() {
			out = append(out, "")
			return nil
		}
		s, err := r.string()
		out = append(out, s)
		return err
	})
	return out, err
}

// stringMap reads an object of strings; null members are left out.
func (r *reader) stringMap() (map[string]string, error) {
	out := map[string]string{}
	err := r.members(func(key []byte) error {
		if r.null() {
			return nil
		}
		v, err := r.string()
		out[string(key)] = v
		return err
	})
	return out, err
}

// valuesMap reads submitted values, an object of string arrays.
func (r *reader) valuesMap() (map[string][]string, error) {
	out := map[string][]string{}
	err := r.members(func(key []byte) error {
		if r.null() {
			out[string(key)] = nil
			return nil
		}
		v, err := r.stringList()
		out[string(key)] = v
		return err
	})
	return out, err
}

// formType returns the constant for a known element type, saving an
// allocation per element.
func formType(b []byte) string {
	switch string(b) {
	case FormTypeTextField:
		return FormTypeTextField
	case FormTypeTextArea:
		return FormTypeTextArea
	case FormTypeNumber:
		return FormTypeNumber
	case FormTypeEmail:
		return FormTypeEmail
	case FormTypeURL:
		return FormTypeURL
	case FormTypeDate:
		return FormTypeDate
	case FormTypeDateTime:
		return FormTypeDateTime
	case FormTypeCheckbox:
		return FormTypeCheckbox
	case FormTypeCheckboxes:
		return FormTypeCheckboxes
	case FormTypeRadios:
		return FormTypeRadios
	case FormTypeSelect:
		return FormTypeSelect
	case FormTypeHidden:
		return FormTypeHidden
	case FormTypePassword:
		return FormTypePassword
	case FormTypeFile:
		return FormTypeFile
	case FormTypeAutocomplete:
		return FormTypeAutocomplete
	case FormTypeFieldset:
		return FormTypeFieldset
	case FormTypeDetails:
		return FormTypeDetails
	case FormTypeMarkup:
		return FormTypeMarkup
	case FormTypeActions:
		return FormTypeActions
	case FormTypeSubmit:
		return FormTypeSubmit
	case FormTypeButton:
		return FormTypeButton
	case FormTypeMultiValue:
		return FormTypeMultiValue
	}
	return string(b)
}

// appendMember appends member (`,"name":`) and s unless s is empty.
func appendMember(b []byte, member, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, member...)
	return appendString(b, s)
}

// appendStrings appends a JSON array of strings.
func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}
