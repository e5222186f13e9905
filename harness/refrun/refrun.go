// Package refrun compares a git ref with the working tree by running
// them: it builds the ref in a git worktree and the working tree here,
// takes interleaved samples of both (base, head, base, head, ...) with a
// SampleFunc (time: aegisbench bench; instructions: harness/instructions)
// and writes each side's results file. Judging them is harness/gate's.
package refrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aegisbench/aegisbench/internal/atomicfile"
)

// Side is one build taking part in a comparison.
type Side struct {
	// Name is "base" or "head".
	Name string
	// Dir is the source tree the build came from (the git worktree for
	// base, the working tree for head); its commands run there.
	Dir string
	// Binary is the aegisbench executable built from Dir.
	Binary string
	// Paths is the aegispaths executable built from Dir (the paths
	// command with no harness linked; RefConfig.BuildPaths), or "" when
	// not both sides have cmd/aegispaths: then both run `aegisbench
	// paths`, so that the two sides always run the same program.
	Paths string
}

// SampleFunc takes one sample of side into the results file out (count 1:
// one result line per benchmark).
type SampleFunc func(ctx context.Context, r Runner, side Side, out string) error

// BenchSample returns the time-mode SampleFunc: the side's own
// `aegisbench bench ARGS --count 1 -o OUT`, run in the side's tree.
func BenchSample(args []string) SampleFunc {
	return func(ctx context.Context, r Runner, side Side, out string) error {
		a := append([]string{"bench"}, args...)
		a = append(a, "--count", "1", "-o", out)
		_, err := r.Run(ctx, Command{Dir: side.Dir, Path: side.Binary, Args: a})
		return err
	}
}

// PortSample returns the time-mode SampleFunc that compares two builds of
// the Rust port with one harness: the working tree's aegisbench (harness)
// runs `bench --engines rust-ffi=ffi:LIB ARGS --count 1 -o OUT` in the
// working tree, where LIB is the side's own shared library
// (SIDE/target/release/libaegispath.so, built by RunRef when Tags holds
// rustffi). Both sides' results name the engine rust-ffi, so the gate
// compares the port of the ref with the port of the working tree, and
// nothing else differs between them.
func PortSample(harness Side, libFile string, args []string) SampleFunc {
	return func(ctx context.Context, r Runner, side Side, out string) error {
		lib := filepath.Join(side.Dir, "target", "release", libFile)
		a := append([]string{"bench", "--engines", "rust-ffi=ffi:" + lib}, args...)
		a = append(a, "--count", "1", "-o", out)
		_, err := r.Run(ctx, Command{Dir: harness.Dir, Path: harness.Binary, Args: a})
		return err
	}
}

// HeadSide is the working tree's side of a RunRef of cfg.
func HeadSide(cfg RefConfig) Side {
	return Side{Name: "head", Dir: cfg.Root, Binary: filepath.Join(cfg.WorkDir, "bin", "head", "aegisbench")}
}

// RefConfig configures a comparison of a git ref (base) with the working
// tree (head).
type RefConfig struct {
	// Root is the working tree: the head side.
	Root string
	// Ref is the base revision (branch, tag, commit, "origin/main").
	Ref string
	// WorkDir is a scratch directory for the worktree, binaries and
	// samples; the caller creates and removes it.
	WorkDir string
	// Rounds is the number of samples per side. Rounds run base, head,
	// base, head, ... so that drift in the machine hits both sides alike.
	Rounds int
	// Tags are Go build tags for both builds; when they include "rustffi",
	// the Rust library is built first in each tree with cargo.
	Tags string
	// Sample takes one sample of a side (BenchSample, InstructionSample).
	Sample SampleFunc
	// BuildPaths also builds each side's aegispaths (Side.Paths), for
	// samples that run the paths command (InstructionSample).
	BuildPaths bool
	// Log receives one line per step; nil discards.
	Log io.Writer
}

// SideError is a failure to build or sample one side of a RunRef: a broken
// head fails the gate, a broken base leaves it unable to decide.
type SideError struct {
	Side string
	Err  error
}

func (e *SideError) Error() string { return e.Side + ": " + e.Err.Error() }

func (e *SideError) Unwrap() error { return e.Err }

// RefFiles are the concatenated results of a RunRef.
type RefFiles struct {
	Base, Head string
}

