package conform

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
)

// Regression is a shrunk divergence, ready to be written as a vector
// (datasets/vectors/README.md, attack-path layout).
type Regression struct {
	Case    string
	Options engines.Options
	Shrink  ShrinkResult
	// Reference and Candidate are the two engines' outcomes on
	// Shrink.Input; the reference's answer becomes the expectation.
	Reference Outcome
	Candidate Outcome
	// Comparison is Compare(Reference, Candidate) on Shrink.Input.
	Comparison Comparison
	// Replay is the command that replays the original case.
	Replay string
}

// MaxRegressionBytes bounds the input of a regression vector: vectors are
// committed, and no committed file exceeds 1 MiB.
const MaxRegressionBytes = 1 << 20

// Slug returns the directory-name form of a case name:
// "gen/realistic/n=2000/seed=3/d=4/k=20" becomes
// "gen-realistic-n2000-seed3-d4-k20".
func Slug(caseName string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(caseName) {
		switch {
		case r == '=':
			continue
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_':
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// WriteRegression writes r under dir as <slug>-<first 8 hex of the input's
// sha256>/ holding input.json, options.json, expected.json or error.json
// (the reference engine's answer) and README.md, and returns that
// directory. The directory appears whole or not at all; when it already
// exists (the same case shrunk to the same input) it is left as it is.
func WriteRegression(dir string, r Regression) (string, error) {
	files := map[string][]byte{}
	switch r.Reference.Kind {
	case KindOutput:
		files["expected.json"] = indented(r.Reference.Raw, r.Reference.Canonical)
	case KindError:
		files["error.json"] = indented(r.Reference.Error.Document(), nil)
	default:
		return "", fmt.Errorf("regression %s: the reference engine %s failed on the shrunk input (%s): no expectation to write",
			r.Case, r.Reference.Engine, r.Reference.Failure)
	}
	opts, err := json.Marshal(r.Options)
	if err != nil {
		return "", err
	}
	files["options.json"] = append(opts, '\n')
	files["input.json"] = r.Shrink.Input
	files["README.md"] = []byte(regressionReadme(r))

	if len(r.Shrink.Input) > MaxRegressionBytes {
		return "", fmt.Errorf("regression %s: not written: the input is still %d bytes (%d findings), over the %d-byte limit for committed vectors; give the shrink more time (--shrink-budget)",
			r.Case, len(r.Shrink.Input), r.Shrink.Findings, MaxRegressionBytes)
	}
	sum := sha256.Sum256(r.Shrink.Input)
	final := filepath.Join(dir, Slug(r.Case)+"-"+hex.EncodeToString(sum[:4]))
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("regression %s: %w", r.Case, err)
	}
	tmp, err := os.MkdirTemp(dir, ".tmp-regression-")
	if err != nil {
		return "", fmt.Errorf("regression %s: %w", r.Case, err)
	}
	defer os.RemoveAll(tmp)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
			return "", fmt.Errorf("regression %s: %w", r.Case, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, statErr := os.Stat(final); statErr == nil {
			return final, nil // written meanwhile by another run
		}
		return "", fmt.Errorf("regression %s: %w", r.Case, err)
	}
	return final, nil
}

// indented returns raw re-indented for reading, or canonical when raw
// cannot be.
func indented(raw, canonical []byte) []byte {
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		if canonical == nil {
			return raw
		}
		b.Reset()
		b.Write(canonical)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

func regressionReadme(r Regression) string {
	var b strings.Builder
	c := r.Comparison
	fmt.Fprintf(&b, "# Regression: %s\n\n", r.Case)
	fmt.Fprintf(&b, "Found and shrunk by `aegisbench conform`. On this input the engines **%s** (reference) and **%s** diverge: **%s**.\n",
		c.Reference, c.Candidate, c.Class)
	expect := "expected.json"
	if r.Reference.Kind == KindError {
		expect = "error.json"
	}
	fmt.Fprintf(&b, "`%s` is the reference engine's answer (%s); %s answers %s.\n\n", expect, r.Reference.Describe(), r.Candidate.Engine, r.Candidate.Describe())
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	if len(c.Diff) > 0 {
		fmt.Fprintf(&b, "\nDiff of the canonical documents (%s -> %s, RFC 6902 operations, RFC 6901 pointers", c.Reference, c.Candidate)
		if c.DiffTotal > len(c.Diff) {
			fmt.Fprintf(&b, ", first %d of %d", len(c.Diff), c.DiffTotal)
		}
		b.WriteString("):\n\n")
		for _, d := range c.Diff {
			fmt.Fprintf(&b, "    %s\n", d)
		}
	}
	s := r.Shrink
	fmt.Fprintf(&b, "\nShrunk by delta debugging from %d findings to %d in %d tests (%s): %s.\n",
		s.OriginalFindings, s.Findings, s.Tests, s.Elapsed.Round(1e6), minimality(s))
	for _, n := range s.Notes {
		fmt.Fprintf(&b, "%s.\n", n)
	}
	if r.Replay != "" {
		fmt.Fprintf(&b, "\nReplay the original case:\n\n    %s\n", r.Replay)
	}
	return b.String()
}

// minimality says in words whether a shrink reached a 1-minimal document.
func minimality(s ShrinkResult) string {
	switch {
	case s.Minimal:
		return "1-minimal (removing any one finding or member makes the divergence go away)"
	case s.BudgetExhausted:
		return "the shrink budget ran out, so it is NOT known to be 1-minimal"
	}
	return "not shrunk to 1-minimal"
}

// ErrNoShrinkTarget says a failing case has no pair of engines whose
// divergence can be shrunk (a vector whose expectation differs from every
// engine, or a case that failed before any engine ran).
var ErrNoShrinkTarget = errors.New("no pair of engines to shrink between")
