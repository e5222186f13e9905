//go:build cgo && rustffi

package aegispath

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

// smallDoc is a findings document of one account holding one attack path
// of two hops (a -VPC_REACH-> b -SHARED_ROLE-> c), with the 11 engine
// fields only (the operation ignores the others).
const smallDoc = `[
 {"id":"a","aws_account_id":"111111111111","severity_normalized":40,"workflow_status":"NEW","resource_id":"r-a","vpc_id":"vpc-1","network_exposure":"INTERNET","iam_role_arn":"","data_classification":"NONE","epss_e5":97,"mitre_tactic_id":"TA0001"},
 {"id":"b","aws_account_id":"111111111111","severity_normalized":70,"workflow_status":"NOTIFIED","resource_id":"r-b","vpc_id":"vpc-1","network_exposure":"VPC","iam_role_arn":"arn:aws:iam::111111111111:role/app","data_classification":"INTERNAL","epss_e5":36000,"mitre_tactic_id":"TA0002"},
 {"id":"c","aws_account_id":"111111111111","severity_normalized":92,"workflow_status":"NEW","resource_id":"r-c","vpc_id":"","network_exposure":"PRIVATE","iam_role_arn":"arn:aws:iam::111111111111:role/app","data_classification":"RESTRICTED","epss_e5":500,"mitre_tactic_id":"TA0010"}
]`

// pathsDoc is the part of the output document the tests check.
type pathsDoc struct {
	Schema   string `json:"schema"`
	MaxDepth int    `json:"max_depth"`
	TopK     int    `json:"top_k"`
	Accounts []struct {
		ID    string `json:"aws_account_id"`
		Paths []struct {
			FindingIDs []string `json:"finding_ids"`
			Reasons    []string `json:"reasons"`
			Score      uint64   `json:"score"`
		} `json:"paths"`
	} `json:"accounts"`
}

func TestVersion(t *testing.T) {
	require.NoError(t, Available())
	v := Version()
	assert.True(t, strings.HasPrefix(v, "libaegispath "), "version %q", v)
}

func TestAttackPathsSmallDocument(t *testing.T) {
	out, err := AttackPaths([]byte(smallDoc), 4, 20)
	require.NoError(t, err)
	var doc pathsDoc
	require.NoError(t, json.Unmarshal(out, &doc), "%s", out)
	assert.Equal(t, engines.SchemaAttackPaths, doc.Schema)
	assert.Equal(t, 4, doc.MaxDepth)
	assert.Equal(t, 20, doc.TopK)
	require.Len(t, doc.Accounts, 1)
	require.Len(t, doc.Accounts[0].Paths, 1)
	p := doc.Accounts[0].Paths[0]
	assert.Equal(t, []string{"a", "b", "c"}, p.FindingIDs)
	assert.Equal(t, []string{"VPC_REACH", "SHARED_ROLE"}, p.Reasons)
	assert.Equal(t, uint64(32834880), p.Score) // the spec's worked example
}

func TestBadInputIsEngineError(t *testing.T) {
	tests := []struct {
		name     string
		input    []byte
		maxDepth int64
		topK     int64
		wantKey  string
	}{
		{"nil input", nil, 4, 20, "code=invalid_json index=- field=-"},
		{"empty input", []byte{}, 4, 20, "code=invalid_json index=- field=-"},
		{"not an array", []byte(`{}`), 4, 20, "code=invalid_json index=- field=-"},
		{"max_depth 0", []byte(smallDoc), 0, 20, `code=invalid_options index=- field="max_depth"`},
		{"top_k negative", []byte(smallDoc), 4, -1, `code=invalid_options index=- field="top_k"`},
		{"options before json", []byte(`nope`), 17, 20, `code=invalid_options index=- field="max_depth"`},
		{"element not an object", []byte(`[1]`), 4, 20, `code=invalid_field index=0 field=""`},
		{"duplicate id", []byte(`[` + firstFinding() + `,` + firstFinding() + `]`), 4, 20, `code=duplicate_id index=1 field="id"`},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := AttackPaths(tt.input, tt.maxDepth, tt.topK)
			assert.Nil(t, out)
			var ee *engines.Error
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tt.wantKey, ee.Key())
			assert.True(t, json.Valid(ee.Raw), "raw error document %q", ee.Raw)

			// The same document as a file, mapped and streamed by the
			// library: the same error document, byte for byte.
			path := filepath.Join(dir, strconv.Itoa(i)+".json")
			require.NoError(t, os.WriteFile(path, tt.input, 0o644))
			for _, limit := range []string{"1048576", "0"} {
				t.Setenv(MapLimitEnv, limit)
				out, err = AttackPathsFile(path, tt.maxDepth, tt.topK)
				assert.Nil(t, out)
				var fe *engines.Error
				require.ErrorAs(t, err, &fe, "%s=%s", MapLimitEnv, limit)
				assert.Equal(t, string(ee.Raw), string(fe.Raw), "%s=%s", MapLimitEnv, limit)
			}
		})
	}
}

// TestAttackPathsFile: a file read by the library gives the bytes'
// answer; a missing file, a directory, a FIFO (refused before it is
// opened, so nothing waits for a writer) and a bad map limit are errors
// wrapping ErrIO, not error documents.
func TestAttackPathsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "small.json")
	require.NoError(t, os.WriteFile(path, []byte(smallDoc), 0o644))
	want, err := AttackPaths([]byte(smallDoc), 4, 20)
	require.NoError(t, err)
	got, err := AttackPathsFile(path, 4, 20)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))

	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o644))
	for _, p := range []string{filepath.Join(dir, "missing.json"), dir, fifo} {
		out, err := AttackPathsFile(p, 4, 20)
		assert.Nil(t, out)
		require.ErrorIs(t, err, ErrIO, p)
		var ee *engines.Error
		assert.False(t, errors.As(err, &ee), "%s: an I/O error is not an error document", p)
	}
	_, err = AttackPathsFile("", 4, 20)
	assert.ErrorIs(t, err, ErrInvalidArgument)

	// A map limit that is not a byte count is an I/O error naming it.
	t.Setenv(MapLimitEnv, "64M")
	_, err = AttackPathsFile(path, 4, 20)
	require.ErrorIs(t, err, ErrIO)
	assert.ErrorContains(t, err, MapLimitEnv)
}

