// Package usage marks a usage error: a run that cannot start as it was
// asked (a flag out of range, an unknown name, files that clash). The
// libraries that hold a command's policy return it; the command line maps
// it to exit status 2, every other error to 1.
package usage

import (
	"errors"
	"fmt"
)

// Error is a usage error wrapping why.
type Error struct{ Err error }

// Error returns the wrapped error's text.
func (e *Error) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.Err }

// Errorf formats a usage error (fmt.Errorf's verbs, %w included).
func Errorf(format string, args ...any) error {
	return &Error{Err: fmt.Errorf(format, args...)}
}

// Is reports whether err is or wraps a usage error.
func Is(err error) bool {
	var ue *Error
	return errors.As(err, &ue)
}
