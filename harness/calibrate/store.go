package calibrate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

// A pair file holds one sampled A/A pair as one results file, so that
// pairs can accumulate over many runs (the whole default benchmark set
// takes about an hour a pair: a nightly job adds a few, a session here
// adds what it has time for) and be judged together:
//
//	calibration-settings: SETTINGS
//	calibration-side: base
//	<the base side's rounds: results files as bench wrote them>
//	calibration-side: head
//	<the head side's rounds>
//
// SETTINGS says how the pair was sampled (mode, rounds per side, the
// benchmark set); only pairs of equal settings are judged together. The
// file is a benchmark results file: `benchstat -col .config:calibration-side
// FILE` compares its two sides.
const (
	// SettingsKey is the config key of a pair file's sampling settings.
	SettingsKey = "calibration-settings"
	// SideKey is the config key that opens each side of a pair file.
	SideKey = "calibration-side"
)

// Store is a directory of pair files. Dir == "" is no store.
type Store struct {
	// Dir holds the pair files: *.txt at any depth (a checkout of a data
	// branch keeps them under PLATFORM/COMMIT/); new pairs are written at
	// its top.
	Dir string
	// Settings are this run's sampling settings (one line).
	Settings string
}

// Stored are the pairs a Store holds with this run's settings.
type Stored struct {
	Pairs [][2]*results.Set
	// Files are the pair files read, in Pairs' order; Other counts the
	// pair files of other settings, left out.
	Files []string
	Other int
}

// Load reads every pair file under s.Dir (none when the directory does not
// exist yet), in path order, keeping those with s.Settings.
func (s Store) Load() (*Stored, error) {
	var paths []string
	err := filepath.WalkDir(s.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".txt") {
			paths = append(paths, path)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return &Stored{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("calibration pairs: %w", err)
	}
	slices.Sort(paths)
	st := &Stored{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("calibration pairs: %w", err)
		}
		settings, pair, err := ReadPair(data, path)
		if err != nil {
			return nil, err
		}
		if settings != s.Settings {
			st.Other++
			continue
		}
		st.Pairs = append(st.Pairs, pair)
		st.Files = append(st.Files, path)
	}
	return st, nil
}

// Add writes a pair (each side's rounds, as results file texts) to a new
// file at the top of s.Dir, named after the time and its content's digest,
// and returns its path.
func (s Store) Add(base, head [][]byte) (string, error) {
	data := FormatPair(s.Settings, base, head)
	sum := sha256.Sum256(data)
	name := fmt.Sprintf("pair-%s-%s.txt", time.Now().UTC().Format("20060102T150405.000000000Z"), hex.EncodeToString(sum[:6]))
	path := filepath.Join(s.Dir, name)
	if err := atomicfile.WriteFileMkdirAll(path, data); err != nil {
		return "", fmt.Errorf("calibration pairs: %w", err)
	}
	return path, nil
}

// FormatPair returns the pair file of the given sides' rounds.
func FormatPair(settings string, base, head [][]byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s: %s\n", SettingsKey, settings)
	for _, side := range []struct {
		name   string
		rounds [][]byte
	}{{"base", base}, {"head", head}} {
		fmt.Fprintf(&b, "%s: %s\n", SideKey, side.name)
		for _, r := range side.rounds {
			b.Write(r)
			if len(r) > 0 && r[len(r)-1] != '\n' {
				b.WriteByte('\n')
			}
		}
	}
	return b.Bytes()
}

// ReadPair parses a pair file: its settings and its two sides. name names
// it in errors.
func ReadPair(data []byte, name string) (string, [2]*results.Set, error) {
	var pair [2]*results.Set
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	settings, ok := strings.CutPrefix(string(first), SettingsKey+": ")
	if !ok {
		return "", pair, fmt.Errorf("%s:1: not a calibration pair file: want %q first", name, SettingsKey+": ...")
	}
	openBase := []byte(SideKey + ": base\n")
	if !bytes.HasPrefix(rest, openBase) {
		return "", pair, fmt.Errorf("%s:2: want %q", name, strings.TrimSpace(string(openBase)))
	}
	body := rest[len(openBase):]
	openHead := []byte("\n" + SideKey + ": head\n")
	i := bytes.Index(body, openHead)
	if i < 0 {
		return "", pair, fmt.Errorf("%s: no line %q", name, SideKey+": head")
	}
	baseText, headText := body[:i+1], body[i+len(openHead):]
	for i, text := range [][]byte{baseText, headText} {
		set, err := results.Read(bytes.NewReader(text), fmt.Sprintf("%s (%s side)", name, []string{"base", "head"}[i]))
		if err != nil {
			return "", pair, err
		}
		pair[i] = set
	}
	return strings.TrimSpace(settings), pair, nil
}
