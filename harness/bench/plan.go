// Package bench runs the benchmark suites of both engines and collects
// their measurements into one results file in the Go benchmark format
// (golang.org/x/perf/benchfmt): Go benchmarks (go test -bench, one process
// per sample), Criterion benches of the Rust crate (one cargo bench
// process per sample, its median as one result line) and whole-process
// timings with hyperfine (each timed run one result line).
//
// A run is a Plan: setup commands (builds), then Count rounds in which
// every arm (a tool, an engine, a size) runs once, so that engines
// alternate A B A B ... instead of running in blocks, then an optional
// profiling run. Commands reach the system only through a Runner, so the
// plan (order, interleaving, commands, counts) is tested exactly with a
// fake runner and canned outputs.
package bench

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"
)

// Tools, as selected by --only.
const (
	ToolGo        = "go"        // go test -bench
	ToolCriterion = "criterion" // cargo bench (Criterion.rs)
	ToolHyperfine = "hyperfine" // whole processes
)

// Engines, as selected by --engines, whose benchmarks are built into the
// plan; any other engine a command accepts is measured as engines.go
// describes.
const (
	EngineGo      = "go"       // the Go engine (in-process benchmarks; `aegispaths` as a process)
	EngineRustFFI = "rust-ffi" // the Rust engine called over cgo
	EngineRustCLI = "rust-cli" // the aegispath CLI as a process
)

// AllTools and AllEngines list the valid values in plan order.
var (
	AllTools   = []string{ToolGo, ToolCriterion, ToolHyperfine}
	AllEngines = []string{EngineGo, EngineRustFFI, EngineRustCLI}
)

// Package paths (relative to the repository root) and their benchmarks.
const (
	goEnginePkg   = "engines/goengine"
	generatorsPkg = "generators"
	rustEnginePkg = "engines/rustengine"
	criterionPkg  = "libaegispath"
	criterionName = "attackpath_bench"
	rustFFITag    = "rustffi"
)

// The Go engine's benchmarks run at every size, each of which must produce
// a result line: those named BASE/engine=go/n=N and those named BASE/n=N.
// go test matches a -bench pattern level by level and skips a benchmark
// whose name has fewer levels than the pattern, so the two kinds run in
// separate processes.
var (
	goEngineByEngine = []string{"AttackPaths", "Pipeline"}
	goEngineBySize   = []string{"Load", "SerializePaths", "ListFindings", "GetFinding"}
)

// goEngineOptional are run when they exist: a decode-only benchmark
// (Decode/n=N), which the report pairs with Criterion's
// deserialize_findings.
var goEngineOptional = []string{"Decode"}

// CriterionGroups maps the Criterion groups of the attackpath_bench target
// to the stage names used in result names (BenchmarkCriterion/stage=...).
var CriterionGroups = []struct{ Group, Stage string }{
	{"compute_attack_paths", "compute"},
	{"deserialize_findings", "decode"},
	{"serialize_paths", "encode"},
	{"full_pipeline", "pipeline"},
}

// Dataset is a findings file the benchmarks read.
type Dataset struct {
	Name     string // e.g. "realistic-2000-s1"
	Path     string
	Findings int
	Bytes    int64
	SHA256   string // hex
	// Profile is a one-line shape summary (profile.Describe) of a
	// user's dataset; empty for the standard ladder, whose manifest
	// entry describes it.
	Profile string
}

// ConfigValue is the dataset's results-file config value:
// "<sha256> findings=<n> bytes=<size>", then " profile: <summary>" when the
// dataset has a profile.
func (d Dataset) ConfigValue() string {
	v := fmt.Sprintf("%s findings=%d bytes=%d", d.SHA256, d.Findings, d.Bytes)
	if d.Profile != "" {
		v += " profile: " + d.Profile
	}
	return v
}

// CriterionSettings are passed to every cargo bench run.
type CriterionSettings struct {
	WarmUp      time.Duration // --warm-up-time
	Measurement time.Duration // --measurement-time
	SampleSize  int           // --sample-size (Criterion's minimum is 10)
}

