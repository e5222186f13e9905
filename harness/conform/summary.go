package conform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

// SummarySchema names the JSON form of a conformance verdict.
const SummarySchema = "aegisbench.conformance.v1"

// Summary is a run's verdict as a value other tools read (the regression
// gate's --conformance): written by `aegisbench conform --verdict FILE`,
// so that no one has to search a log for a line of text.
type Summary struct {
	Schema string `json:"schema"`
	// Passed is Verdict.OK: no unexpected failure, no stale entry.
	Passed           bool     `json:"passed"`
	PassedCases      int      `json:"passed_cases"`
	FailedCases      int      `json:"failed_cases"`
	ExpectedFailures int      `json:"expected_failures"`
	Unexpected       []string `json:"unexpected,omitempty"`
	Stale            []string `json:"stale,omitempty"`
	// Line is Verdict.SummaryLine, for people.
	Line string `json:"line"`
}

// Summary returns the verdict as a Summary value.
func (v Verdict) Summary() Summary {
	return Summary{Schema: SummarySchema, Passed: v.OK(), PassedCases: v.Passed, FailedCases: v.Failed,
		ExpectedFailures: v.Expected, Unexpected: v.Unexpected, Stale: v.Stale, Line: v.SummaryLine()}
}

// WriteSummary writes s as JSON to path atomically.
func WriteSummary(path string, s Summary) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFileMkdirAll(path, append(data, '\n'))
}

// ReadSummary reads a verdict written by WriteSummary. A file that is not
// one (unknown fields, another schema, counts that contradict passed) is
// an error naming it.
func ReadSummary(path string) (Summary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Summary{}, fmt.Errorf("conformance verdict: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Summary
	if err := dec.Decode(&s); err != nil {
		return Summary{}, fmt.Errorf("conformance verdict %s: %w", path, err)
	}
	switch {
	case s.Schema != SummarySchema:
		return Summary{}, fmt.Errorf("conformance verdict %s: schema %q, want %q", path, s.Schema, SummarySchema)
	case s.Passed != (s.FailedCases == 0):
		return Summary{}, fmt.Errorf("conformance verdict %s: passed is %v with %d failed cases", path, s.Passed, s.FailedCases)
	}
	return s, nil
}
