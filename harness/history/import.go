package history

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/harness/results"
)

// Run is one results file in the store.
type Run struct {
	ID         int64
	Digest     string // sha256 of the file, hex
	File       string
	Platform   string // goos-goarch
	CPU        string
	Cores      int
	Commit     string
	CommitDate string // RFC 3339; the run date when the file has no commit-date line
	Branch     string // "unknown" when the file has no branch line
	Date       string // when the run started
	// Config is every config line of the file, "key: value" per line.
	Config string
}

// requiredConfig are the config lines a results file must have to be a
// point in a history.
var requiredConfig = []string{"goos", "goarch", "commit", "date"}

// Imported is the outcome of importing one file.
type Imported struct {
	Run     Run
	Series  int  // series stored
	Already bool // the file (same digest) was in the store: nothing added
}

// Import stores the results file at path in one transaction: all of it or
// nothing. A file already in the store (same sha256) adds nothing. Errors
// name the file (and line, for a syntax error).
func (s *Store) Import(path string) (Imported, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Imported{}, err
	}
	return s.ImportBytes(data, path)
}

// ImportBytes is Import of data read from name.
func (s *Store) ImportBytes(data []byte, name string) (Imported, error) {
	run, set, err := parseRun(data, name)
	if err != nil {
		return Imported{}, err
	}
	imp := Imported{Run: run, Series: len(set.Series)}
	err = s.write(func(tx *sql.Tx) error {
		err := tx.QueryRow(`SELECT id FROM runs WHERE digest = ?`, run.Digest).Scan(&imp.Run.ID)
		if err == nil {
			imp.Already = true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return insertRun(tx, &imp.Run, set)
	})
	if err != nil {
		return Imported{}, fmt.Errorf("%s: storing in %s: %w", name, s.path, err)
	}
	return imp, nil
}

// write runs f in a write transaction (the lock is taken at BEGIN).
func (s *Store) write(f func(tx *sql.Tx) error) error {
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// parseRun reads a results file through harness/results and checks that
// it can be a point of a history.
func parseRun(data []byte, name string) (Run, *results.Set, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Run{}, nil, fmt.Errorf("%s: empty file, not a results file", name)
	}
	if data[len(data)-1] != '\n' {
		line := bytes.Count(data, []byte("\n")) + 1
		return Run{}, nil, fmt.Errorf("%s:%d: truncated: the last line does not end (a results file ends with a newline)", name, line)
	}
	set, err := results.Read(bytes.NewReader(data), name)
	if err != nil {
		if errors.Is(err, results.ErrNoResults) {
			return Run{}, nil, fmt.Errorf("%s: no benchmark results: not a results file of aegisbench bench (%w)", name, err)
		}
		return Run{}, nil, err
	}
	f := set.Files[0]
	var missing []string
	for _, k := range requiredConfig {
		if f.Get(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return Run{}, nil, fmt.Errorf("%s: no %s config line%s: not a results file of aegisbench bench (history needs the platform, commit and date of a run)",
			name, strings.Join(missing, ", "), map[bool]string{true: "s"}[len(missing) > 1])
	}
	for _, k := range append(requiredConfig, "commit-date", "branch") {
		if strings.Contains(f.Get(k), ", ") {
			return Run{}, nil, fmt.Errorf("%s: config line %s has several values (%s): one results file is one run", name, k, f.Get(k))
		}
	}
	sum := sha256.Sum256(data)
	run := Run{
		Digest:     hex.EncodeToString(sum[:]),
		File:       name,
		Platform:   f.Get("goos") + "-" + f.Get("goarch"),
		CPU:        orUnknown(f.Get("cpu")),
		Commit:     f.Get("commit"),
		CommitDate: f.Get("commit-date"),
		Branch:     orUnknown(f.Get("branch")),
		Date:       f.Get("date"),
	}
	run.Cores, _ = strconv.Atoi(f.Get("cores"))
	var config strings.Builder
	for _, c := range f.Config {
		fmt.Fprintf(&config, "%s: %s\n", c.Key, strings.Join(c.Values, ", "))
	}
	run.Config = config.String()
	if _, err := time.Parse(time.RFC3339, run.Date); err != nil {
		return Run{}, nil, fmt.Errorf("%s: config line date: %w", name, err)
	}
	if _, err := time.Parse(time.RFC3339, run.CommitDate); err != nil {
		run.CommitDate = run.Date // older files: order by when they ran
	}
	return run, set, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func insertRun(tx *sql.Tx, run *Run, set *results.Set) error {
	res, err := tx.Exec(`INSERT INTO runs (digest, file, platform, cpu, cores, commit_hash, commit_date, branch, run_date, config, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		run.Digest, run.File, run.Platform, run.CPU, run.Cores, run.Commit, run.CommitDate, run.Branch, run.Date,
		run.Config, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return err
	}
	if run.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	upsert, err := tx.Prepare(`INSERT INTO series (name, unit) VALUES (?, ?) ON CONFLICT (name, unit) DO UPDATE SET name = name RETURNING id`)
	if err != nil {
		return err
	}
	defer upsert.Close()
	insert, err := tx.Prepare(`INSERT INTO samples (run_id, series_id, exact, procs, vals) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insert.Close()
	for _, sr := range set.Series {
		var id int64
		if err := upsert.QueryRow(sr.Name, sr.Unit).Scan(&id); err != nil {
			return fmt.Errorf("series %s %s: %w", sr.Name, sr.Unit, err)
		}
		procs := 0
		if len(sr.Procs) > 0 {
			procs = sr.Procs[0]
		}
		if _, err := insert.Exec(run.ID, id, set.Exact(sr.Unit), procs, formatValues(sr.Values)); err != nil {
			return fmt.Errorf("series %s %s: %w", sr.Name, sr.Unit, err)
		}
	}
	return nil
}

func formatValues(vs []float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return strings.Join(parts, " ")
}

func parseValues(s string) ([]float64, error) {
	fields := strings.Fields(s)
	out := make([]float64, len(fields))
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
