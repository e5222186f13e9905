package gate

import "fmt"

// Headline returns the one-line verdict, e.g. "REGRESSION: 1 of 6
// comparisons regressed".
func (r *Report) Headline() string {
	total := len(r.Rows)
	switch r.Verdict {
	case Regression:
		n := r.Count(Regression)
		if n == 0 {
			return "FAIL: conformance failed"
		}
		s := fmt.Sprintf("REGRESSION: %d of %d comparisons regressed", n, total)
		if r.Conformance != nil && !r.Conformance.Passed() {
			s += "; conformance failed"
		}
		return s
	case CannotDecide:
		n := r.Count(CannotDecide)
		if n == 0 {
			return "CANNOT DECIDE: no benchmark results"
		}
		return fmt.Sprintf("CANNOT DECIDE: %d of %d comparisons lack samples", n, total)
	}
	return fmt.Sprintf("PASS: no regression in %d comparisons", total)
}
