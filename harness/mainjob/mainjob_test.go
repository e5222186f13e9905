package mainjob

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSteps: the steps and the commands they amount to, with and without
// benchmarks and the history store.
func TestSteps(t *testing.T) {
	base := Settings{Sizes: []int{200, 2000}, Count: 3, Out: "out", ConformSizes: []int{200}}
	withStore := base
	withStore.Store = "h.db"
	skip := base
	skip.SkipBench = true
	tests := []struct {
		name     string
		s        Settings
		commands []string
	}{
		{"skip bench", skip, []string{
			"aegisbench datasets ensure --max-findings 2000",
			"aegisbench conform --engines go,rust-cli --sizes 200 --shapes all --seeds 1 --report out/report/CONFORMANCE.md",
		}},
		{"no store", base, []string{
			"aegisbench datasets ensure --max-findings 2000",
			"aegisbench conform --engines go,rust-cli --sizes 200 --shapes all --seeds 1 --report out/report/CONFORMANCE.md",
			"aegisbench bench --sizes 200,2000 --count 3 --engines go,rust-cli -o out/results.txt --profile-dir out/profiles",
			"aegisbench report out/results.txt --profile-dir out/profiles -o out/report",
		}},
		{"store", withStore, []string{
			"aegisbench datasets ensure --max-findings 2000",
			"aegisbench conform --engines go,rust-cli --sizes 200 --shapes all --seeds 1 --report out/report/CONFORMANCE.md",
			"aegisbench bench --sizes 200,2000 --count 3 --engines go,rust-cli -o out/results.txt --profile-dir out/profiles",
			"aegisbench history import --store h.db out/results.txt",
			"aegisbench report out/results.txt --profile-dir out/profiles -o out/report --history-store h.db",
		}},
	}
	for _, tt := range tests {
		var got []string
		for _, st := range steps(io.Discard, io.Discard, tt.s, []string{"go", "rust-cli"}) {
			got = append(got, st.command)
		}
		assert.Equal(t, tt.commands, got, tt.name)
	}
	bad := base
	bad.Count = 0
	assert.ErrorContains(t, bad.Check(), "--count 0: must be in 1..10000")
}