// firstFinding returns the first finding object of smallDoc.
func firstFinding() string {
	var docs []json.RawMessage
	if err := json.Unmarshal([]byte(smallDoc), &docs); err != nil {
		panic(err)
	}
	return string(docs[0])
}

func TestListFindings(t *testing.T) {
	out, err := ListFindings([]byte(`[]`), []byte(`{}`))
	require.NoError(t, err)
	var page struct {
		Schema   string            `json:"schema"`
		Total    int               `json:"total"`
		Findings []json.RawMessage `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(out, &page), "%s", out)
	assert.Equal(t, engines.SchemaFindings, page.Schema)
	assert.Equal(t, 0, page.Total)
	assert.Empty(t, page.Findings)

	_, err = ListFindings(nil, []byte(`{}`))
	var ee *engines.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, engines.CodeInvalidJSON, ee.Doc.Code)

	_, err = ListFindings([]byte(`[]`), []byte(`{"limit":0}`))
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, `code=invalid_options index=- field="limit"`, ee.Key())
}

func TestEchoRoundTrip(t *testing.T) {
	for _, size := range []int{0, 1, 1 << 10, 64 << 10, 1 << 20} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			in := pattern(size)
			out, err := Echo(in)
			require.NoError(t, err)
			require.NotNil(t, out)
			require.Len(t, out, size)
			assert.True(t, bytes.Equal(in, out), "echo changed the bytes")
			if size > 0 {
				assert.NotSame(t, &in[0], &out[0], "echo must return a copy")
			}
		})
	}
	out, err := Echo(nil)
	require.NoError(t, err)
	assert.Equal(t, []byte{}, out)
}

// pattern returns n bytes that differ from their neighbours, so a shifted
// or truncated copy cannot compare equal.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// TestConcurrentCalls checks that calls from several goroutines (several
// OS threads) at once give the same bytes as a lone call.
func TestConcurrentCalls(t *testing.T) {
	want, err := AttackPaths([]byte(smallDoc), 4, 20)
	require.NoError(t, err)
	const workers, calls = 8, 200
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			for i := 0; i < calls; i++ {
				got, err := AttackPaths([]byte(smallDoc), 4, 20)
				if err == nil && !bytes.Equal(got, want) {
					err = fmt.Errorf("call %d: output differs: %.200s", i, got)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for w := 0; w < workers; w++ {
		assert.NoError(t, <-errs)
	}
}

func TestNoop(t *testing.T) {
	require.NoError(t, Noop())
}

// TestMemoryFlat makes 10,000 calls on a small document and checks that
// the resident set does not grow: Rust buffers freed, Go copies collected.
// A leak of every output (about 0.6 KB here) would add about 6 MB.
func TestMemoryFlat(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skipf("reads the resident set size from /proc/self/statm, which %s does not have", runtime.GOOS)
	}
	input := []byte(smallDoc)
	call := func(n int) {
		for i := 0; i < n; i++ {
			out, err := AttackPaths(input, 4, 20)
			if err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
			if len(out) == 0 {
				t.Fatalf("call %d: empty output", i)
			}
		}
	}
	out, err := AttackPaths(input, 4, 20)
	require.NoError(t, err)
	t.Logf("output document: %d bytes per call", len(out))

	call(1000) // warm-up: allocator arenas, Go heap
	before := residentBytes(t)
	const calls = 10000
	call(calls)
	after := residentBytes(t)

	growth := after - before
	t.Logf("RSS before %.2f MiB, after %d calls %.2f MiB: growth %+.3f MiB (%+.1f bytes/call)",
		mib(before), calls, mib(after), mib(growth), float64(growth)/calls)
	assert.Less(t, growth, int64(3<<20), "RSS grew by %.2f MiB over %d calls", mib(growth), calls)
}

// residentBytes returns the resident set size after collecting Go garbage
// and returning freed memory to the OS.
func residentBytes(t *testing.T) int64 {
	t.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/statm")
	require.NoError(t, err)
	var size, resident int64
	_, err = fmt.Sscan(string(b), &size, &resident)
	require.NoError(t, err, "parsing /proc/self/statm %q", b)
	return resident * int64(os.Getpagesize())
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// TestDetachedCalls runs the calls' tests again with every call on a
// thread of its own (call: detachMinBytes 0), where they are otherwise made
// directly for documents this small, and checks that they were.
func TestDetachedCalls(t *testing.T) {
	saved := detachMinBytes
	detachMinBytes = 0
	t.Cleanup(func() { detachMinBytes = saved })
	before := detachedCalls()
	for _, tt := range []struct {
		name string
		test func(*testing.T)
	}{
		{"AttackPathsSmallDocument", TestAttackPathsSmallDocument},
		{"BadInputIsEngineError", TestBadInputIsEngineError},
		{"AttackPathsFile", TestAttackPathsFile},
		{"ListFindings", TestListFindings},
		{"ConcurrentCalls", TestConcurrentCalls},
	} {
		t.Run(tt.name, tt.test)
	}
	// TestConcurrentCalls alone makes 1 + 8 × 200 calls.
	assert.GreaterOrEqual(t, detachedCalls()-before, int64(1601), "calls run on threads of their own")
}
