// Package conform checks that attack-path engines agree (engines/SPEC.md):
// it runs every case on every engine, reduces each answer to a digest of its
// RFC 8785 (JCS) canonical form or to the key of its error document (code,
// index, field), compares every engine with the reference, explains and
// classifies each divergence with a JSON diff, shrinks the failing input to
// a 1-minimal findings document by delta debugging, and renders a markdown
// report. An expected-failures list keeps known divergences from failing a
// run without letting the list go stale.
package conform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gowebpki/jcs"

	"github.com/aegisbench/aegisbench/engines"
)

// ExpectedEngine is the engine name under which a vector's expected
// document takes part in comparisons.
const ExpectedEngine = "expected"

// OutcomeKind says what an engine made of one input.
type OutcomeKind string

// The three outcomes of an engine call.
const (
	// KindOutput: the engine answered with an output document.
	KindOutput OutcomeKind = "output"
	// KindError: the engine rejected the input with an error document.
	KindError OutcomeKind = "error"
	// KindFailure: the engine itself failed (crashed, timed out, panicked,
	// wrote something that is not JSON); this says nothing about the input.
	KindFailure OutcomeKind = "failure"
)

// Outcome is one engine's answer to one input.
type Outcome struct {
	Engine string
	Kind   OutcomeKind
	// Raw is the document exactly as the engine wrote it (the output or
	// the error document); nil when unknown (a vector's expectation is not
	// compared byte for byte).
	Raw []byte
	// Canonical is the RFC 8785 form of an output document.
	Canonical []byte
	// Error is the error document of KindError.
	Error *engines.Error
	// Failure describes KindFailure.
	Failure string
	// Digest is "sha256:<hex>" of Canonical, or of the canonical
	// {code, index, field} object of an error; empty for a failure.
	Digest  string
	Elapsed time.Duration
}

// ErrorKey returns what conformance compares of an error outcome (code,
// index, field), or "" for other outcomes.
func (o Outcome) ErrorKey() string {
	if o.Error == nil {
		return ""
	}
	return o.Error.Key()
}

// Describe is a one-line description of the outcome for people.
func (o Outcome) Describe() string {
	switch o.Kind {
	case KindOutput:
		return "output " + ShortDigest(o.Digest)
	case KindError:
		return "error " + o.ErrorKey()
	default:
		return "failure: " + o.Failure
	}
}

// Execute runs engine e once on input with opt and classifies the answer.
// A panic inside an in-process engine is a failure, not a crash of the
// harness.
func Execute(ctx context.Context, e engines.Engine, input []byte, opt engines.Options) Outcome {
	return execute(e, func() ([]byte, error) { return e.AttackPaths(ctx, input, opt) })
}

// ExecuteFile is Execute on the findings file at path, the way `paths --in`
// runs an engine (engines.AttackPathsFile): an engine that reads files
// itself streams it, any other gets the bytes read returns.
func ExecuteFile(ctx context.Context, e engines.Engine, path string, opt engines.Options, read func(string) ([]byte, error)) Outcome {
	return execute(e, func() ([]byte, error) { return engines.AttackPathsFile(ctx, e, path, opt, read) })
}

// execute times run, turns a panic into a failure and classifies the answer.
func execute(e engines.Engine, run func() ([]byte, error)) Outcome {
	start := time.Now()
	out, err := call(e, run)
	o := Outcome{Engine: e.Name(), Elapsed: time.Since(start)}
	var ee *engines.Error
	switch {
	case errors.As(err, &ee):
		o.Kind, o.Error, o.Raw, o.Digest = KindError, ee, ee.Document(), ErrorDigest(ee)
	case err != nil:
		o.Kind, o.Failure = KindFailure, err.Error()
	default:
		o.Raw = out
		canonical, cerr := Canonicalize(out)
		if cerr != nil {
			o.Kind, o.Failure = KindFailure, fmt.Sprintf("output document: %v (first bytes %.80q)", cerr, out)
			break
		}
		o.Kind, o.Canonical, o.Digest = KindOutput, canonical, Digest(canonical)
	}
	return o
}

func call(e engines.Engine, run func() ([]byte, error)) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("engine %s panicked: %v", e.Name(), r)
		}
	}()
	return run()
}

// ExpectedOutcome turns a vector's expectation into an outcome of the
// engine ExpectedEngine: the canonical expected document, or the expected
// error. Raw stays nil: the formatting of expected.json is free.
func ExpectedOutcome(expected []byte, expectedErr *engines.ErrorDoc) (Outcome, error) {
	o := Outcome{Engine: ExpectedEngine}
	if expectedErr != nil {
		o.Kind, o.Error = KindError, &engines.Error{Doc: *expectedErr}
		o.Digest = ErrorDigest(o.Error)
		return o, nil
	}
	canonical, err := Canonicalize(expected)
	if err != nil {
		return o, fmt.Errorf("expected.json: %w", err)
	}
	o.Kind, o.Canonical, o.Digest = KindOutput, canonical, Digest(canonical)
	return o, nil
}

// Canonicalize returns the RFC 8785 (JCS) canonical form of a JSON
// document: members sorted by UTF-16 code units, numbers in their
// ECMAScript shortest form, strings with the minimal escapes, no white
// space. Two documents are equal for conformance when these bytes are.
func Canonicalize(doc []byte) ([]byte, error) {
	if doc == nil {
		doc = []byte{}
	}
	out, err := jcs.Transform(doc)
	if err != nil {
		return nil, fmt.Errorf("not canonicalizable JSON (RFC 8785): %w", err)
	}
	return out, nil
}

// Digest returns "sha256:<hex>" of b.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ShortDigest returns the first 12 hex digits of a Digest, for tables.
func ShortDigest(d string) string {
	const prefix = "sha256:"
	if len(d) >= len(prefix)+12 && d[:len(prefix)] == prefix {
		return d[len(prefix) : len(prefix)+12]
	}
	return d
}

// ErrorKeyDocument returns the canonical JSON object of the members
// conformance compares in an error document: code, index and field, each
// only when present.
func ErrorKeyDocument(e *engines.Error) []byte {
	m := map[string]any{"code": e.Doc.Code}
	if e.Doc.Index != nil {
		m["index"] = *e.Doc.Index
	}
	if e.Doc.Field != nil {
		m["field"] = *e.Doc.Field
	}
	b, err := json.Marshal(m)
	if err != nil { // a map of strings and ints always marshals
		panic(err)
	}
	canonical, err := Canonicalize(b)
	if err != nil {
		panic(err)
	}
	return canonical
}

// ErrorDigest returns the Digest of ErrorKeyDocument(e).
func ErrorDigest(e *engines.Error) string { return Digest(ErrorKeyDocument(e)) }
