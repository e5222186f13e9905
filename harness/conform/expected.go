package conform

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// ExpectedFailures is the list of cases known to diverge: one case name per
// line, '#' starts a comment, blank lines are ignored. A listed case that
// passes is stale and fails the run, so the list cannot rot.
type ExpectedFailures struct {
	// Path is where the list was read from ("" for none).
	Path string
	// line maps each listed case to its line number.
	line map[string]int
}

// LoadExpectedFailures reads an expected-failures file.
func LoadExpectedFailures(path string) (*ExpectedFailures, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("expected failures: %w", err)
	}
	defer f.Close()
	return ParseExpectedFailures(f, path)
}

// ParseExpectedFailures reads the list from r; name is used in errors.
func ParseExpectedFailures(r io.Reader, name string) (*ExpectedFailures, error) {
	ef := &ExpectedFailures{Path: name, line: map[string]int{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		if i := strings.Index(text, "#"); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if strings.ContainsAny(text, " \t") {
			return nil, fmt.Errorf("%s:%d: %q: one case name per line (names hold no spaces)", name, n, text)
		}
		if first, dup := ef.line[text]; dup {
			return nil, fmt.Errorf("%s:%d: case %q listed twice (first on line %d)", name, n, text, first)
		}
		ef.line[text] = n
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return ef, nil
}

// Len returns how many cases are listed.
func (ef *ExpectedFailures) Len() int {
	if ef == nil {
		return 0
	}
	return len(ef.line)
}

// Contains reports whether a case is listed.
func (ef *ExpectedFailures) Contains(name string) bool {
	if ef == nil {
		return false
	}
	_, ok := ef.line[name]
	return ok
}

// CaseStatus is a case's place in the verdict.
type CaseStatus string

// Statuses of a case after the expected-failures list is applied.
const (
	StatusPassed          CaseStatus = "pass"
	StatusFailed          CaseStatus = "FAIL"
	StatusExpectedFailure CaseStatus = "expected failure"
	// StatusStale: listed as an expected failure but passes now.
	StatusStale CaseStatus = "STALE (listed, passes)"
)

// Verdict is the outcome of a run once the expected-failures list is
// applied.
type Verdict struct {
	// Status holds each case's status, by case name.
	Status map[string]CaseStatus
	// Passed counts unlisted passing cases; Failed counts unlisted failing
	// cases plus stale entries (listed cases that passed); Expected counts
	// listed cases that failed.
	Passed, Failed, Expected int
	// Unexpected and Stale name the cases behind Failed, in run order.
	Unexpected, Stale []string
	// NotRun lists the listed cases this run did not include (they are
	// neither counted nor judged).
	NotRun []string
}

// Judge applies the list to a run's results.
func (ef *ExpectedFailures) Judge(cases []CaseResult) Verdict {
	v := Verdict{Status: make(map[string]CaseStatus, len(cases))}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.Name] = true
		listed := ef.Contains(c.Name)
		switch failed := c.Failed(); {
		case failed && listed:
			v.Expected++
			v.Status[c.Name] = StatusExpectedFailure
		case failed:
			v.Failed++
			v.Unexpected = append(v.Unexpected, c.Name)
			v.Status[c.Name] = StatusFailed
		case listed:
			v.Failed++
			v.Stale = append(v.Stale, c.Name)
			v.Status[c.Name] = StatusStale
		default:
			v.Passed++
			v.Status[c.Name] = StatusPassed
		}
	}
	if ef != nil {
		for name := range ef.line {
			if !seen[name] {
				v.NotRun = append(v.NotRun, name)
			}
		}
		sortByLine(v.NotRun, ef.line)
	}
	return v
}

func sortByLine(names []string, line map[string]int) {
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && line[names[j]] < line[names[j-1]]; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}

// OK reports whether the run passes: no unexpected failure, no stale entry.
func (v Verdict) OK() bool { return v.Failed == 0 }

// SummaryLine is the run's last line:
// "CONFORMANCE PASSED: N passed, N failed, N expected failures" (or
// FAILED).
func (v Verdict) SummaryLine() string {
	word := "PASSED"
	if !v.OK() {
		word = "FAILED"
	}
	return fmt.Sprintf("CONFORMANCE %s: %d passed, %d failed, %d expected failures", word, v.Passed, v.Failed, v.Expected)
}
