package conform

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Class is the kind of difference between two outcomes of one case.
type Class string

// Classes that are not divergences.
const (
	// ClassIdentical: the same bytes (or, for errors, the same bytes of
	// the error document).
	ClassIdentical Class = "identical"
	// ClassEquivalent: the same canonical document where the raw bytes
	// are not compared (a vector's expectation).
	ClassEquivalent Class = "equivalent"
	// ClassNumberFormatting: the same canonical document, raw bytes that
	// differ in how at least one number is written (1.0 vs 1, 1e-7 vs
	// 0.0000001). Reported as information.
	ClassNumberFormatting Class = "number-formatting"
	// ClassFormatting: the same canonical document, raw bytes that differ
	// otherwise (white space, string escapes such as "\u00e9" vs "é",
	// member order). Reported as information.
	ClassFormatting Class = "formatting"
	// ClassSameError: both rejected the input with the same code, index
	// and field (messages may differ).
	ClassSameError Class = "same-error"
)

// Classes that are divergences.
const (
	// ClassOrderingOnly: the same attack paths (ignoring rank) in each
	// account, in a different order.
	ClassOrderingOnly Class = "ordering-only"
	// ClassFloatULP: the documents differ only in numbers within the
	// last-ulp tolerance (CompareOptions.MaxULP units in the last place).
	ClassFloatULP Class = "float-last-ulp"
	// ClassMissingExtra: an attack path (account, entry, target), or a
	// JSON member, present in one document and not the other.
	ClassMissingExtra Class = "missing/extra path"
	// ClassDifferentError: error documents that differ in code, index or
	// field, or one engine rejecting an input the other accepts.
	ClassDifferentError Class = "different-error"
	// ClassEngineFailure: an engine failed (crash, panic, timeout, output
	// that is not JSON).
	ClassEngineFailure Class = "engine-failure"
	// ClassOther: any other difference.
	ClassOther Class = "other"
)

// Divergent reports whether c fails a case.
func (c Class) Divergent() bool {
	switch c {
	case ClassIdentical, ClassEquivalent, ClassNumberFormatting, ClassFormatting, ClassSameError:
		return false
	}
	return true
}

// Info reports whether c is a non-failing difference worth showing.
func (c Class) Info() bool { return c == ClassNumberFormatting || c == ClassFormatting }

// CompareOptions tune Compare.
type CompareOptions struct {
	// MaxULP is the largest distance, in units in the last place, at which
	// two differing numbers still count as float-last-ulp (default 2).
	MaxULP uint64
	// MaxOps bounds the diff operations kept in a Comparison (default 20).
	MaxOps int
	// MaxNotes bounds the explanation lines (default 10).
	MaxNotes int
}

// DefaultCompareOptions returns MaxULP 2, MaxOps 20, MaxNotes 10.
func DefaultCompareOptions() CompareOptions {
	return CompareOptions{MaxULP: 2, MaxOps: 20, MaxNotes: 10}
}

func (o CompareOptions) withDefaults() CompareOptions {
	d := DefaultCompareOptions()
	if o.MaxULP == 0 {
		o.MaxULP = d.MaxULP
	}
	if o.MaxOps <= 0 {
		o.MaxOps = d.MaxOps
	}
	if o.MaxNotes <= 0 {
		o.MaxNotes = d.MaxNotes
	}
	return o
}

// Comparison is the verdict on a candidate engine against the reference
// for one case.
type Comparison struct {
	Reference string
	Candidate string
	Class     Class
	// RawIdentical reports whether both engines wrote the same bytes
	// (false when the reference's raw bytes are unknown).
	RawIdentical bool
	// Notes explain the class in words: which paths are missing, which
	// numbers differ by how many ulps, which error members differ.
	Notes []string
	// Diff holds the first MaxOps operations of the JSON Patch (RFC 6902,
	// paths are RFC 6901 pointers) that turns the reference's canonical
	// document into the candidate's; DiffTotal counts them all.
	Diff      []DiffOp
	DiffTotal int
}

