package benchrun

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/bench"
	"github.com/aegisbench/aegisbench/internal/argval"
)

// SelectTargets resolves --engines and --only (comma-separated lists).
// Empty means every built-in engine or tool whose programs are found (the
// others are returned as skipped, with the reason); a named one must be
// available. --engines also takes any engine a command accepts
// (go-naive, exec:COMMAND, ffi:PATH, LABEL=ENGINE); the plan checks them.
func SelectTargets(engineList, only string, progs bench.Programs, lookPath func(string) (string, error)) (eng, tools, skipped []string, err error) {
	have := func(p string) bool { _, err := lookPath(p); return err == nil }
	needs := map[string]string{
		bench.EngineRustFFI: progs.Cargo, bench.EngineRustCLI: progs.Cargo,
		bench.ToolCriterion: progs.Cargo, bench.ToolHyperfine: progs.Hyperfine, bench.ToolGo: progs.Go,
	}
	// need names the program an engine beyond the built-in ones needs:
	// hyperfine for exec:COMMAND (whole processes), go otherwise.
	need := func(v string) string {
		if p, ok := needs[v]; ok {
			return p
		}
		if sp, err := engines.ParseSpec(v); err == nil && sp.Kind == "exec" {
			return progs.Hyperfine
		}
		return progs.Go
	}
	pick := func(flag, value string, all []string) ([]string, error) {
		if value != "" {
			list := argval.List(value)
			for _, v := range list {
				if flag == "only" && !slices.Contains(all, v) {
					return nil, fmt.Errorf("--%s: unknown %q (known: %s)", flag, v, strings.Join(all, ", "))
				}
				if p := need(v); p != "" && !have(p) {
					return nil, fmt.Errorf("--%s %s needs %s, which is not installed", flag, v, p)
				}
			}
			return list, nil
		}
		var out []string
		for _, v := range all {
			if p := need(v); p != "" && !have(p) {
				skipped = append(skipped, fmt.Sprintf("%s (%s not found)", v, p))
				continue
			}
			out = append(out, v)
		}
		return out, nil
	}
	if eng, err = pick("engines", engineList, bench.AllEngines); err != nil {
		return nil, nil, nil, err
	}
	if tools, err = pick("only", only, bench.AllTools); err != nil {
		return nil, nil, nil, err
	}
	return eng, tools, skipped, nil
}
