package conform

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/mdtext"
)

// EngineInfo describes an engine taking part in a run.
type EngineInfo struct {
	Name string
	// Role is "reference" for the first engine, "candidate" otherwise.
	Role string
	// Version is what the engine reports through an optional
	// `Version() string` method ("" when it has none).
	Version string
}

// DescribeEngines returns the EngineInfo of each engine, in order.
func DescribeEngines(es []engines.Engine) []EngineInfo {
	out := make([]EngineInfo, len(es))
	for i, e := range es {
		out[i] = EngineInfo{Name: e.Name(), Role: "candidate"}
		if i == 0 {
			out[i].Role = "reference"
		}
		if v, ok := e.(interface{ Version() string }); ok {
			out[i].Version = v.Version()
		}
	}
	return out
}

// Platform describes the machine a run happened on.
type Platform struct {
	GOOS, GOARCH string
	CPU          string
	Cores        int
	Go           string
}

// String renders "linux/amd64, CPU (N cores), go1.x".
func (p Platform) String() string {
	return fmt.Sprintf("%s/%s, %s (%d cores), %s", p.GOOS, p.GOARCH, p.CPU, p.Cores, p.Go)
}

// CurrentPlatform describes this machine; the CPU name comes from
// /proc/cpuinfo where there is one.
func CurrentPlatform() Platform {
	return Platform{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, CPU: cpuName(), Cores: runtime.NumCPU(), Go: runtime.Version()}
}

func cpuName() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name", "Model", "cpu model", "Hardware":
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return "unknown CPU"
}

// Report is everything the markdown report shows.
type Report struct {
	// Command is the command line of the run.
	Command  string
	Platform Platform
	Engines  []EngineInfo
	Result   *Result
	Verdict  Verdict
	Shrinks  []ShrinkReport
	// ExpectedFailures is the list file applied ("" for none).
	ExpectedFailures string
	// Replay returns the command replaying one case between two engines
	// (the reference may be ExpectedEngine; see ReplayEngines).
	Replay func(caseName, reference, candidate string) string
	// Notes are extra lines for the header (skipped engines, ...).
	Notes []string
}

