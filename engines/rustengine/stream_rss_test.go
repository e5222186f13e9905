package rustengine

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/goengine"
)

// rustFindingBytes bounds what aegispath keeps of a streamed finding
// besides its id's bytes (stream::KEPT_BYTES_PER_FINDING, asserted when
// the Rust library compiles).
const rustFindingBytes = 48

// TestAegispathStreamingPeakRSS runs the aegispath program on the realistic
// 200,000-finding file (416 MB) and asserts on its own measured peak RSS
// (VmHWM, written by --timings) that memory grew with the engine's data,
// not with the file: peak <= 2 x own data + 64 MiB, and below a third of
// the file. Own data: rustFindingBytes per finding plus the bytes of every
// id and of every distinct other string (stored once, while reading).
func TestAegispathStreamingPeakRSS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("aegispath reads its peak RSS from /proc (Linux only)")
	}
	bin, err := BinaryPath()
	if err != nil {
		t.Skipf("no aegispath program: %v", err)
	}
	path, err := datasets.EnsureStandard("realistic", 200000, 1)
	require.NoError(t, err)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	fs, err := goengine.DecodeReader(f)
	require.NoError(t, err)
	own := len(fs) * rustFindingBytes
	seen := map[string]bool{}
	for _, x := range fs {
		own += len(x.ID)
		for _, s := range []string{x.AccountID, x.ResourceID, x.VPCID, x.IAMRoleARN} {
			if !seen[s] {
				seen[s] = true
				own += len(s) + 16 // and its entry in the arena's set
			}
		}
	}
	fi, err := f.Stat()
	require.NoError(t, err)

	var stderr bytes.Buffer
	cmd := exec.Command(bin, "--in", path, "--timings")
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	require.NoError(t, cmd.Run(), "%s", stderr.Bytes())
	tm, err := engines.ParseTimings(stderr.Bytes())
	require.NoError(t, err, "%s", stderr.Bytes())
	require.Positive(t, tm.PeakRSS, "no peak_rss in %s", stderr.Bytes())
	limit := int64(2*own + 64<<20)
	t.Logf("file %d MB, engine data %d MB, aegispath peak RSS %d MB (limit %d MB)", fi.Size()>>20, own>>20, tm.PeakRSS>>20, limit>>20)
	require.Less(t, tm.PeakRSS, limit, "peak RSS is not bounded by the engine's data")
	// Reading the file whole peaks at about 1.2x its size; streaming stays
	// well under half of it (the engine data of generator version 2, with
	// its longer ids, is about a sixth of the file).
	require.Less(t, tm.PeakRSS, fi.Size()/2, "peak RSS grows with the file")
}
