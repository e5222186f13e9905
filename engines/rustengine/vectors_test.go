package rustengine

import (
	"testing"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/engines/enginetest"
	aegispath "github.com/aegisbench/aegisbench/rust"
)

// requireFFI skips when this build has no FFI bridge (no rustffi tag).
func requireFFI(t *testing.T) engines.Engine {
	t.Helper()
	if err := aegispath.Available(); err != nil {
		t.Skipf("rust-ffi not in this build: %v (go test -tags rustffi after make build)", err)
	}
	return NewFFI()
}

// requireCLI returns the rust-cli engine, or the same program as an
// exec: engine when exec is true. When the aegispath program is missing
// it fails in a rustffi build (which presumes make build) and skips
// otherwise.
func requireCLI(t *testing.T, exec bool) engines.Engine {
	t.Helper()
	bin, err := BinaryPath()
	if err != nil {
		if aegispath.Available() == nil {
			t.Fatalf("rust-cli: %v", err)
		}
		t.Skipf("rust-cli: %v", err)
	}
	if exec {
		e, err := engines.Open("exec:" + bin)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	e, err := NewCLI()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// vectorEngines are the Rust engines the shared kit checks: over cgo (on
// bytes, and on a file the library reads itself), the CLI, and the CLI
// named as an exec: engine (the process contract). The engines given
// files run twice: with the files mapped whole (the default at these
// sizes) and streamed.
var vectorEngines = []struct {
	name  string
	open  func(*testing.T) engines.Engine
	lists bool
}{
	{"rust-ffi", requireFFI, true},
	{"rust-ffi-file", func(t *testing.T) engines.Engine { return enginetest.ViaFile(requireFFI(t), t.TempDir()) }, false},
	{"rust-ffi-file-streamed", streamed(func(t *testing.T) engines.Engine { return enginetest.ViaFile(requireFFI(t), t.TempDir()) }), false},
	{"rust-cli", func(t *testing.T) engines.Engine { return requireCLI(t, false) }, true},
	{"rust-cli-streamed", streamed(func(t *testing.T) engines.Engine { return requireCLI(t, false) }), false},
	{"exec", func(t *testing.T) engines.Engine { return requireCLI(t, true) }, false},
}

// streamed makes the engine open streams every file: libaegispath maps
// none (aegispath.MapLimitEnv=0, seen by the library in this process and
// by the aegispath processes it starts) for the rest of the test.
func streamed(open func(*testing.T) engines.Engine) func(*testing.T) engines.Engine {
	return func(t *testing.T) engines.Engine {
		t.Setenv(aegispath.MapLimitEnv, "0")
		return open(t)
	}
}

func TestVectors(t *testing.T) {
	for _, ve := range vectorEngines {
		t.Run("engine="+ve.name, func(t *testing.T) { enginetest.Vectors(t, ve.open(t)) })
	}
}

func TestListVectors(t *testing.T) {
	for _, ve := range vectorEngines {
		if !ve.lists {
			continue
		}
		t.Run("engine="+ve.name, func(t *testing.T) { enginetest.ListVectors(t, ve.open(t)) })
	}
}
