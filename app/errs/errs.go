// Package errs defines Trovato's error classes. Domain code wraps one of the
// class sentinels (or returns an *Error carrying a class, a message a user may
// read, and per-field messages); the HTTP error handler maps the class to a
// status in one place. Nothing above the store layer sees driver errors.
package errs

import (
	"errors"
	"fmt"
	"net/http"
)

// Class is the kind of failure, each mapped to exactly one HTTP status.
type Class int

const (
	Internal Class = iota
	NotFound
	Invalid
	Forbidden
	Conflict
	Unauthorized
)

// Status is the HTTP status for the class.
func (c Class) Status() int {
	switch c {
	case NotFound:
		return http.StatusNotFound
	case Invalid:
		return http.StatusUnprocessableEntity
	case Forbidden:
		return http.StatusForbidden
	case Conflict:
		return http.StatusConflict
	case Unauthorized:
		return http.StatusUnauthorized
	}
	return http.StatusInternalServerError
}

func (c Class) String() string {
	switch c {
	case NotFound:
		return "not_found"
	case Invalid:
		return "invalid"
	case Forbidden:
		return "forbidden"
	case Conflict:
		return "conflict"
	case Unauthorized:
		return "unauthorized"
	}
	return "internal"
}

// Error is a classified error with a message safe to show to users and,
// for invalid input, messages per field (keyed by field or element name).
type Error struct {
	Class   Class
	Message string
	Fields  map[string]string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns a classified error with a user-facing message.
func New(c Class, format string, args ...any) *Error {
	return &Error{Class: c, Message: fmt.Sprintf(format, args...)}
}

// Wrap classifies err, keeping it for logs behind a user-facing message.
func Wrap(c Class, err error, msg string) *Error {
	return &Error{Class: c, Message: msg, Err: err}
}

// InvalidFields reports invalid input with one message per field.
func InvalidFields(fields map[string]string) *Error {
	return &Error{Class: Invalid, Message: "Some values are not valid.", Fields: fields}
}

// ClassOf finds the class of err; unclassified errors are Internal.
func ClassOf(err error) Class {
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return Internal
}

// Is reports whether err carries class c.
func Is(err error, c Class) bool { return err != nil && ClassOf(err) == c }

// Public is the message a user may see for err: the classified message, or a
// generic sentence for internal errors, whose details only go to the log.
func Public(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Class != Internal {
		return e.Message
	}
	return "Something went wrong on our side. The error has been logged."
}

// FieldsOf returns per-field messages of an invalid-input error, if any.
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
