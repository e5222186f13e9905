// Package engines defines the contract every attack-path engine implements
// (see engines/SPEC.md): JSON findings in, JSON output document out, and a
// registry that finds engines by name ("go", "rust-ffi", "rust-cli",
// "exec:COMMAND").
package engines

import (
	"context"
	"encoding/json"
	"fmt"
)

// Schema names used in the documents of engines/SPEC.md.
const (
	SchemaAttackPaths = "aegis.attackpaths.v1"
	SchemaFindings    = "aegis.findings.v1"
	SchemaError       = "aegis.error.v1"
)

// Error codes of engines/SPEC.md section 5.
const (
	CodeInvalidOptions = "invalid_options"
	CodeInvalidJSON    = "invalid_json"
	CodeInvalidField   = "invalid_field"
	CodeDuplicateID    = "duplicate_id"
)

// Option ranges and defaults of engines/SPEC.md section 2.
const (
	DefaultMaxDepth = 4
	DefaultTopK     = 20
	MinMaxDepth     = 1
	MaxMaxDepth     = 16
	MaxTopK         = 1000000
)

// Options are the attack-path operation's options. They are passed to
// engines unchecked: an out-of-range value is the engine's invalid_options
// error, not the caller's.
type Options struct {
	MaxDepth int `json:"max_depth"`
	TopK     int `json:"top_k"`
}

// DefaultOptions returns max_depth 4 and top_k 20.
func DefaultOptions() Options {
	return Options{MaxDepth: DefaultMaxDepth, TopK: DefaultTopK}
}

// Validate returns the invalid_options error for an option out of range, or
// nil. max_depth is checked before top_k.
func (o Options) Validate() error {
	if o.MaxDepth < MinMaxDepth || o.MaxDepth > MaxMaxDepth {
		return NewOptionsError("max_depth", fmt.Sprintf("max_depth must be an integer in %d..%d", MinMaxDepth, MaxMaxDepth))
	}
	if o.TopK < 0 || o.TopK > MaxTopK {
		return NewOptionsError("top_k", fmt.Sprintf("top_k must be an integer in 0..%d", MaxTopK))
	}
	return nil
}

// Engine computes attack paths. findings is a findings document
// (engines/SPEC.md section 1); the result is the output document (section
// 4). Bad input yields an *Error carrying the error document (section 5);
// any other error means the engine itself failed (not built, crashed, timed
// out) and says nothing about the input.
type Engine interface {
	Name() string
	AttackPaths(ctx context.Context, findings []byte, opt Options) ([]byte, error)
}

// Lister is implemented by engines that also serve the list operation
// (engines/SPEC.md section 7): query is a JSON query object, the result a
// findings page document.
type Lister interface {
	List(ctx context.Context, findings []byte, query []byte) ([]byte, error)
}

// ErrorDoc is the error document of engines/SPEC.md section 5. Index and
// Field are pointers because their absence is meaningful (invalid_json has
// neither; invalid_options has no index; a non-object element has field "").
type ErrorDoc struct {
	Schema  string  `json:"schema"`
	Code    string  `json:"code"`
	Index   *int    `json:"index,omitempty"`
	Field   *string `json:"field,omitempty"`
	Message string  `json:"message"`
}

// Error is the error an engine returns for bad input.
type Error struct {
	Doc ErrorDoc
	// Raw holds the error document exactly as the engine wrote it, when the
	// engine produced bytes (FFI, process); nil for in-process Go engines.
	Raw []byte
}

// Error formats the document for people: code, index, field, message.
func (e *Error) Error() string {
	s := e.Doc.Code
	if e.Doc.Index != nil {
		s += fmt.Sprintf(" at finding %d", *e.Doc.Index)
	}
	if e.Doc.Field != nil && *e.Doc.Field != "" {
		s += fmt.Sprintf(" field %q", *e.Doc.Field)
	}
	if e.Doc.Message != "" {
		s += ": " + e.Doc.Message
	}
	return s
}

// Document returns the error document's bytes: Raw when the engine wrote
// them, the marshalled Doc otherwise.
func (e *Error) Document() []byte {
	if e.Raw != nil {
		return e.Raw
	}
	b, _ := json.Marshal(e.Doc)
	return b
}

// Key is what conformance compares of an error: code, index, field.
func (e *Error) Key() string {
	idx, field := "-", "-"
	if e.Doc.Index != nil {
		idx = fmt.Sprint(*e.Doc.Index)
	}
	if e.Doc.Field != nil {
		field = fmt.Sprintf("%q", *e.Doc.Field)
	}
	return fmt.Sprintf("code=%s index=%s field=%s", e.Doc.Code, idx, field)
}

// NewOptionsError returns an invalid_options error naming the option.
func NewOptionsError(field, msg string) *Error {
	return &Error{Doc: ErrorDoc{Schema: SchemaError, Code: CodeInvalidOptions, Field: &field, Message: msg}}
}

// NewJSONError returns an invalid_json error.
func NewJSONError(msg string) *Error {
	return &Error{Doc: ErrorDoc{Schema: SchemaError, Code: CodeInvalidJSON, Message: msg}}
}

// NewFieldError returns an invalid_field error for finding index and field
// (field "" when the element is not an object).
func NewFieldError(index int, field, msg string) *Error {
	return &Error{Doc: ErrorDoc{Schema: SchemaError, Code: CodeInvalidField, Index: &index, Field: &field, Message: msg}}
}

// NewDuplicateIDError returns a duplicate_id error for finding index.
func NewDuplicateIDError(index int, msg string) *Error {
	field := "id"
	return &Error{Doc: ErrorDoc{Schema: SchemaError, Code: CodeDuplicateID, Index: &index, Field: &field, Message: msg}}
}

// ParseErrorDoc decodes an error document written by an engine (FFI,
// process) into an *Error that keeps the raw bytes.
func ParseErrorDoc(raw []byte) (*Error, error) {
	var doc ErrorDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if doc.Schema != SchemaError || doc.Code == "" {
		return nil, fmt.Errorf("not of schema %q with a code: %.200s", SchemaError, raw)
	}
	return &Error{Doc: doc, Raw: raw}, nil
}
