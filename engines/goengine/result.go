package goengine

// Result is the attack-path output document (spec section 4) before
// encoding.
type Result struct {
	MaxDepth int
	TopK     int
	Totals   Totals
	// Accounts holds every distinct aws_account_id, ascending bytewise.
	Accounts []Account
}

// Totals sums the counts of all accounts; Paths counts the paths emitted.
type Totals struct {
	Findings       int
	Active         int
	Edges          int
	Entries        int
	Targets        int
	CandidatePaths int
	Paths          int
}

// Account is one account's counts and its kept paths, best first.
type Account struct {
	ID             string
	Findings       int
	Active         int
	Edges          int
	Entries        int
	Targets        int
	CandidatePaths int
	Paths          []Path
}

// Path is one attack path from an entry to a target. FindingIDs runs from
// the entry to the target; Reasons[i] is the reason of the edge
// FindingIDs[i] -> FindingIDs[i+1].
type Path struct {
	Rank       int
	EntryID    string
	TargetID   string
	Hops       int
	Score      uint64
	Likelihood float64
	FindingIDs []string
	Reasons    []Reason
}

// add accumulates an account's counts into the totals.
func (t *Totals) add(a *Account) {
	t.Findings += a.Findings
	t.Active += a.Active
	t.Edges += a.Edges
	t.Entries += a.Entries
	t.Targets += a.Targets
	t.CandidatePaths += a.CandidatePaths
	t.Paths += len(a.Paths)
}

// Scoring constants of spec section 3.
const (
	likelihoodScale = 1000000
	likelihoodBase  = 500000
)

// stepMultiplier is the integer likelihood factor of a finding:
// L = L * stepMultiplier / 1000000.
func stepMultiplier(epss int32) uint64 { return likelihoodBase + 5*uint64(epss) }

// stepProbability is the float likelihood factor of a finding, written
// exactly as the spec's quotient.
func stepProbability(epss int32) float64 { return float64(100000+epss) / 200000.0 }

// impact is a target's impact: severity plus 100 for RESTRICTED, else 50.
func impact(f *Finding) uint64 {
	if f.DataClassification == ClassRestricted {
		return uint64(f.SeverityNormalized) + 100
	}
	return uint64(f.SeverityNormalized) + 50
}

// isEntry reports an active finding exposed to the internet.
func isEntry(f *Finding) bool { return f.Active() && f.NetworkExposure == ExposureInternet }

// isTarget reports an active finding holding confidential or restricted data.
func isTarget(f *Finding) bool {
	return f.Active() && (f.DataClassification == ClassConfidential || f.DataClassification == ClassRestricted)
}

// reachable reports whether a VPC_REACH edge may end at f.
func reachable(f *Finding) bool {
	return f.NetworkExposure == ExposureInternet || f.NetworkExposure == ExposureVPC
}