// HyperfineSettings are passed to every hyperfine run.
type HyperfineSettings struct {
	Warmup int // --warmup runs before the timed ones
	Runs   int // --runs: timed runs per invocation, each one result line
	// Stages adds, after each hyperfine invocation, one run of the same
	// command with --timings: the stages of a whole process
	// (ProcessStageName), for the report's "where the time goes".
	Stages bool
	// Settle runs `aegisbench datasets settle FILE` before each hyperfine
	// invocation (a Step's Prepare, run by this harness, not by
	// hyperfine), so that its runs find the dataset in the page cache as a
	// read from disk leaves it (datasets.Settle); a run leaves the cache
	// as it found it. Not hyperfine's --prepare: a prepare command is one
	// of hyperfine's children, and the peak RSS hyperfine reports is the
	// largest of all its children's (ParseHyperfineJSON).
	Settle bool
}

// Programs names the external programs a plan uses.
type Programs struct {
	Go, Cargo, Hyperfine string
}

// Config is everything a plan depends on. The CLI fills it from flags and
// the environment; tests build it by hand.
type Config struct {
	Root    string // repository root (go.mod, Cargo.toml)
	WorkDir string // test binaries, built CLIs
	Sizes   []int
	Count   int      // samples (rounds)
	Engines []string // subset of AllEngines
	Tools   []string // subset of AllTools
	// Standard holds one dataset per size (same order as Sizes): the
	// realistic ladder the in-process benchmarks read. Extra holds
	// datasets given with --dataset, timed as whole processes.
	Standard  []Dataset
	Extra     []Dataset
	Benchtime string // go test -benchtime; "" for Go's default
	Criterion CriterionSettings
	Hyperfine HyperfineSettings
	// ProfileDir, when set, adds one Go run with CPU and memory
	// profiles of BenchmarkAttackPaths/engine=go at the largest size.
	ProfileDir string
	MaxDepth   int // options of the process runs
	TopK       int
	Programs   Programs
}

// DefaultConfig returns the defaults of `aegisbench bench`.
func DefaultConfig() Config {
	return Config{
		Sizes:     []int{200, 2000, 20000},
		Count:     5,
		Engines:   slices.Clone(AllEngines),
		Tools:     slices.Clone(AllTools),
		Criterion: CriterionSettings{WarmUp: time.Second, Measurement: 3 * time.Second, SampleSize: 10},
		Hyperfine: HyperfineSettings{Warmup: 1, Runs: 1, Stages: true, Settle: true},
		MaxDepth:  4,
		TopK:      20,
		Programs:  Programs{Go: "go", Cargo: "cargo", Hyperfine: "hyperfine"},
	}
}

func (c Config) has(list []string, v string) bool { return slices.Contains(list, v) }

// Validate checks the config for values that cannot make a plan.
func (c Config) Validate() error {
	if len(c.Sizes) == 0 {
		return errors.New("no sizes")
	}
	for _, n := range c.Sizes {
		if n <= 0 {
			return fmt.Errorf("size %d: must be positive", n)
		}
	}
	if c.Count < 1 {
		return fmt.Errorf("count %d: must be at least 1", c.Count)
	}
	if err := validateUserEngines(c.Engines); err != nil {
		return err
	}
	for _, t := range c.Tools {
		if !slices.Contains(AllTools, t) {
			return fmt.Errorf("unknown tool %q (known: %s)", t, strings.Join(AllTools, ", "))
		}
	}
	if len(c.Standard) != len(c.Sizes) {
		return fmt.Errorf("%d standard datasets for %d sizes", len(c.Standard), len(c.Sizes))
	}
	for i, d := range c.Standard {
		if d.Findings != c.Sizes[i] {
			return fmt.Errorf("standard dataset %s has %d findings, size is %d", d.Name, d.Findings, c.Sizes[i])
		}
	}
	if c.has(c.Tools, ToolCriterion) && c.Criterion.SampleSize < 10 {
		return fmt.Errorf("criterion sample size %d: Criterion needs at least 10", c.Criterion.SampleSize)
	}
	if c.has(c.Tools, ToolHyperfine) && c.Hyperfine.Runs < 1 {
		return fmt.Errorf("hyperfine runs %d: must be at least 1", c.Hyperfine.Runs)
	}
	if c.Root == "" || c.WorkDir == "" {
		return errors.New("root and work directory must be set")
	}
	return nil
}

// Phase tells what a step is for.
type Phase int

// The phases of a plan, in order.
const (
	PhaseSetup   Phase = iota // builds; output discarded
	PhaseSample               // one measurement sample
	PhaseProfile              // the profiling run; results discarded
)

