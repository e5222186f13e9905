package history

import (
	"fmt"
	"strings"
)

// Filter selects runs. Empty fields select everything.
type Filter struct {
	Platform string
	Branch   string
	// Commits selects runs whose commit starts with one of these
	// (hashes or prefixes). Runs of a dirty tree ("-dirty") are then left
	// out: they are not that commit.
	Commits []string
	// IDs selects runs by ID.
	IDs []int64
}

func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Platform != "" {
		conds = append(conds, "r.platform = ?")
		args = append(args, f.Platform)
	}
	if f.Branch != "" {
		conds = append(conds, "r.branch = ?")
		args = append(args, f.Branch)
	}
	if len(f.Commits) > 0 {
		var or []string
		for _, c := range f.Commits {
			or = append(or, "(r.commit_hash LIKE ? ESCAPE '\\' AND r.commit_hash NOT LIKE '%-dirty')")
			args = append(args, likeEscape(c)+"%")
		}
		conds = append(conds, "("+strings.Join(or, " OR ")+")")
	}
	if len(f.IDs) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?,", len(f.IDs)), ",")
		conds = append(conds, "r.id IN ("+marks+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// runOrder is commit order: commit date, then run date, then import order.
const runOrder = " ORDER BY r.commit_date, r.run_date, r.id"

// Runs returns the runs f selects, in commit order.
func (s *Store) Runs(f Filter) ([]Run, error) {
	where, args := f.where()
	rows, err := s.db.Query(`SELECT r.id, r.digest, r.file, r.platform, r.cpu, r.cores, r.commit_hash, r.commit_date, r.branch, r.run_date, r.config
		FROM runs r`+where+runOrder, args...)
	if err != nil {
		return nil, fmt.Errorf("history store %s: %w", s.path, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		var r Run
		if err := rows.Scan(&r.ID, &r.Digest, &r.File, &r.Platform, &r.CPU, &r.Cores, &r.Commit, &r.CommitDate, &r.Branch, &r.Date, &r.Config); err != nil {
			return nil, fmt.Errorf("history store %s: %w", s.path, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history store %s: %w", s.path, err)
	}
	return out, nil
}

// Samples are the samples of one series in one run.
type Samples struct {
	RunID      int64
	Name, Unit string
	Exact      bool
	Procs      int // GOMAXPROCS suffix (0: none)
	Values     []float64
}

// Samples returns the samples of the runs f selects, run by run in commit
// order, series in name order; match (nil: all) selects series by name.
func (s *Store) Samples(f Filter, match func(name string) bool) ([]Samples, error) {
	where, args := f.where()
	rows, err := s.db.Query(`SELECT r.id, se.name, se.unit, sa.exact, sa.procs, sa.vals
		FROM runs r JOIN samples sa ON sa.run_id = r.id JOIN series se ON se.id = sa.series_id`+where+runOrder+`, se.name, se.unit`, args...)
	if err != nil {
		return nil, fmt.Errorf("history store %s: %w", s.path, err)
	}
	defer rows.Close()
	var out []Samples
	for rows.Next() {
		var sm Samples
		var vals string
		if err := rows.Scan(&sm.RunID, &sm.Name, &sm.Unit, &sm.Exact, &sm.Procs, &vals); err != nil {
			return nil, fmt.Errorf("history store %s: %w", s.path, err)
		}
		if match != nil && !match(sm.Name) {
			continue
		}
		if sm.Values, err = parseValues(vals); err != nil {
			return nil, fmt.Errorf("history store %s: run %d %s %s: %w", s.path, sm.RunID, sm.Name, sm.Unit, err)
		}
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history store %s: %w", s.path, err)
	}
	return out, nil
}

// Platforms returns the platforms of the store's runs, sorted.
func (s *Store) Platforms() ([]string, error) {
	rows, err := s.db.Query(`SELECT DISTINCT platform FROM runs ORDER BY platform`)
	if err != nil {
		return nil, fmt.Errorf("history store %s: %w", s.path, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
