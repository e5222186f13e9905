// Package goengine is the Go attack-path engine of engines/SPEC.md: a
// strict hand-written JSON reader (Decode, LoadFindings), the attack-path
// computation with indexed pairing (Compute) and its spec-literal O(k^2)
// oracle (ComputeNaive), a hand-rolled encoder (Encode), and the list
// operation (Store, ParseQuery). It registers the engines "go" (indexed)
// and "go-naive" (oracle); both also implement engines.Lister.
package goengine

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/aegisbench/aegisbench/engines"
)

func init() {
	engines.Register("go", "Go engine, in-process, indexed pairing",
		func(string) (engines.Engine, error) { return New(), nil }, nil)
	engines.Register("go-naive", "Go engine, in-process, spec-literal O(k^2) pairing (the oracle)",
		func(string) (engines.Engine, error) { return NewNaive(), nil }, nil)
}

// Engine is the Go engine; it implements engines.Engine and engines.Lister
// and is safe for concurrent use (every call has its own buffers).
type Engine struct {
	name    string
	compute func([]Finding, engines.Options) (*Result, error)
}

// New returns the indexed engine, registered as "go".
func New() engines.Engine { return &Engine{name: "go", compute: Compute} }

// NewNaive returns the oracle engine, registered as "go-naive".
func NewNaive() engines.Engine { return &Engine{name: "go-naive", compute: ComputeNaive} }

// Name returns "go" or "go-naive".
func (e *Engine) Name() string { return e.name }

// AttackPaths validates opt, decodes findings, computes and encodes the
// output document. Bad input is an *engines.Error.
func (e *Engine) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	tm := engines.TimingsFrom(ctx)
	start := time.Now()
	decoded, err := Decode(findings)
	if err != nil {
		return nil, err
	}
	tm.Add(engines.StageValidate, time.Since(start))
	return e.computeEncode(ctx, decoded, opt)
}

// AttackPathsReader is AttackPaths on a findings document read from r in
// bounded chunks (DecodeReader): memory grows with the findings, not with
// the document. A read error is returned wrapped (not an *engines.Error).
func (e *Engine) AttackPathsReader(ctx context.Context, r io.Reader, opt engines.Options) ([]byte, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	tm := engines.TimingsFrom(ctx)
	start := time.Now()
	decoded, err := DecodeReader(r)
	if err != nil {
		return nil, err
	}
	tm.Add(engines.StageReadValidate, time.Since(start))
	if len(decoded) >= collectAfter {
		// The decoder's indexes and window are garbage now, a sizeable
		// share of the heap: collecting lets compute reuse their memory
		// instead of growing the heap (at 1M findings, peak RSS 377 ->
		// 336 MB for about one mark of the findings).
		runtime.GC()
	}
	return e.computeEncode(ctx, decoded, opt)
}

// collectAfter is the number of streamed findings from which
// AttackPathsReader collects garbage between decode and compute.
const collectAfter = 1 << 16

// AttackPathsFile streams the findings file at path (engines.FileEngine).
func (e *Engine) AttackPathsFile(ctx context.Context, path string, opt engines.Options) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the findings: %w", err)
	}
	defer f.Close()
	return e.AttackPathsReader(ctx, f, opt)
}

// computeEncode is the rest of both pipelines, timed when ctx carries
// engines.Timings.
func (e *Engine) computeEncode(ctx context.Context, decoded []Finding, opt engines.Options) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	tm := engines.TimingsFrom(ctx)
	start := time.Now()
	res, err := e.compute(decoded, opt)
	if err != nil {
		return nil, err
	}
	tm.Add(engines.StageCompute, time.Since(start))
	start = time.Now()
	doc := Encode(res)
	tm.Add(engines.StageEncode, time.Since(start))
	return doc, nil
}

// AttackPaths is Decode, Compute and Encode in one call (the indexed
// engine's whole pipeline).
func AttackPaths(findings []byte, opt engines.Options) ([]byte, error) {
	return New().AttackPaths(context.Background(), findings, opt)
}

// List runs the list operation (spec section 7): query errors first
// (invalid_options), then the findings document's (invalid_json,
// invalid_field, duplicate_id), then the page.
func (e *Engine) List(ctx context.Context, findings []byte, query []byte) ([]byte, error) {
	q, err := ParseQuery(query)
	if err != nil {
		return nil, err
	}
	all, err := LoadFindings(findings)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return NewStore(all).List(q), nil
}