// Compare classifies cand against ref.
func Compare(ref, cand Outcome, opt CompareOptions) Comparison {
	opt = opt.withDefaults()
	c := Comparison{Reference: ref.Engine, Candidate: cand.Engine}
	switch {
	case ref.Kind == KindFailure || cand.Kind == KindFailure:
		c.Class = ClassEngineFailure
		for _, o := range []Outcome{ref, cand} {
			if o.Kind == KindFailure {
				c.Notes = append(c.Notes, fmt.Sprintf("%s failed: %s", o.Engine, o.Failure))
			} else {
				c.Notes = append(c.Notes, fmt.Sprintf("%s answered: %s", o.Engine, o.Describe()))
			}
		}
	case ref.Kind == KindError && cand.Kind == KindError:
		c.RawIdentical = ref.Raw != nil && bytes.Equal(ref.Raw, cand.Raw)
		if ref.ErrorKey() == cand.ErrorKey() {
			c.Class = ClassSameError
			return c
		}
		c.Class = ClassDifferentError
		c.Notes = append(c.Notes, fmt.Sprintf("%s rejects the input with %s; %s with %s",
			ref.Engine, ref.ErrorKey(), cand.Engine, cand.ErrorKey()))
		c.Diff, c.DiffTotal = diffDocuments(ErrorKeyDocument(ref.Error), ErrorKeyDocument(cand.Error), opt.MaxOps)
	case ref.Kind == KindError || cand.Kind == KindError:
		c.Class = ClassDifferentError
		for _, o := range []Outcome{ref, cand} {
			if o.Kind == KindError {
				c.Notes = append(c.Notes, fmt.Sprintf("%s rejects the input with %s (%s)", o.Engine, o.ErrorKey(), o.Error.Doc.Message))
			} else {
				c.Notes = append(c.Notes, fmt.Sprintf("%s accepts it and writes an output document (%s)", o.Engine, ShortDigest(o.Digest)))
			}
		}
	default:
		c.RawIdentical = ref.Raw != nil && bytes.Equal(ref.Raw, cand.Raw)
		switch {
		case c.RawIdentical:
			c.Class = ClassIdentical
		case bytes.Equal(ref.Canonical, cand.Canonical):
			if ref.Raw == nil {
				c.Class = ClassEquivalent
				break
			}
			c.Class, c.Notes = formattingClass(ref, cand)
		default:
			c.Class, c.Notes = classifyDocuments(ref, cand, opt)
			c.Diff, c.DiffTotal = diffDocuments(ref.Canonical, cand.Canonical, opt.MaxOps)
		}
	}
	return c
}

// formattingClass explains raw bytes that differ while the canonical forms
// agree: number-formatting when some number is spelled differently,
// formatting otherwise.
func formattingClass(ref, cand Outcome) (Class, []string) {
	a, errA := decodeNumbers(ref.Raw)
	b, errB := decodeNumbers(cand.Raw)
	if errA == nil && errB == nil {
		if ptr, x, y, ok := firstNumberSpelling(a, b, ""); ok {
			return ClassNumberFormatting, []string{fmt.Sprintf("%s: %s writes %s, %s writes %s (the same number)", pointerOrRoot(ptr), ref.Engine, x, cand.Engine, y)}
		}
	}
	return ClassFormatting, []string{fmt.Sprintf("raw bytes differ (%d vs %d bytes) in white space, string escapes or member order only", len(ref.Raw), len(cand.Raw))}
}

// decodeNumbers decodes raw JSON keeping each number's spelling.
func decodeNumbers(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// firstNumberSpelling walks two equal-valued documents and returns the
// first number written differently.
func firstNumberSpelling(a, b any, ptr string) (string, string, string, bool) {
	switch x := a.(type) {
	case json.Number:
		if y, ok := b.(json.Number); ok && x != y {
			return ptr, string(x), string(y), true
		}
	case []any:
		y, _ := b.([]any)
		for i := range min(len(x), len(y)) {
			if p, s, t, ok := firstNumberSpelling(x[i], y[i], fmt.Sprintf("%s/%d", ptr, i)); ok {
				return p, s, t, true
			}
		}
	case map[string]any:
		y, _ := b.(map[string]any)
		for _, k := range sortedKeys(x) {
			if p, s, t, ok := firstNumberSpelling(x[k], y[k], ptr+"/"+escapePointer(k)); ok {
				return p, s, t, true
			}
		}
	}
	return "", "", "", false
}

func pointerOrRoot(p string) string {
	if p == "" {
		return `"" (root)`
	}
	return p
}
