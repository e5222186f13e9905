package aegispath

import (
	"encoding/json"
	"fmt"
	"unsafe"

	"github.com/aegisbench/aegisbench/engines"
)

// Status codes of the engine C ABI (include/aegispath.h), shared by the
// linked bridge (rust-ffi) and the run-time loader (ffi:PATH).
const (
	StatusOK         = 0 // AEGIS_OK: out holds the output document
	StatusBadInput   = 1 // AEGIS_BAD_INPUT: err holds the spec's error document
	StatusInternal   = 2 // AEGIS_INTERNAL: a caught panic or bug; err holds an internal error document
	StatusInvalidArg = 3 // AEGIS_INVALID_ARG: the caller passed a null pointer or a bad length
	StatusIOError    = 4 // AEGIS_IO_ERROR: a findings file could not be read; err holds the message
)

// Outcome maps one C ABI call's status and its two buffers (already
// copied into Go memory and freed) to the API's results: the output
// document, an *engines.Error for bad input, or an error wrapping
// ErrInternal, ErrInvalidArgument or ErrIO. op names the call in errors (e.g.
// "aegis_attack_paths", or with the library: "ffi:lib.so: aegis_attack_paths").
func Outcome(op string, status int32, out, errDoc []byte) ([]byte, error) {
	switch status {
	case StatusOK:
		if out == nil {
			out = []byte{}
		}
		return out, nil
	case StatusBadInput:
		e, err := engines.ParseErrorDoc(errDoc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: bad-input status with an unreadable error document: %w", op, ErrInternal, err)
		}
		return nil, e
	case StatusInternal:
		return nil, fmt.Errorf("%w: %s: %s", ErrInternal, op, internalMessage(errDoc))
	case StatusInvalidArg:
		return nil, fmt.Errorf("%s: %w (status AEGIS_INVALID_ARG)", op, ErrInvalidArgument)
	case StatusIOError:
		return nil, fmt.Errorf("%s: %w: %s", op, ErrIO, errDoc)
	default:
		return nil, fmt.Errorf("%s: %w: unknown status %d", op, ErrInternal, status)
	}
}

// internalMessage extracts the message of an internal error document,
// falling back to (the start of) its raw bytes.
func internalMessage(doc []byte) string {
	var d struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(doc, &d) == nil && d.Message != "" {
		return d.Message
	}
	if len(doc) == 0 {
		return "no error document"
	}
	const limit = 500
	if len(doc) > limit {
		doc = doc[:limit]
	}
	return string(doc)
}

// InputPointer returns the pointer a library reads b through: its first
// byte, or nil for an empty slice (the ABI's NULL with length 0). The
// memory holds no Go pointers; the caller keeps b alive for the call
// (runtime.KeepAlive) and the library keeps no reference after it.
func InputPointer(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}