func (p Phase) String() string {
	switch p {
	case PhaseSetup:
		return "setup"
	case PhaseSample:
		return "sample"
	case PhaseProfile:
		return "profile"
	}
	return "phase(" + strconv.Itoa(int(p)) + ")"
}

// Step is one command of a plan.
type Step struct {
	Phase Phase
	Round int    // 1-based sample round; 0 outside PhaseSample
	Arm   string // what is measured, e.g. "go engine=go n=2000"
	// Prepare runs, in order, before Cmd and apart from it: not measured,
	// and not a child of a tool that measures Cmd's children.
	Prepare []Command
	Cmd     Command
	// collect turns the command's output into results (nil for steps
	// whose output is not kept).
	collect func(Output) ([]Measurement, error)
}

// String is the step as a line of a --dry-run listing.
// Prepare commands come first, joined by "&&" as a shell would run them.
func (s Step) String() string {
	cmd := ""
	for _, c := range s.Prepare {
		cmd += c.String() + " && "
	}
	cmd += s.Cmd.String()
	switch s.Phase {
	case PhaseSample:
		return fmt.Sprintf("[sample %d] %s: %s", s.Round, s.Arm, cmd)
	default:
		return fmt.Sprintf("[%s] %s: %s", s.Phase, s.Arm, cmd)
	}
}

// Measurement is one result line and the package (results-file "pkg"
// config) it belongs to.
type Measurement struct {
	Pkg    string
	Result *benchfmt.Result
}

// Plan is the ordered list of commands of a run.
type Plan struct {
	Config Config
	Steps  []Step
}

// arm is one thing measured once per round.
type arm struct {
	label   string
	prepare []Command // Step.Prepare
	cmd     Command
	collect func(Output) ([]Measurement, error)
}

// NewPlan builds the plan of cfg: setup (builds), then cfg.Count rounds of
// every arm in the same order, then the profiling run.
func NewPlan(cfg Config) (*Plan, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Plan{Config: cfg}
	for _, c := range setupCommands(cfg) {
		p.Steps = append(p.Steps, Step{Phase: PhaseSetup, Arm: c.label, Cmd: c.cmd})
	}
	arms := sampleArms(cfg)
	if len(arms) == 0 {
		return nil, errors.New("nothing to measure: the selected tools and engines have no benchmarks in common")
	}
	for round := 1; round <= cfg.Count; round++ {
		for _, a := range arms {
			p.Steps = append(p.Steps, Step{Phase: PhaseSample, Round: round, Arm: a.label, Prepare: a.prepare, Cmd: a.cmd, collect: a.collect})
		}
	}
	if cfg.ProfileDir != "" && cfg.has(cfg.Tools, ToolGo) && cfg.has(cfg.Engines, EngineGo) {
		a := goProfileArm(cfg)
		p.Steps = append(p.Steps, Step{Phase: PhaseProfile, Arm: a.label, Cmd: a.cmd, collect: a.collect})
	}
	return p, nil
}

type labelled struct {
	label string
	cmd   Command
}

