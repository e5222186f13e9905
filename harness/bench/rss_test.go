//go:build linux

package bench

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allocEnv makes the test binary, re-executed as a child, touch that many
// MiB of memory and exit: a process with a known peak RSS.
const allocEnv = "AEGISBENCH_TEST_ALLOC_MIB"

func TestMain(m *testing.M) {
	if v := os.Getenv(allocEnv); v != "" {
		mib, _ := strconv.Atoi(v)
		buf := make([]byte, mib<<20)
		for i := 0; i < len(buf); i += 4096 {
			buf[i] = 1
		}
		os.Exit(int(buf[0]) - 1) // 0, and keeps buf alive
	}
	os.Exit(m.Run())
}

func TestExecRunnerPeakRSS(t *testing.T) {
	self, err := os.Executable()
	require.NoError(t, err)
	floor := selfPeakRSS()
	require.Positive(t, floor)

	// A child well above this process's own peak: its figure is reported.
	mib := int(floor>>20) + 256
	out, err := ExecRunner{}.Run(context.Background(), Command{Path: self, Args: []string{"-test.run", "^$"},
		Env: []string{allocEnv + "=" + strconv.Itoa(mib)}})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, out.PeakRSS, int64(mib)<<20, "peak RSS of a child that touched %d MiB", mib)
	assert.Less(t, out.PeakRSS, int64(mib+128)<<20)

	// A tiny child cannot be told apart from the inherited floor: dropped.
	out, err = ExecRunner{}.Run(context.Background(), Command{Path: "/bin/true"})
	require.NoError(t, err)
	assert.Zero(t, out.PeakRSS, "a figure at or below the harness's own peak RSS is not reported")
}
