package benchrun

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/harness/bench"
)

// Header is the results file's configuration: platform, datasets,
// settings, plan, engines, then resumed/ci-width/interrupted/skipped/failed.
func Header(platform bench.Platform, cfg bench.Config, plan *bench.Plan, engineInfo []bench.EngineInfo,
	resume *bench.Resume, ciNote string, res *bench.Results, skipped []string) []benchfmt.Config {
	header := platform.Config(append(slices.Clone(cfg.Standard), cfg.Extra...)...)
	header = append(header, benchfmt.Config{Key: "bench", Value: []byte(settingsLine(cfg)), File: true},
		benchfmt.Config{Key: bench.ConfigPlan, Value: []byte(plan.PlanDigest()), File: true})
	for _, e := range engineInfo {
		header = append(header, e.Config())
	}
	if resume != nil {
		header = append(header, benchfmt.Config{Key: bench.ConfigResumed, Value: []byte(fmt.Sprintf("%d samples from %s, continued at step %d", len(resume.Measurements), resume.Path, resume.Step)), File: true})
	}
	if ciNote != "" {
		header = append(header, benchfmt.Config{Key: "note-ci-width", Value: []byte(ciNote), File: true})
	}
	if res.Interrupted != nil {
		header = append(header, benchfmt.Config{Key: bench.ConfigInterrupted, Value: []byte(res.Interrupted.String()), File: true})
	}
	if len(skipped) > 0 {
		header = append(header, benchfmt.Config{Key: "skipped", Value: []byte(strings.Join(skipped, "; ")), File: true})
	}
	if len(res.Failures) > 0 {
		var fails []string
		for _, fl := range res.Failures {
			fails = append(fails, fl.String())
		}
		header = append(header, benchfmt.Config{Key: "failed", Value: []byte(strings.Join(fails, "; ")), File: true})
	}
	return header
}

// settingsLine is the "bench:" config line: how the samples were taken.
func settingsLine(cfg bench.Config) string {
	s := fmt.Sprintf("count=%d tools=%s engines=%s", cfg.Count, strings.Join(cfg.Tools, ","), strings.Join(cfg.Engines, ","))
	if cfg.Benchtime != "" {
		s += " benchtime=" + cfg.Benchtime
	}
	if slices.Contains(cfg.Tools, bench.ToolHyperfine) {
		s += fmt.Sprintf(" hyperfine-warmup=%d hyperfine-runs=%d hyperfine-settle=%t", cfg.Hyperfine.Warmup, cfg.Hyperfine.Runs, cfg.Hyperfine.Settle)
		// The program the Go-hosted engines run in as processes: results
		// before it was aegispaths timed `aegisbench paths`, whose start
		// (the whole harness) was about 2.5 ms longer.
		s += " process-host=aegispaths"
	}
	return s
}

// writeResults writes the results to out (or stdout when out is "") and
// says on stderr how many there are and, when interrupted, how to
// continue.
func writeResults(stdout, stderr io.Writer, out string, header []benchfmt.Config, res *bench.Results, start time.Time) error {
	if out == "" {
		if err := bench.WriteResults(stdout, header, res.Measurements); err != nil {
			return err
		}
	} else if err := bench.WriteResultsFile(out, header, res.Measurements); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	fmt.Fprintf(stderr, "bench: %d results in %s", len(res.Measurements), time.Since(start).Round(time.Second))
	if out != "" {
		fmt.Fprintf(stderr, " -> %s", out)
	}
	fmt.Fprintln(stderr)
	if res.Interrupted != nil && out != "" {
		fmt.Fprintf(stderr, "bench: interrupted; continue with: aegisbench bench --resume %s (and the same flags)\n", out)
	}
	return nil
}
