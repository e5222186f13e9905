package bench

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/engines"
)

// Engines beyond the three built into the plan (go, rust-ffi, rust-cli):
// any engine a command accepts (engines.ParseSpec), each measured by what
// it is:
//
//   - in-process engines (ffi:PATH, go-naive, any other registered name):
//     the Go benchmarks of engines/enginetest with the engine given in
//     $AEGISBENCH_BENCH_ENGINE, as Pipeline/engine=LABEL/n=N, and for
//     ffi:PATH also the per-call boundary costs, FFI/engine=LABEL/call=...;
//   - exec:COMMAND: whole processes under hyperfine, as
//     Process/engine=LABEL/n=N with peak RSS.
//
// A label (LABEL=ENGINE) renames an engine in the results: the gate runs
// two builds of the port as rust-ffi=ffi:PATH so their results compare.

const enginetestPkg = "engines/enginetest"

// IsBuiltin reports whether text (an --engines item) is one of the
// engines whose benchmarks are built into the plan (AllEngines), unlabelled.
func IsBuiltin(text string) bool { return slices.Contains(AllEngines, text) }

// userSpecs returns the engines of cfg that are not built in, parsed.
func userSpecs(cfg Config) []engines.Spec {
	var out []engines.Spec
	for _, e := range cfg.Engines {
		if IsBuiltin(e) {
			continue
		}
		if sp, err := engines.ParseSpec(e); err == nil {
			out = append(out, sp)
		}
	}
	return out
}

// UserKinds are the kinds of engines beyond AllEngines a plan measures:
// the engines engines/enginetest's benchmarks can open in-process, and
// exec (whole processes).
var UserKinds = []string{"go", "go-naive", "ffi", "exec"}

// validateUserEngines checks the engines that are not built in: each
// parses, is of a kind in UserKinds, and no two share a label.
func validateUserEngines(list []string) error {
	specs, err := engines.ParseSpecs(strings.Join(list, ","))
	if err != nil {
		return err
	}
	for _, sp := range specs {
		if !IsBuiltin(sp.String()) && !slices.Contains(UserKinds, sp.Kind) {
			return fmt.Errorf("unknown engine %q (known: %s, and %s)", sp.Text,
				strings.Join(AllEngines, ", "), "go-naive, exec:COMMAND, ffi:PATH, LABEL=ENGINE")
		}
	}
	return nil
}

// inProcess reports whether sp runs in the harness's process (all kinds
// but exec).
func inProcess(sp engines.Spec) bool { return sp.Kind != "exec" }

// userEnginesInProcess reports whether any user engine is benchmarked by
// the engines/enginetest test binary.
func userEnginesInProcess(cfg Config) bool {
	return cfg.has(cfg.Tools, ToolGo) && slices.ContainsFunc(userSpecs(cfg), inProcess)
}

// enginetestCommand runs the engines/enginetest benchmarks on the engine
// sp with regex.
func enginetestCommand(cfg Config, sp engines.Spec, regex string) Command {
	c := goBenchCommand(cfg, enginetestPkg, "", regex)
	c.Env = append(c.Env, engines.BenchEngineEnv+"="+sp.String())
	return c
}

// userPipelineArms measure the in-process user engines at size n.
func userPipelineArms(cfg Config, n int) []arm {
	if !cfg.has(cfg.Tools, ToolGo) {
		return nil
	}
	var arms []arm
	for _, sp := range userSpecs(cfg) {
		if !inProcess(sp) {
			continue
		}
		arms = append(arms, arm{
			label:   fmt.Sprintf("go engine=%s n=%d", sp.String(), n),
			cmd:     enginetestCommand(cfg, sp, byEngineRegex([]string{"Pipeline"}, regexp.QuoteMeta(sp.Label), n)),
			collect: goCollector([]string{fmt.Sprintf("Pipeline/engine=%s/n=%d", sp.Label, n)}),
		})
	}
	return arms
}

// userCallArms measure the per-call boundary cost of each ffi:PATH engine.
func userCallArms(cfg Config) []arm {
	if !cfg.has(cfg.Tools, ToolGo) {
		return nil
	}
	var arms []arm
	for _, sp := range userSpecs(cfg) {
		if sp.Kind != "ffi" {
			continue
		}
		arms = append(arms, arm{
			label:   fmt.Sprintf("go ffi calls engine=%s", sp.String()),
			cmd:     enginetestCommand(cfg, sp, fmt.Sprintf("^BenchmarkFFI$/^engine=%s$", regexp.QuoteMeta(sp.Label))),
			collect: goCollector([]string{fmt.Sprintf("FFI/engine=%s/call=version", sp.Label)}),
		})
	}
	return arms
}

