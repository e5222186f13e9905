package goengine

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/internal/peakrss"
)

// rssChildEnv names the file the helper process streams; set only by
// TestStreamingPeakRSS.
const rssChildEnv = "AEGISBENCH_STREAM_RSS_FILE"

// ownBytes is the engine's own data after decoding: the findings, their
// ids, the id index (stringIndex: at most 8/3 slots of 8 bytes per id,
// counted as 22 bytes) and each distinct shared string once (with its
// 16-byte header in the decoder's chunks and 22 bytes of its index).
func ownBytes(fs []Finding) int {
	n := len(fs) * int(unsafe.Sizeof(Finding{}))
	seen := map[string]bool{}
	for i := range fs {
		f := &fs[i]
		n += len(f.ID) + 22
		for _, s := range []string{f.AccountID, f.ResourceID, f.VPCID, f.IAMRoleARN} {
			if !seen[s] {
				seen[s] = true
				n += len(s) + 16 + 22
			}
		}
	}
	return n
}

// TestStreamingPeakRSS streams the realistic 200,000-finding file (416 MB)
// in a fresh process and asserts on that process's measured peak resident
// set (VmHWM of /proc/self/status: the high-water mark of its own address
// space, which an exec starts afresh, unlike the rusage maxrss of a child
// forked from this test) that memory grew with the engine's data, not with
// the file: peak <= 2 x own data + 64 MiB (the Go runtime, the test binary,
// the window and GC headroom), and below a third of the file.
func TestStreamingPeakRSS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmHWM is read from /proc (Linux only)")
	}
	path, err := datasets.EnsureStandard("realistic", 200000, 1)
	require.NoError(t, err)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	cmd := exec.Command(os.Args[0], "-test.run=^TestStreamingPeakRSSChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), rssChildEnv+"="+path)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	var findings, own, peak int
	for line := range strings.Lines(string(out)) {
		if _, err := fmt.Sscanf(line, "stream-rss findings=%d own=%d peak=%d", &findings, &own, &peak); err == nil {
			break
		}
	}
	require.Equal(t, 200000, findings, "child output: %s", out)
	limit := 2*own + 64<<20
	t.Logf("file %d MB, engine data %d MB, peak RSS %d MB (limit %d MB)", fi.Size()>>20, own>>20, peak>>20, limit>>20)
	require.Less(t, peak, limit, "peak RSS is not bounded by the engine's data")
	require.Less(t, int64(peak), fi.Size()/3, "peak RSS grows with the file")
}

// TestStreamingPeakRSSChild is the process TestStreamingPeakRSS measures.
func TestStreamingPeakRSSChild(t *testing.T) {
	path := os.Getenv(rssChildEnv)
	if path == "" {
		t.Skip("helper process of TestStreamingPeakRSS")
	}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	fs, err := DecodeReader(f)
	require.NoError(t, err)
	peak, err := peakrss.Self()
	require.NoError(t, err)
	fmt.Printf("stream-rss findings=%d own=%d peak=%d\n", len(fs), ownBytes(fs), peak)
}