// RunRef builds Ref in a git worktree under WorkDir and the working tree
// here, runs Rounds interleaved samples of each, and concatenates them into
// WorkDir/base.txt and WorkDir/head.txt. The worktree is removed before
// returning, whatever happened.
func RunRef(ctx context.Context, r Runner, cfg RefConfig) (files RefFiles, err error) {
	if cfg.Rounds < 1 {
		return files, fmt.Errorf("gate: rounds %d must be >= 1", cfg.Rounds)
	}
	if cfg.Sample == nil {
		return files, errors.New("gate: RefConfig.Sample is nil")
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "gate: "+format+"\n", args...)
		}
	}
	run := func(c Command) error {
		logf("%s", c)
		_, err := r.Run(ctx, c)
		return err
	}
	// Cleanup runs even after an interrupt cancelled ctx.
	cleanup := func(c Command) error {
		logf("%s", c)
		_, err := r.Run(context.WithoutCancel(ctx), c)
		return err
	}

	if err := run(Command{Dir: cfg.Root, Path: "git", Args: []string{"rev-parse", "--verify", "--quiet", cfg.Ref + "^{commit}"}}); err != nil {
		return files, fmt.Errorf("gate: base ref %q is not a commit here (fetch it first, e.g. git fetch origin main): %w", cfg.Ref, err)
	}
	tree := filepath.Join(cfg.WorkDir, "base")
	if err := run(Command{Dir: cfg.Root, Path: "git", Args: []string{"worktree", "add", "--detach", tree, cfg.Ref}}); err != nil {
		return files, fmt.Errorf("gate: creating worktree for %s: %w", cfg.Ref, err)
	}
	defer func() {
		if rmErr := cleanup(Command{Dir: cfg.Root, Path: "git", Args: []string{"worktree", "remove", "--force", tree}}); rmErr != nil && err == nil {
			err = fmt.Errorf("gate: removing worktree %s: %w", tree, rmErr)
		}
	}()

	sides := []Side{
		{Name: "base", Dir: tree, Binary: filepath.Join(cfg.WorkDir, "bin", "base", "aegisbench")},
		HeadSide(cfg),
	}
	// aegispaths only when both trees have it: the sides run one program.
	buildPaths := cfg.BuildPaths && hasPathsCmd(tree) && hasPathsCmd(cfg.Root)
	if cfg.BuildPaths && !buildPaths && hasPathsCmd(cfg.Root) {
		logf("%s has no cmd/aegispaths: both sides run `aegisbench paths`", cfg.Ref)
	}
	for i := range sides {
		if err := buildSide(run, &sides[i], cfg.Tags, buildPaths); err != nil {
			return files, err
		}
	}

	samples := filepath.Join(cfg.WorkDir, "samples")
	if err := os.MkdirAll(samples, 0o755); err != nil {
		return files, fmt.Errorf("gate: %w", err)
	}
	perSide := map[string][]string{}
	for round := 1; round <= cfg.Rounds; round++ {
		for _, s := range sides {
			out := filepath.Join(samples, fmt.Sprintf("%s-%03d.txt", s.Name, round))
			logf("round %d/%d: %s", round, cfg.Rounds, s.Name)
			if err := cfg.Sample(ctx, r, s, out); err != nil {
				return files, &SideError{Side: s.Name, Err: fmt.Errorf("gate: round %d: %w", round, err)}
			}
			perSide[s.Name] = append(perSide[s.Name], out)
		}
	}
	files = RefFiles{Base: filepath.Join(cfg.WorkDir, "base.txt"), Head: filepath.Join(cfg.WorkDir, "head.txt")}
	if err := concat(files.Base, perSide["base"]); err != nil {
		return files, err
	}
	if err := concat(files.Head, perSide["head"]); err != nil {
		return files, err
	}
	return files, nil
}

// buildSide builds side s's aegisbench binary with the build tags (and
// first its Rust library, for rustffi) through run, and when paths is set
// its aegispaths beside it (setting s.Paths).
func buildSide(run func(Command) error, s *Side, tags string, paths bool) error {
	if strings.Contains(tags, "rustffi") {
		if err := run(Command{Dir: s.Dir, Path: "cargo", Args: []string{"build", "--release", "--locked", "-p", "libaegispath"}}); err != nil {
			return &SideError{Side: s.Name, Err: fmt.Errorf("gate: building the Rust library: %w", err)}
		}
	}
	if err := run(goBuild(s.Dir, "./cmd/aegisbench", s.Binary, tags)); err != nil {
		return &SideError{Side: s.Name, Err: fmt.Errorf("gate: building aegisbench: %w", err)}
	}
	if !paths {
		return nil
	}
	out := filepath.Join(filepath.Dir(s.Binary), "aegispaths")
	if err := BuildPaths(run, s.Dir, out, tags); err != nil {
		return &SideError{Side: s.Name, Err: fmt.Errorf("gate: building aegispaths: %w", err)}
	}
	s.Paths = out
	return nil
}

// hasPathsCmd reports whether source tree dir has cmd/aegispaths (trees
// older than it do not).
func hasPathsCmd(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "cmd", "aegispaths"))
	return err == nil && fi.IsDir()
}

// PathsBuildEnv is the environment of an aegispaths build whose
// instructions are counted. Go 1.26 places the heap at a random address in
// every process, which moved repeated counts of one aegispaths build on
// 200 findings by up to 1.1% (the page allocator's searches differ), more
// than the gate's 1% threshold; built without it, they agree to 0.12%.
var PathsBuildEnv = []string{"GOEXPERIMENT=norandomizedheapbase64"}

// BuildPaths builds tree dir's cmd/aegispaths into out with the build
// tags, through run, as the gate counts it (PathsBuildEnv, -trimpath).
func BuildPaths(run func(Command) error, dir, out, tags string) error {
	c := goBuild(dir, "./cmd/aegispaths", out, tags)
	c.Env = PathsBuildEnv
	return run(c)
}

// goBuild is the command that builds package pkg of tree dir into out with
// the build tags. -trimpath: identical sources give identical binaries,
// wherever the tree lives (the worktree's path would otherwise be
// embedded).
func goBuild(dir, pkg, out, tags string) Command {
	args := []string{"build", "-trimpath"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	return Command{Dir: dir, Path: "go", Args: append(args, "-o", out, pkg)}
}

// concat writes the files in order into dst, each ending in a newline.
func concat(dst string, srcs []string) error {
	var all []byte
	for _, s := range srcs {
		b, err := os.ReadFile(s)
		if err != nil {
			return fmt.Errorf("gate: sample file: %w", err)
		}
		all = append(all, b...)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			all = append(all, '\n')
		}
	}
	if err := atomicfile.WriteFile(dst, all); err != nil {
		return fmt.Errorf("gate: writing %s: %w", dst, err)
	}
	return nil
}
