// Package history is the performance history: an index of results files
// (the Go benchmark format, as bench writes them) in an embedded SQLite
// database, read back as series over commits. The files stay the source of
// truth: Rebuild makes the same store from a directory of them.
//
// A store holds runs (one per results file, identified by the sha256 of
// its bytes, with the platform, commit, commit date, branch and date of
// its config lines) and their samples per series (benchmark full name and
// unit; the platform is the run's). Importing is idempotent and all or
// nothing per file, and several processes may import into one store at
// once: the database is in WAL mode with a busy timeout, every write
// transaction takes the write lock when it begins, and the digest is
// unique.
package history

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// SchemaVersion is the version of the store's tables (SQLite's
// user_version). A store of a newer version is refused, not guessed at.
const SchemaVersion = 1

// DefaultPath is the store's place in the repository (git-ignored).
const DefaultPath = ".aegisbench/history.db"

// ShortCommit is a commit hash as people read it: its first 12 digits,
// or the whole text when it is short or marks a dirty tree.
func ShortCommit(c string) string {
	if len(c) > 12 && !strings.HasSuffix(c, "-dirty") {
		return c[:12]
	}
	return c
}

const schema = `
CREATE TABLE IF NOT EXISTS runs (
	id          INTEGER PRIMARY KEY,
	digest      TEXT NOT NULL UNIQUE,  -- sha256 of the results file
	file        TEXT NOT NULL,         -- path as imported
	platform    TEXT NOT NULL,         -- goos-goarch
	cpu         TEXT NOT NULL,
	cores       INTEGER NOT NULL,
	commit_hash TEXT NOT NULL,
	commit_date TEXT NOT NULL,         -- order of runs; the run date when the file has none
	branch      TEXT NOT NULL,
	run_date    TEXT NOT NULL,
	config      TEXT NOT NULL,         -- every config line, "key: value" per line
	imported_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_order ON runs (platform, commit_date, run_date);
CREATE TABLE IF NOT EXISTS series (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL,                -- full name without Benchmark and GOMAXPROCS
	unit TEXT NOT NULL,                -- tidied unit
	UNIQUE (name, unit)
);
CREATE TABLE IF NOT EXISTS samples (
	run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
	series_id INTEGER NOT NULL REFERENCES series (id),
	exact     INTEGER NOT NULL,        -- the unit is exact in this file
	procs     INTEGER NOT NULL,        -- GOMAXPROCS suffix of the series (its first; 0: none)
	vals      TEXT NOT NULL,           -- the samples in file order, space-separated, round-trip exact
	PRIMARY KEY (run_id, series_id)
) WITHOUT ROWID;
`

// Store is an open history database.
type Store struct {
	db   *sql.DB
	path string
}

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// Open opens the store at path, creating it (and its directory) when it
// does not exist. A file that is not a SQLite database, or a store of a
// newer schema version, is an error naming path; neither is modified.
func Open(path string) (*Store, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("history store %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(30000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(normal)")
	q.Set("_txlock", "immediate") // take the write lock at BEGIN: no deadlocked upgrades
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("history store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("history store %s: %w", path, err)
	}
	return s, nil
}

// OpenExisting opens the store at path for reading what it holds: a
// store that does not exist is an error naming path (wrapping
// fs.ErrNotExist), and nothing is created.
func OpenExisting(path string) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("history store %s: %w (import results first: aegisbench history import FILE)", path, err)
	}
	return Open(path)
}

// checkFile refuses an existing non-empty file that is not SQLite before
// the driver touches it (it would otherwise add -wal and -shm files).
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("history store %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, _ := f.Read(head)
	if n == 0 {
		return nil // an empty file is a new database
	}
	if !bytes.Equal(head[:n], sqliteMagic) {
		return fmt.Errorf("history store %s: not a SQLite database (use --store to name another file)", path)
	}
	return nil
}

// migrate checks the schema version and creates the tables of a new store.
func (s *Store) migrate() error {
	if err := retryBusy(func() error {
		_, err := s.db.Exec("PRAGMA journal_mode=WAL")
		return err
	}); err != nil {
		return err
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	switch {
	case v > SchemaVersion:
		return fmt.Errorf("schema version %d is newer than this aegisbench's (%d): use a newer aegisbench, or rebuild the store from the results files", v, SchemaVersion)
	case v == SchemaVersion:
		return nil
	}
	var foreign string
	err = tx.QueryRow(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('runs', 'series', 'samples') LIMIT 1`).Scan(&foreign)
	if err == nil {
		return fmt.Errorf("a SQLite database of something else (table %q), not an aegisbench history store", foreign)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := tx.Exec(schema); err != nil {
		return fmt.Errorf("creating tables: %w", err)
	}
	if _, err := tx.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// busyWait bounds retryBusy, as busy_timeout bounds SQLite's own waits.
const busyWait = 30 * time.Second

// retryBusy runs f again while it fails with SQLITE_BUSY, backing off up
// to busyWait. Switching a new store to WAL needs the database to itself
// and SQLite answers SQLITE_BUSY at once, without its busy handler, when
// another process opens the same new store at that moment.
func retryBusy(f func() error) error {
	const sqliteBusy = 5
	deadline := time.Now().Add(busyWait)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		err := f()
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqliteBusy || time.Now().After(deadline) {
			return err
		}
		time.Sleep(wait)
	}
}

// Path returns the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }
