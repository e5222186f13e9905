package cli

// The engines register themselves with the engines registry when imported.
import (
	_ "github.com/aegisbench/aegisbench/engines/ffiengine"  // "ffi:PATH"
	_ "github.com/aegisbench/aegisbench/engines/goengine"   // "go", "go-naive"
	_ "github.com/aegisbench/aegisbench/engines/process"    // "exec:COMMAND"
	_ "github.com/aegisbench/aegisbench/engines/rustengine" // "rust-ffi", "rust-cli"
)
