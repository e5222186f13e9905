package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/aegisbench/aegisbench/engines/rustengine"
)

// TestFailureMessagesNameEachContextOnce: real failures (an engine that
// exits 1 or writes garbage, an unknown or unavailable engine, a missing
// input) through the real commands name each context once: one layer owns
// each prefix (before: "engine exec:false failed on f.json: engine
// exec:false: ...", "engine unavailable: rust-cli engine unavailable").
func TestFailureMessagesNameEachContextOnce(t *testing.T) {
	in := pathsInput(t, nil)
	dir := t.TempDir()
	t.Setenv(rustengine.BinaryEnv, filepath.Join(dir, "no-aegispath"))
	garbage := "exec:" + os.Args[0] + " fake-garbage"
	conformArgs := []string{"conform", "--sizes", "20", "--seeds", "1", "--no-vectors",
		"--shrink-dir", filepath.Join(dir, "shrunk"), "--report", filepath.Join(dir, "CONFORMANCE.md")}
	tests := []struct {
		name string
		args []string
		code int
		once []string // each exactly once in the message (stderr, or the line naming the engine)
		line string   // when set, the stdout line holding this is checked instead of stderr
	}{
		{"paths exit 1", []string{"paths", "--engine", "exec:false", "--in", in}, 1,
			[]string{"paths:", "exec:false", "exited 1", "not JSON"}, ""},
		{"paths garbage", []string{"paths", "--engine", garbage, "--in", in}, 1,
			[]string{"paths:", "engine exec:", "fake-garbage", "exited 0"}, ""},
		{"paths unknown engine", []string{"paths", "--engine", "nosuch", "--in", in}, 2,
			[]string{"paths:", "unknown engine", "nosuch"}, ""},
		{"paths missing program", []string{"paths", "--engine", "exec:no-such-program-x", "--in", in}, 2,
			[]string{"paths:", `engine "exec:no-such-program-x"`, "executable file not found"}, ""},
		{"paths empty command", []string{"paths", "--engine", "exec:", "--in", in}, 2,
			[]string{"paths:", `engine "exec:"`, "needs a command"}, ""},
		{"paths unavailable rust-cli", []string{"paths", "--engine", "rust-cli", "--in", in}, 1,
			[]string{"paths:", "rust-cli", "unavailable", "make build"}, ""},
		{"paths unloadable library", []string{"paths", "--engine", "ffi:" + filepath.Join(dir, "none.so"), "--in", in}, 1,
			[]string{"paths:", `engine "ffi:`, "unavailable", "cannot load"}, ""},
		{"paths missing input", []string{"paths", "--in", filepath.Join(dir, "missing.json")}, 1,
			[]string{"paths:", "missing.json"}, ""},
		{"list missing input", []string{"list", "--in", filepath.Join(dir, "missing.json")}, 1,
			[]string{"list:", "missing.json"}, ""},
		{"conform failing engine", append(conformArgs, "--engines", "go,exec:false"), 1,
			[]string{"exec:false", "exited 1", "not JSON"}, "  engine exec:false failed"},
		{"conform unknown engine", append(conformArgs, "--engines", "go,nosuch"), 2,
			[]string{"conform:", "unknown engine", "nosuch"}, ""},
		{"conform unavailable engine", append(conformArgs, "--engines", "go,rust-cli"), 1,
			[]string{"conform:", "rust-cli", "unavailable", "make build"}, ""},
		{"bench missing program", []string{"bench", "--dry-run", "--engines", "exec:no-such-program-x", "-o", filepath.Join(dir, "b.txt")}, 1,
			[]string{"bench:", `engine "exec:no-such-program-x"`, "executable file not found"}, ""},
		{"bench unknown engine", []string{"bench", "--dry-run", "--engines", "nosuch", "-o", filepath.Join(dir, "b.txt")}, 2,
			[]string{"bench:", "unknown engine", "nosuch"}, ""},
		{"profile missing input", []string{"datasets", "profile", filepath.Join(dir, "missing.json")}, 1,
			[]string{"datasets profile:", "missing.json"}, ""},
		{"compare missing input", []string{"datasets", "compare", in, filepath.Join(dir, "missing.json")}, 1,
			[]string{"datasets compare:", "missing.json"}, ""},
		{"ladder missing input", []string{"datasets", "ladder", in, filepath.Join(dir, "missing.json")}, 1,
			[]string{"datasets ladder:", "missing.json"}, ""},
		{"anonymize missing input", []string{"datasets", "anonymize", filepath.Join(dir, "missing.json"), "-o", filepath.Join(dir, "anon.json"), "--key", "k"}, 1,
			[]string{"datasets anonymize:", "missing.json"}, ""},
		{"report missing input", []string{"report", filepath.Join(dir, "missing.txt"), "-o", filepath.Join(dir, "rep")}, 1,
			[]string{"report:", "missing.txt"}, ""},
		{"gate missing input", []string{"gate", "--base", filepath.Join(dir, "missing.txt"), "--head", filepath.Join(dir, "missing.txt")}, 2,
			[]string{"gate:", "missing.txt"}, ""},
		{"compare-platforms missing input", []string{"compare-platforms", filepath.Join(dir, "missing.txt"), filepath.Join(dir, "missing.txt")}, 1,
			[]string{"compare-platforms:", "missing.txt"}, ""},
		{"profile failing engine", []string{"datasets", "profile", "--engine", "exec:false", in}, 0,
			[]string{"exec:false", "exited 1", "not JSON"}, "Not computed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			msg := stderr
			if tt.line != "" {
				msg = lineWith(stdout, tt.line)
				assert.NotEmpty(t, msg, "no line with %q in:\n%s", tt.line, stdout)
			}
			for _, s := range tt.once {
				assert.Equal(t, 1, strings.Count(msg, s), "%q in %q", s, msg)
			}
			assert.Empty(t, repeatedSegment(msg), "a context repeated in %q", msg)
		})
	}
}

// lineWith returns the first line of s holding sub ("" when none does).
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// repeatedSegment returns a ": "-separated segment of msg that follows
// itself ("bench: bench: ..."), or "".
func repeatedSegment(msg string) string {
	segs := strings.Split(msg, ": ")
	for i := 1; i < len(segs); i++ {
		if segs[i] == segs[i-1] {
			return segs[i]
		}
	}
	return ""
}
