package bench

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"
)

// Platform describes the machine and toolchains of a run; it becomes the
// results file's configuration lines.
type Platform struct {
	GOOS, GOARCH string
	CPU          string // model name
	Cores        int
	Go           string // e.g. "go1.26.8"
	Rustc        string // e.g. "1.95.0 (59807616e 2026-04-14)"
	Commit       string // git commit, "-dirty" when the tree has changes
	// CommitDate is the commit's committer date (RFC 3339, UTC): the
	// order of runs in the performance history.
	CommitDate string
	// Branch is the checked-out branch ($AEGISBENCH_BRANCH, else
	// git's; "HEAD" when detached).
	Branch string
	Date   string // RFC 3339, UTC, when the run started
}

// Unknown is the value of a platform field that could not be found.
const Unknown = "unknown"

// DetectPlatform finds the platform of this machine. Toolchain versions
// and the commit come from commands run through r in root; anything that
// cannot be found is Unknown rather than an error.
func DetectPlatform(ctx context.Context, r Runner, root string, programs Programs, now time.Time) Platform {
	p := Platform{
		GOOS:   runtime.GOOS,
		GOARCH: runtime.GOARCH,
		CPU:    cpuModel(ctx, r),
		Cores:  runtime.NumCPU(),
		Date:   now.UTC().Format(time.RFC3339),
	}
	p.Go = firstLine(ctx, r, Command{Dir: root, Path: programs.Go, Args: []string{"env", "GOVERSION"}})
	p.Rustc = strings.TrimPrefix(firstLine(ctx, r, Command{Dir: root, Path: "rustc", Args: []string{"--version"}}), "rustc ")
	p.Commit = firstLine(ctx, r, Command{Dir: root, Path: "git", Args: []string{"rev-parse", "HEAD"}})
	if p.Commit != Unknown {
		if out, err := r.Run(ctx, Command{Dir: root, Path: "git", Args: []string{"status", "--porcelain", "--untracked-files=no"}}); err == nil && len(bytes.TrimSpace(out.Stdout)) > 0 {
			p.Commit += "-dirty"
		}
		p.CommitDate = Unknown
		if secs, err := strconv.ParseInt(firstLine(ctx, r, Command{Dir: root, Path: "git", Args: []string{"show", "-s", "--format=%ct", "HEAD"}}), 10, 64); err == nil {
			p.CommitDate = time.Unix(secs, 0).UTC().Format(time.RFC3339)
		}
		p.Branch = firstLine(ctx, r, Command{Dir: root, Path: "git", Args: []string{"rev-parse", "--abbrev-ref", "HEAD"}})
	}
	if b := os.Getenv("AEGISBENCH_BRANCH"); b != "" {
		p.Branch = b
	}
	if p.CommitDate == "" {
		p.CommitDate = Unknown
	}
	if p.Branch == "" {
		p.Branch = Unknown
	}
	return p
}

// firstLine runs c and returns the first line of its output, or Unknown.
func firstLine(ctx context.Context, r Runner, c Command) string {
	out, err := r.Run(ctx, c)
	if err != nil {
		return Unknown
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out.Stdout)), "\n")
	if line = strings.TrimSpace(line); line == "" {
		return Unknown
	}
	return line
}

// cpuModel reads the CPU model as Go's testing package does: the "model
// name" of /proc/cpuinfo on Linux, machdep.cpu.brand_string on macOS.
func cpuModel(ctx context.Context, r Runner) string {
	switch runtime.GOOS {
	case "linux":
		f, err := os.Open("/proc/cpuinfo")
		if err != nil {
			return Unknown
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if ok && strings.TrimSpace(k) == "model name" {
				return strings.TrimSpace(v)
			}
		}
	case "darwin":
		return firstLine(ctx, r, Command{Path: "sysctl", Args: []string{"-n", "machdep.cpu.brand_string"}})
	}
	return Unknown
}

// Config returns the platform as results-file configuration, in a fixed
// order (commit-date and branch only when known), followed by one "dataset-NAME" line per dataset.
func (p Platform) Config(datasets ...Dataset) []benchfmt.Config {
	kv := [][2]string{
		{"goos", p.GOOS},
		{"goarch", p.GOARCH},
		{"cpu", p.CPU},
		{"cores", strconv.Itoa(p.Cores)},
		{"go", p.Go},
		{"rustc", p.Rustc},
		{"commit", p.Commit},
		{"commit-date", p.CommitDate},
		{"branch", p.Branch},
		{"date", p.Date},
	}
	// commit-date and branch are left out when not detected (a
	// Platform built by hand).
	kv = slices.DeleteFunc(kv, func(e [2]string) bool { return e[1] == "" && (e[0] == "commit-date" || e[0] == "branch") })
	for _, d := range datasets {
		kv = append(kv, [2]string{"dataset-" + ConfigKey(d.Name), d.ConfigValue()})
	}
	out := make([]benchfmt.Config, len(kv))
	for i, e := range kv {
		out[i] = benchfmt.Config{Key: e[0], Value: []byte(e[1]), File: true}
	}
	return out
}

// ConfigKey makes s usable in a results-file config key, which may hold
// no upper-case letters and no spaces: letters are lower-cased, anything
// but letters, digits, '.', '_' and '-' becomes '_'.
func ConfigKey(s string) string {
	return NameSafe(strings.ToLower(s))
}