// userProcessArms time each exec:COMMAND engine on dataset d as whole
// processes: COMMAND --in FILE --max-depth N --top-k K.
func userProcessArms(cfg Config, d Dataset, label string) []arm {
	var arms []arm
	for _, sp := range userSpecs(cfg) {
		if sp.Kind != "exec" {
			continue
		}
		argv := strings.Fields(sp.Arg)
		args := append(argv[1:], "--in", d.Path, "--max-depth", strconv.Itoa(cfg.MaxDepth), "--top-k", strconv.Itoa(cfg.TopK))
		arms = append(arms, hyperfineArm(cfg, d, label, sp.Label, Command{Path: argv[0], Args: args}))
	}
	return arms
}

// EngineInfo is an engine of a run as the user named it, and its version
// string: a "engine-LABEL" config line of the results, which the report
// shows.
type EngineInfo struct {
	Label   string // engine=LABEL in result names
	Given   string // the engine as given on the command line (without the label)
	Version string // "" when the engine has no version call
}

// engineVersionSep separates the engine from its version in the config
// value.
const engineVersionSep = " version: "

// Config returns the "engine-LABEL" results-file config line.
func (e EngineInfo) Config() benchfmt.Config {
	v := e.Given
	if e.Version != "" {
		v += engineVersionSep + e.Version
	}
	return benchfmt.Config{Key: "engine-" + ConfigKey(e.Label), Value: []byte(v), File: true}
}

// ParseEngineConfig reads an "engine-LABEL" config line back; ok is false
// for other keys.
func ParseEngineConfig(key, value string) (e EngineInfo, ok bool) {
	label, ok := strings.CutPrefix(key, "engine-")
	if !ok {
		return EngineInfo{}, false
	}
	given, version, _ := strings.Cut(value, engineVersionSep)
	return EngineInfo{Label: label, Given: given, Version: version}, true
}

// openedSpec is an engine of a run's list, parsed and opened; Engine is
// nil for a built-in engine this build cannot open.
type openedSpec struct {
	Spec   engines.Spec
	Engine engines.Engine
}

// openSpecs opens every engine of list. A built-in engine this build
// cannot open (rust-ffi without the rustffi tag) is measured by its own
// benchmark binaries and comes back without an Engine; any other engine
// that does not open (a library that does not load, a command that is not
// found) is an error naming it.
func openSpecs(list []string) ([]openedSpec, error) {
	var out []openedSpec
	for _, text := range list {
		sp, err := engines.ParseSpec(text)
		if err != nil {
			return nil, err
		}
		e, err := engines.OpenSpec(sp)
		if err != nil && !IsBuiltin(text) {
			return nil, err
		}
		out = append(out, openedSpec{Spec: sp, Engine: e})
	}
	return out, nil
}

// DescribeEngines opens every engine of list (openSpecs) to name it and
// read its version; one this build cannot open is described without one.
func DescribeEngines(list []string) ([]EngineInfo, error) {
	opened, err := openSpecs(list)
	if err != nil {
		return nil, err
	}
	out := make([]EngineInfo, len(opened))
	for i, o := range opened {
		out[i] = EngineInfo{Label: o.Spec.Label, Given: o.Spec.Text}
		if o.Engine != nil {
			out[i].Version = engines.VersionOf(o.Engine)
		}
	}
	return out, nil
}

// ResolveEngines makes the paths in the engines of list absolute (ffi:PATH,
// and the program of exec:COMMAND when it names a path), so that they
// reach the same files from the directories the plan's commands run in.
// A resolved engine keeps the label of the engine as given.
func ResolveEngines(list []string) ([]string, error) {
	out := make([]string, len(list))
	for i, text := range list {
		sp, err := engines.ParseSpec(text)
		if err != nil {
			return nil, err
		}
		arg := sp.Arg
		switch sp.Kind {
		case "ffi":
			arg, err = filepath.Abs(sp.Arg)
		case "exec":
			if f := strings.Fields(sp.Arg); len(f) > 0 && strings.ContainsRune(f[0], filepath.Separator) {
				f[0], err = filepath.Abs(f[0])
				arg = strings.Join(f, " ")
			}
		}
		if err != nil {
			return nil, err
		}
		if arg == sp.Arg {
			out[i] = text
			continue
		}
		out[i] = sp.Label + "=" + sp.Kind + ":" + arg
	}
	return out, nil
}
