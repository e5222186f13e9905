package history

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/aegisbench/aegisbench/harness/stats"
)

// Standing is where one run stands against the previous runs of the same
// machine (platform and CPU model) in the store.
type Standing struct {
	Run      Run
	Previous []Run // in commit order
	Rows     []StandingRow
}

// StandingRow compares one series of the run with the previous runs.
type StandingRow struct {
	Key
	Exact bool
	// This is the run's median; Previous the median of the previous
	// runs' medians, Lowest and Highest the extremes of those.
	This, Previous, Lowest, Highest float64
	// Rank is the run's place among all the medians, lowest first (1..Of).
	Rank, Of int
}

// StandingOf finds the run of the results file at path (it must have been
// imported) and compares it with up to n previous runs (by run date) of
// the same platform and CPU model.
func (s *Store) StandingOf(path string, n int) (*Standing, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	var id int64
	err = s.db.QueryRow(`SELECT id FROM runs WHERE digest = ?`, hex.EncodeToString(sum[:])).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s is not in the history store %s (history import it first)", path, s.path)
	}
	if err != nil {
		return nil, fmt.Errorf("history store %s: %w", s.path, err)
	}
	all, err := s.Runs(Filter{})
	if err != nil {
		return nil, err
	}
	st := &Standing{}
	for _, r := range all {
		if r.ID == id {
			st.Run = r
		}
	}
	for _, r := range all {
		if r.ID != id && r.Platform == st.Run.Platform && r.CPU == st.Run.CPU && r.Date < st.Run.Date {
			st.Previous = append(st.Previous, r)
		}
	}
	slices.SortStableFunc(st.Previous, func(a, b Run) int { return cmpStrings(a.Date, b.Date) })
	st.Previous = st.Previous[max(0, len(st.Previous)-n):]
	if len(st.Previous) == 0 {
		return st, nil
	}
	return st, s.standingRows(st)
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// standingRows compares the run's per-series medians with the previous
// runs'.
func (s *Store) standingRows(st *Standing) error {
	samples, err := s.Samples(Filter{IDs: append(IDs(st.Previous), st.Run.ID)}, nil)
	if err != nil {
		return err
	}
	this := map[Key]float64{}
	prev := map[Key][]float64{}
	exact := map[Key]bool{}
	var order []Key
	for _, sm := range samples {
		k := Key{Name: sm.Name, Unit: sm.Unit, Platform: st.Run.Platform}
		med := stats.Summarize(sm.Values, Assumption(sm.Exact), stats.Confidence).Center
		exact[k] = exact[k] || sm.Exact
		if sm.RunID == st.Run.ID {
			this[k] = med
			order = append(order, k)
			continue
		}
		prev[k] = append(prev[k], med)
	}
	slices.SortFunc(order, cmpKeys)
	for _, k := range order {
		p := prev[k]
		if len(p) == 0 {
			continue
		}
		row := StandingRow{Key: k, Exact: exact[k], This: this[k], Previous: median(p), Lowest: slices.Min(p), Highest: slices.Max(p), Rank: 1, Of: len(p) + 1}
		for _, v := range p {
			if v < row.This {
				row.Rank++
			}
		}
		st.Rows = append(st.Rows, row)
	}
	return nil
}