// WriteMarkdown renders the report: a header, then one section per
// function below, in this order.
func WriteMarkdown(w io.Writer, r Report) error {
	b := &strings.Builder{}
	writeHeader(b, r)
	writeEngines(b, r)
	writeEngineTime(b, r)
	writeCases(b, r)
	writeDivergences(b, r)
	writeFormattingInfos(b, r)
	writeExpectedFailures(b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeHeader writes the title, the verdict line and the run's facts.
func writeHeader(b *strings.Builder, r Report) {
	res := r.Result
	fmt.Fprintf(b, "# Conformance report\n\n**%s**\n\n", r.Verdict.SummaryLine())
	fmt.Fprintf(b, "- Command: `%s`\n", r.Command)
	fmt.Fprintf(b, "- Platform: %s\n", r.Platform)
	fmt.Fprintf(b, "- Wall time: %s for %d cases on %d engines (%d jobs)\n", res.Wall.Round(time.Millisecond), len(res.Cases), len(r.Engines), res.Jobs)
	if len(r.Shrinks) > 0 {
		var spent time.Duration
		for _, s := range r.Shrinks {
			spent += s.Result.Elapsed
		}
		fmt.Fprintf(b, "- Shrinking: %s for %d failing cases\n", spent.Round(time.Millisecond), len(r.Shrinks))
	}
	if r.ExpectedFailures != "" {
		fmt.Fprintf(b, "- Expected failures: `%s`\n", r.ExpectedFailures)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "- %s\n", n)
	}
	b.WriteString("\nOutputs are compared on their RFC 8785 (JCS) canonical form (SHA-256 digests below, first 12 hex digits); error documents on code, index and field.\n")
}

// writeEngines writes the "Engines" section.
func writeEngines(b *strings.Builder, r Report) {
	b.WriteString("\n## Engines\n\n| engine | role | version |\n|---|---|---|\n")
	for _, e := range r.Engines {
		v := e.Version
		if v == "" {
			v = "—"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", e.Name, e.Role, mdtext.Cell(v))
	}
}

// writeEngineTime writes the "Engine time" section: each engine's total and slowest case.
func writeEngineTime(b *strings.Builder, r Report) {
	res := r.Result
	b.WriteString("\n## Engine time\n\nSum of the engines' calls over all cases (each call: parse, compute, write), and the slowest case.\n\n| engine | total | slowest case | its time |\n|---|---|---|---|\n")
	for i, e := range r.Engines {
		var total, worst time.Duration
		worstCase := "—"
		for _, c := range res.Cases {
			if i >= len(c.Engines) {
				continue
			}
			total += c.Engines[i].Elapsed
			if c.Engines[i].Elapsed > worst {
				worst, worstCase = c.Engines[i].Elapsed, "`"+c.Name+"`"
			}
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", e.Name, total.Round(time.Millisecond), worstCase, worst.Round(time.Millisecond))
	}
}

// writeCases writes the "Cases" table, with an "expected" column when any case has one.
func writeCases(b *strings.Builder, r Report) {
	res := r.Result
	hasExpected := false
	for _, c := range res.Cases {
		hasExpected = hasExpected || c.Expected != nil
	}
	b.WriteString("\n## Cases\n\n| case | result | input |")
	sep := "|---|---|---|"
	if hasExpected {
		b.WriteString(" expected |")
		sep += "---|"
	}
	for _, e := range r.Engines {
		fmt.Fprintf(b, " %s |", e.Name)
		sep += "---|"
	}
	b.WriteString(" raw identical |\n" + sep + "---|\n")
	for _, c := range res.Cases {
		input := ShortDigest(c.InputDigest)
		if c.LoadError != "" {
			input = "not loaded: " + c.LoadError
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |", c.Name, caseResultText(c, r.Verdict), mdtext.Cell(input))
		if hasExpected {
			if c.Expected != nil {
				fmt.Fprintf(b, " %s |", mdtext.Cell(engineCell(*c.Expected)))
			} else {
				b.WriteString(" — |")
			}
		}
		for i := range r.Engines {
			if i < len(c.Engines) {
				fmt.Fprintf(b, " %s |", mdtext.Cell(engineCell(c.Engines[i])))
			} else {
				b.WriteString(" — |")
			}
		}
		fmt.Fprintf(b, " %s |\n", rawIdenticalText(c))
	}
}

// writeDivergences writes the "Divergences" section: per failing case, its failures, comparisons, replay commands and shrink.
func writeDivergences(b *strings.Builder, r Report) {
	res := r.Result
	var failing []CaseResult
	for _, c := range res.Cases {
		if c.Failed() {
			failing = append(failing, c)
		}
	}
	b.WriteString("\n## Divergences\n\n")
	if len(failing) == 0 {
		b.WriteString("None.\n")
	}
	shrinks := map[string]ShrinkReport{}
	for _, s := range r.Shrinks {
		shrinks[s.Case] = s
	}
	for _, c := range failing {
		fmt.Fprintf(b, "### `%s` (%s)\n\n", c.Name, r.Verdict.Status[c.Name])
		if c.LoadError != "" {
			fmt.Fprintf(b, "The input could not be produced: %s\n\n", c.LoadError)
		}
		for _, e := range c.Engines {
			if e.Kind == KindFailure {
				fmt.Fprintf(b, "Engine **%s** failed: %s\n\n", e.Engine, mdtext.Cell(e.Failure))
			}
		}
		for _, d := range c.Divergences() {
			writeComparison(b, d, "####")
			if r.Replay != nil {
				fmt.Fprintf(b, "Replay: `%s`\n\n", r.Replay(c.Name, d.Reference, d.Candidate))
			}
		}
		if s, ok := shrinks[c.Name]; ok {
			writeShrink(b, s)
		}
	}
}

// writeFormattingInfos writes the "Formatting differences" section when raw bytes differ but canonical documents agree.
func writeFormattingInfos(b *strings.Builder, r Report) {
	res := r.Result
	var infos []string
	for _, c := range res.Cases {
		for _, in := range c.Infos() {
			infos = append(infos, fmt.Sprintf("- `%s`: %s vs %s: %s: %s", c.Name, in.Reference, in.Candidate, in.Class, strings.Join(in.Notes, "; ")))
		}
	}
	if len(infos) > 0 {
		b.WriteString("\n## Formatting differences (information, not divergences)\n\nThe raw bytes differ but the canonical documents are equal.\n\n")
		b.WriteString(strings.Join(infos, "\n") + "\n")
	}
}

// writeExpectedFailures writes the "Expected-failures list" section (stale and not-run entries) when there are any.
func writeExpectedFailures(b *strings.Builder, r Report) {
	if len(r.Verdict.Stale) > 0 || len(r.Verdict.NotRun) > 0 {
		b.WriteString("\n## Expected-failures list\n\n")
		for _, s := range r.Verdict.Stale {
			fmt.Fprintf(b, "- STALE: `%s` is listed but passes: remove it from the list.\n", s)
		}
		for _, s := range r.Verdict.NotRun {
			fmt.Fprintf(b, "- not run here: `%s`\n", s)
		}
	}
}

func writeComparison(b *strings.Builder, d Comparison, heading string) {
	fmt.Fprintf(b, "%s %s vs %s: %s\n\n", heading, d.Reference, d.Candidate, d.Class)
	for _, n := range d.Notes {
		fmt.Fprintf(b, "- %s\n", n)
	}
	if len(d.Diff) > 0 {
		fmt.Fprintf(b, "\n| op | pointer (RFC 6901) | %s | %s |\n|---|---|---|---|\n", d.Reference, d.Candidate)
		for _, op := range d.Diff {
			ptr := op.Pointer
			if op.From != "" {
				ptr = op.From + " -> " + op.Pointer
			}
			fmt.Fprintf(b, "| %s | `%s` | %s | %s |\n", op.Op, ptr, mdCode(op.Reference), mdCode(op.Candidate))
		}
		if d.DiffTotal > len(d.Diff) {
			fmt.Fprintf(b, "\n(first %d of %d operations)\n", len(d.Diff), d.DiffTotal)
		}
	}
	b.WriteString("\n")
}

func writeShrink(b *strings.Builder, s ShrinkReport) {
	switch {
	case !s.Shrunk():
		fmt.Fprintf(b, "Not shrunk: %s\n\n", mdtext.Cell(s.Err.Error()))
		return
	case s.Err != nil:
		fmt.Fprintf(b, "Shrinking %s vs %s (%s) stopped: %s\n\n", s.Reference, s.Candidate, s.Class, mdtext.Cell(s.Err.Error()))
	}
	r := s.Result
	fmt.Fprintf(b, "Shrunk (%s vs %s, %s) from %d findings to %d in %d tests, %s: %s.",
		s.Reference, s.Candidate, s.Class, r.OriginalFindings, r.Findings, r.Tests, r.Elapsed.Round(time.Millisecond), minimality(r))
	for _, n := range r.Notes {
		fmt.Fprintf(b, " %s.", n)
	}
	if s.Dir != "" {
		fmt.Fprintf(b, " Regression vector: `%s`.", s.Dir)
	}
	b.WriteString("\n\n")
}

func caseResultText(c CaseResult, v Verdict) string {
	st, ok := v.Status[c.Name]
	if !ok {
		st = StatusPassed
		if c.Failed() {
			st = StatusFailed
		}
	}
	var classes []string
	for _, d := range c.Divergences() {
		if !slices.Contains(classes, string(d.Class)) {
			classes = append(classes, string(d.Class))
		}
	}
	if c.LoadError != "" {
		classes = append(classes, "input error")
	}
	if len(classes) > 0 {
		return fmt.Sprintf("%s (%s)", st, strings.Join(classes, ", "))
	}
	return string(st)
}

func engineCell(e EngineResult) string {
	switch e.Kind {
	case KindOutput:
		return ShortDigest(e.Digest)
	case KindError:
		return "error " + ShortDigest(e.Digest) + " " + e.ErrorKey
	}
	return "FAILURE"
}

func rawIdenticalText(c CaseResult) string {
	known, same := false, true
	for _, cmp := range c.Comparisons {
		if cmp.Reference == ExpectedEngine {
			continue
		}
		known = true
		same = same && cmp.RawIdentical
	}
	switch {
	case !known:
		return "—"
	case same:
		return "yes"
	}
	return "no"
}

// mdCode shows a JSON value in a table cell as a code span, "(absent)"
// for none.
func mdCode(s string) string {
	if s == "" {
		return "(absent)"
	}
	return "`" + mdtext.Code(s) + "`"
}

// WriteDigests writes one line per case input and per engine outcome:
//
//	CASE<TAB>input<TAB>sha256:...
//	CASE<TAB>ENGINE<TAB>output|error|failure<TAB>sha256:...|-
//
// after a comment line naming the platform. Two runs agree when their
// files agree apart from '#' lines (ci/conform-arm64.sh compares them).
func WriteDigests(w io.Writer, p Platform, res *Result) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# aegisbench conform digests: %s/%s %s\n", p.GOOS, p.GOARCH, p.Go)
	for _, c := range res.Cases {
		if c.LoadError != "" {
			fmt.Fprintf(bw, "%s\tinput\tnot-loaded\n", c.Name)
			continue
		}
		fmt.Fprintf(bw, "%s\tinput\t%s\n", c.Name, c.InputDigest)
		for _, e := range c.Engines {
			d := e.Digest
			if d == "" {
				d = "-"
			}
			fmt.Fprintf(bw, "%s\t%s\t%s\t%s\n", c.Name, e.Engine, e.Kind, d)
		}
	}
	return bw.Flush()
}

// ReplayEngines returns the engines a replay of a divergence between
// reference and candidate needs: both, or only the candidate when the
// reference is a vector's expectation.
func ReplayEngines(reference, candidate string) []string {
	if reference == ExpectedEngine {
		return []string{candidate}
	}
	return []string{reference, candidate}
}
