// Package historytest writes synthetic results files, as bench writes
// them, for the tests of the history store and of its users.
package historytest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Run describes a synthetic results file: two benchmarks
// (AttackPaths/engine=go/n=200 with sec/op, B/op and allocs/op, and
// Load/n=200 with sec/op at half the time).
type Run struct {
	Commit, Branch string
	CommitDate     time.Time
	GOARCH         string // default amd64
	// Level is the sec/op of AttackPaths; samples vary it by 1%.
	Level   float64
	Samples int // default 1
	Seed    uint64
}

// Text renders the run as bench writes it.
func (r Run) Text() string {
	goarch := r.GOARCH
	if goarch == "" {
		goarch = "amd64"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Unit allocs/op assume=exact\ngoos: linux\ngoarch: %s\ncpu: Test CPU\ncores: 2\ncommit: %s\n", goarch, r.Commit)
	fmt.Fprintf(&b, "commit-date: %s\nbranch: %s\ndate: %s\npkg: github.com/aegisbench/aegisbench/engines/goengine\n",
		r.CommitDate.UTC().Format(time.RFC3339), r.Branch, r.CommitDate.Add(time.Hour).UTC().Format(time.RFC3339))
	rng := rand.New(rand.NewPCG(r.Seed, 1))
	for range max(r.Samples, 1) {
		ns := r.Level * 1e9 * (1 + 0.01*rng.NormFloat64())
		fmt.Fprintf(&b, "BenchmarkAttackPaths/engine=go/n=200-2 100 %.0f ns/op 4096 B/op 7 allocs/op\n", ns)
		fmt.Fprintf(&b, "BenchmarkLoad/n=200-2 100 %.0f ns/op\n", ns/2)
	}
	return b.String()
}

// Commit is the fake commit hash of the i-th commit (40 hex digits,
// distinct in their first 7).
func Commit(i int) string {
	sum := sha1.Sum([]byte(fmt.Sprint(i)))
	return hex.EncodeToString(sum[:])
}

// History returns n runs of consecutive commits on branch, an hour apart,
// 5 samples each, at the levels level(i).
func History(n int, branch string, level func(i int) float64) []Run {
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Run, n)
	for i := range out {
		out[i] = Run{Commit: Commit(i), Branch: branch, CommitDate: start.Add(time.Duration(i) * time.Hour),
			Level: level(i), Samples: 5, Seed: uint64(i)}
	}
	return out
}

// Write writes run i into dir as run-NNN.txt and returns its path.
func Write(dir string, i int, r Run) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	p := filepath.Join(dir, fmt.Sprintf("run-%03d.txt", i))
	return p, os.WriteFile(p, []byte(r.Text()), 0o644)
}

// WriteAll writes runs into dir and returns their paths.
func WriteAll(dir string, runs []Run) ([]string, error) {
	var paths []string
	for i, r := range runs {
		p, err := Write(dir, i, r)
		if err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
