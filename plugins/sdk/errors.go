package sdk

import (
	"errors"
	"fmt"
)

// Code classifies a tap error; the host maps it onto the kernel's error
// classes (invalid → 422, not_found → 404, forbidden → 403, conflict → 409).
type Code string

// The error codes a tap may return.
const (
	CodeInvalid   Code = "invalid"
	CodeNotFound  Code = "not_found"
	CodeForbidden Code = "forbidden"
	CodeConflict  Code = "conflict"
	CodeInternal  Code = "internal"
)

// Error is a classified tap error; it crosses the boundary as
// {"error":{"code":…,"message":…}}. Messages of non-internal errors may be
// shown to users.
type Error struct {
	Code    Code
	Message string
}

// Error returns the message prefixed with the code.
func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with code and a formatted message. Any other
// error a tap returns is reported with CodeInternal.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// codeOf finds the code and message to report for err; unknown codes and
// plain errors are internal.
func codeOf(err error) (Code, string) {
	var e *Error
	if errors.As(err, &e) {
		switch e.Code {
		case CodeInvalid, CodeNotFound, CodeForbidden, CodeConflict, CodeInternal:
			return e.Code, e.Message
		}
		return CodeInternal, e.Message
	}
	return CodeInternal, err.Error()
}