// setupCommands lists the builds the arms need, each once.
func setupCommands(cfg Config) []labelled {
	var out []labelled
	goTool := cfg.has(cfg.Tools, ToolGo)
	hf := cfg.has(cfg.Tools, ToolHyperfine)
	needRustLib := (goTool && cfg.has(cfg.Engines, EngineRustFFI)) || (hf && cfg.has(cfg.Engines, EngineRustCLI))
	if needRustLib {
		out = append(out, labelled{"build libaegispath and aegispath", Command{Dir: cfg.Root, Path: cfg.Programs.Cargo,
			Args: []string{"build", "--release", "--locked", "-p", criterionPkg}}})
	}
	if cfg.has(cfg.Tools, ToolCriterion) {
		out = append(out, labelled{"build criterion benches", Command{Dir: cfg.Root, Path: cfg.Programs.Cargo,
			Args: []string{"bench", "--locked", "-p", criterionPkg, "--bench", criterionName, "--bench", calibrationBenchName, "--no-run"}}})
	}
	if goTool && cfg.has(cfg.Engines, EngineGo) {
		out = append(out,
			labelled{"build " + goEnginePkg + " tests", goTestBuild(cfg, goEnginePkg, "")},
			labelled{"build " + generatorsPkg + " tests", goTestBuild(cfg, generatorsPkg, "")})
	}
	if goTool {
		out = append(out, labelled{"build " + calibrationPkg + " tests", goTestBuild(cfg, calibrationPkg, "")})
	}
	if goTool && cfg.has(cfg.Engines, EngineRustFFI) {
		out = append(out, labelled{"build " + rustEnginePkg + " tests", goTestBuild(cfg, rustEnginePkg, rustFFITag)})
	}
	if userEnginesInProcess(cfg) {
		out = append(out, labelled{"build " + enginetestPkg + " tests", goTestBuild(cfg, enginetestPkg, "")})
	}
	if hf && goHostedProcesses(cfg) {
		// The Go-hosted engines timed as processes: aegispaths, the paths
		// command alone (not the whole harness), with the rustffi tag when
		// rust-ffi runs as a process too (its --timings arm).
		args := []string{"build", "-o", aegispathsBin(cfg)}
		if rustFFIProcess(cfg) {
			args = append(args, "-tags", rustFFITag)
		}
		out = append(out, labelled{"build aegispaths", Command{Dir: cfg.Root, Path: cfg.Programs.Go,
			Args: append(args, "./cmd/aegispaths")}})
	}
	if hf && cfg.Hyperfine.Settle {
		// aegisbench settles the datasets before each hyperfine
		// invocation (HyperfineSettings.Settle).
		out = append(out, labelled{"build aegisbench", Command{Dir: cfg.Root, Path: cfg.Programs.Go,
			Args: []string{"build", "-o", aegisbenchBin(cfg), "./cmd/aegisbench"}}})
	}
	return out
}

// sampleArms lists the arms of one round: for each size, the engines side
// by side (Go in-process, Rust over FFI, user engines in-process, Rust
// native, then the engines run as processes), then the size-less FFI call
// costs, then --dataset files.
func sampleArms(cfg Config) []arm {
	var arms []arm
	goTool := cfg.has(cfg.Tools, ToolGo)
	hf := cfg.has(cfg.Tools, ToolHyperfine)
	for _, d := range cfg.Standard {
		n := d.Findings
		if goTool && cfg.has(cfg.Engines, EngineGo) {
			arms = append(arms, goEngineArms(cfg, n)...)
			arms = append(arms, generateArm(cfg, n))
		}
		if goTool && cfg.has(cfg.Engines, EngineRustFFI) {
			arms = append(arms, rustFFIPipelineArm(cfg, n))
		}
		arms = append(arms, userPipelineArms(cfg, n)...)
		if cfg.has(cfg.Tools, ToolCriterion) {
			arms = append(arms, criterionArm(cfg, d))
		}
		if hf {
			arms = append(arms, processArms(cfg, d, "")...)
		}
	}
	if goTool && cfg.has(cfg.Engines, EngineRustFFI) {
		arms = append(arms, rustFFICallArm(cfg))
	}
	if goTool {
		arms = append(arms, goCalibrationArm(cfg))
	}
	if cfg.has(cfg.Tools, ToolCriterion) {
		arms = append(arms, criterionCalibrationArm(cfg))
	}
	arms = append(arms, userCallArms(cfg)...)
	if hf {
		for _, d := range cfg.Extra {
			arms = append(arms, processArms(cfg, d, d.Name)...)
		}
	}
	return arms
}

// testBinary is where the compiled test binary of pkg is written.
func testBinary(cfg Config, pkg, tag string) string {
	name := strings.ReplaceAll(pkg, "/", "_")
	if tag != "" {
		name += "_" + tag
	}
	return filepath.Join(cfg.WorkDir, name+".test")
}

func aegisbenchBin(cfg Config) string { return filepath.Join(cfg.WorkDir, "aegisbench") }

func aegispathsBin(cfg Config) string { return filepath.Join(cfg.WorkDir, "aegispaths") }

// goHostedProcesses reports whether a Go-hosted engine is timed as a
// process (go always, rust-ffi as rustFFIProcess says): processArms.
func goHostedProcesses(cfg Config) bool {
	return cfg.has(cfg.Engines, EngineGo) || rustFFIProcess(cfg)
}

// rustFFIProcess reports whether rust-ffi is timed as a process: only
// along with its --timings arm (HyperfineSettings.Stages).
func rustFFIProcess(cfg Config) bool {
	return cfg.Hyperfine.Stages && cfg.has(cfg.Engines, EngineRustFFI)
}

func aegispathBin(cfg Config) string {
	return filepath.Join(cfg.Root, "target", "release", "aegispath")
}
