package goengine

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"testing"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/benchsizes"
)

// benchData returns the path and bytes of the realistic dataset of n
// findings, generating it into the cache when missing.
func benchData(b *testing.B, n int) (string, []byte) {
	b.Helper()
	path, err := datasets.EnsureStandard("realistic", n, 1)
	if err != nil {
		b.Fatalf("dataset realistic n=%d: %v", n, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, data
}

// sink keeps benchmark results alive so the compiler cannot drop or
// stack-allocate them.
var sink []byte

// forSizes runs f as sub-benchmarks PREFIXn=N for every size of
// benchsizes.FromEnv (realistic shape, seed 1).
func forSizes(b *testing.B, prefix string, f func(b *testing.B, n int)) {
	sizes, err := benchsizes.FromEnv()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("%sn=%d", prefix, n), func(b *testing.B) {
			b.ReportAllocs()
			f(b, n)
		})
	}
}

// BenchmarkLoad is the reference report's ServerStartup: read the findings file, hash
// it (integrity check) and load all 56 fields of every finding.
func BenchmarkLoad(b *testing.B) {
	forSizes(b, "", func(b *testing.B, n int) {
		path, data := benchData(b, n)
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			raw, err := os.ReadFile(path)
			if err != nil {
				b.Fatal(err)
			}
			_ = sha256.Sum256(raw)
			if _, err := LoadFindings(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecode measures the strict reader and validation of the 11
// engine fields (the counterpart of Criterion's deserialize_findings).
func BenchmarkDecode(b *testing.B) {
	forSizes(b, "", func(b *testing.B, n int) {
		_, data := benchData(b, n)
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := Decode(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeReader is BenchmarkDecode over a reader in bounded
// chunks (the streaming path of files; bytes.Reader, so no I/O is timed).
func BenchmarkDecodeReader(b *testing.B) {
	forSizes(b, "", func(b *testing.B, n int) {
		_, data := benchData(b, n)
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := DecodeReader(bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAttackPaths is the reference report's AttackPathComputation: Compute on
// decoded findings with the default options.
func BenchmarkAttackPaths(b *testing.B) {
	forSizes(b, "engine=go/", func(b *testing.B, n int) {
		_, data := benchData(b, n)
		decoded, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := Compute(decoded, engines.DefaultOptions()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkComputeOps is BenchmarkAttackPaths reporting the engine's
// operation counts (ComputeStats) per finding: BFS runs, nodes dequeued,
// edges scanned, nodes discovered and paths scored, each as "<op>/finding"
// (the harness does not run it; reports/ uses it to explain growth).
func BenchmarkComputeOps(b *testing.B) {
	forSizes(b, "engine=go/", func(b *testing.B, n int) {
		_, data := benchData(b, n)
		decoded, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		var st Stats
		for b.Loop() {
			if _, st, err = ComputeStats(decoded, engines.DefaultOptions()); err != nil {
				b.Fatal(err)
			}
		}
		per := func(x int64) float64 { return float64(x) / float64(len(decoded)) }
		b.ReportMetric(per(st.GroupKeys), "groups/finding")
		b.ReportMetric(per(st.BFSRuns), "bfs/finding")
		b.ReportMetric(per(st.Dequeued), "dequeued/finding")
		b.ReportMetric(per(st.EdgesScanned), "edges-scanned/finding")
		b.ReportMetric(per(st.Discovered), "discovered/finding")
		b.ReportMetric(per(st.PathsScored), "paths-scored/finding")
	})
}

// BenchmarkSerializePaths is the reference report's ListAttackPaths: encode a computed
// result.
func BenchmarkSerializePaths(b *testing.B) {
	forSizes(b, "", func(b *testing.B, n int) {
		_, data := benchData(b, n)
		decoded, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		res, err := Compute(decoded, engines.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(Encode(res))))
		for b.Loop() {
			sink = Encode(res)
		}
	})
}

// BenchmarkPipeline is the engine contract end to end: findings bytes in,
// output document bytes out (decode, compute, encode).
func BenchmarkPipeline(b *testing.B) {
	forSizes(b, "engine=go/", func(b *testing.B, n int) {
		_, data := benchData(b, n)
		e := New()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			out, err := e.AttackPaths(b.Context(), data, engines.DefaultOptions())
			if err != nil {
				b.Fatal(err)
			}
			sink = out
		}
	})
}

// loadedStore returns a Store over the realistic dataset of n findings and
// one of its findings from the middle of the id order.
func loadedStore(b *testing.B, n int) (*Store, *FullFinding) {
	_, data := benchData(b, n)
	full, err := LoadFindings(data)
	if err != nil {
		b.Fatal(err)
	}
	s := NewStore(full)
	return s, &s.findings[s.order[len(s.order)/2]]
}

// BenchmarkListFindings is the reference report's ListFindings: one page (limit 100) of
// one account's findings of severity >= 40 in NEW or NOTIFIED state, from
// the loaded store.
func BenchmarkListFindings(b *testing.B) {
	forSizes(b, "", func(b *testing.B, n int) {
		s, mid := loadedStore(b, n)
		q, err := ParseQuery(fmt.Appendf(nil, `{"aws_account_id":%q,"min_severity":40,"workflow_status":["NEW","NOTIFIED"],"limit":100}`, mid.AccountID))
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			sink = s.List(q)
		}
	})
}

// BenchmarkGetFinding is the reference report's GetFinding: the id query, from the
// loaded store.
func BenchmarkGetFinding(b *testing.B) {
	forSizes(b, "", func(b *testing.B, n int) {
		s, mid := loadedStore(b, n)
		q := DefaultQuery()
		q.ID = mid.ID
		for b.Loop() {
			sink = s.List(q)
		}
	})
}
