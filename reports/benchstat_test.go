package reports

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/results"
	"github.com/aegisbench/aegisbench/harness/stats"
)

// TestBenchstatAgrees runs benchstat itself (`go tool benchstat`: go.mod
// declares golang.org/x/perf/cmd/benchstat as a tool, at the version the
// harness links) on results files and checks that every median it prints
// is the one the report computes. Results files of real runs can be added
// in AEGISBENCH_BENCHSTAT_FILES (a path list; make bench-check sets it).
func TestBenchstatAgrees(t *testing.T) {
	files := []string{
		"testdata/synthetic-linux-amd64.txt",
		"../harness/bench/testdata/results.golden",
		"baselines/darwin-arm64/results.txt",
	}
	// More files, e.g. a real run: AEGISBENCH_BENCHSTAT_FILES=a.txt:b.txt.
	if extra := os.Getenv("AEGISBENCH_BENCHSTAT_FILES"); extra != "" {
		files = append(files, filepath.SplitList(extra)...)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "go", "tool", "benchstat", "-format", "csv", file)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Run(), stderr.String())

			set, err := results.Load(file)
			require.NoError(t, err)
			medians := parseBenchstatCSV(t, stdout.Bytes())
			require.NotEmpty(t, medians)
			for key, v := range medians {
				s := set.Lookup(key[0], key[1])
				require.NotNil(t, s, "benchstat row %v not in the set", key)
				got := stats.Of(set, s, stats.Confidence).Center
				assert.InDelta(t, v, got, 1e-12*max(1, v), "%v", key)
			}
			// Every time series of the set was in benchstat's output.
			for _, s := range set.Series {
				if s.Unit == "sec/op" {
					_, ok := medians[[2]string{s.Name, s.Unit}]
					assert.True(t, ok, "benchstat printed no row for %s", s.Name)
				}
			}
		})
	}
}

// parseBenchstatCSV reads benchstat's CSV tables into (name, unit) ->
// center. A table starts with ",FILE," and ",UNIT,CI" lines; names lose
// their GOMAXPROCS suffix.
func parseBenchstatCSV(t *testing.T, out []byte) map[[2]string]float64 {
	res := map[[2]string]float64{}
	unit := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || !strings.Contains(line, ",") {
			unit = ""
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(line)).Read()
		require.NoError(t, err, line)
		switch {
		case rec[0] == "" && len(rec) >= 3 && rec[2] == "CI":
			unit = rec[1]
		case rec[0] == "" || rec[0] == "geomean" || unit == "":
		default:
			v, err := strconv.ParseFloat(rec[1], 64)
			require.NoError(t, err, line)
			res[[2]string{stripProcs(rec[0]), unit}] = v
		}
	}
	return res
}

func stripProcs(name string) string {
	n, _ := results.StripProcs(name)
	return n
}
