package history

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ResultsFiles lists the results files under dir (every *.txt, at any
// depth), sorted by path.
func ResultsFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".txt") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}

// Rebuild makes the store at path anew from the results files under dir:
// it imports them into a new database beside path and renames it into
// place only when every file imported, so a bad file leaves the old store
// as it was. It returns the runs stored (files with the same content count
// once). Importers must not write to path meanwhile.
//
// When ctx ends it stops before the next file, removes the new database
// and returns ctx's error: the old store is left as it was.
func Rebuild(ctx context.Context, path, dir string) (int, error) {
	files, err := ResultsFiles(dir)
	if err != nil {
		return 0, fmt.Errorf("rebuild: %w", err)
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("rebuild: no results files (*.txt) under %s", dir)
	}
	tmp := path + ".rebuild"
	removeDB(tmp)
	s, err := Open(tmp)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			s.Close()
			removeDB(tmp)
			return 0, fmt.Errorf("rebuild: %w", err)
		}
		imp, err := s.Import(f)
		if err != nil {
			s.Close()
			removeDB(tmp)
			return 0, fmt.Errorf("rebuild: %w", err)
		}
		if !imp.Already {
			n++
		}
	}
	// A checkpoint folds the WAL into the database file, which alone is
	// then renamed into place.
	if _, err := s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		s.Close()
		removeDB(tmp)
		return 0, fmt.Errorf("rebuild: %w", err)
	}
	if err := s.Close(); err != nil {
		removeDB(tmp)
		return 0, fmt.Errorf("rebuild: %w", err)
	}
	// The old store's WAL must not meet the new database file.
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	if err := os.Rename(tmp, path); err != nil {
		return 0, fmt.Errorf("rebuild: %w", err)
	}
	return n, nil
}

// removeDB removes a database file and its WAL and shared-memory files.
func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}
