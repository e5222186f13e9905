package bench

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/harness/results"
)

// Config keys of the results file that make a run resumable.
const (
	// ConfigPlan is the digest of the plan's samples (PlanDigest): a
	// resumed run must have the same plan.
	ConfigPlan = "plan"
	// ConfigInterrupted says where an interrupted run stopped
	// (Interruption.String); absent when the run finished.
	ConfigInterrupted = "interrupted"
	// ConfigResumed records that samples came from an earlier,
	// interrupted run.
	ConfigResumed = "resumed"
)

// PlanDigest identifies what a plan measures and in which order: a
// digest of its steps' phases, rounds and arms (not of their commands,
// which name a temporary work directory). Two runs with the same flags on
// the same datasets have the same digest.
func (p *Plan) PlanDigest() string {
	h := sha256.New()
	for _, s := range p.Steps {
		fmt.Fprintf(h, "%d\t%d\t%s\n", s.Phase, s.Round, s.Arm)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Resume is what an interrupted run left: its measurements and the step
// to continue at.
type Resume struct {
	Path         string
	Step         int
	Plan         string // the plan digest the file names
	Measurements []Measurement
}

// ReadResume reads the results file of an interrupted run (written by
// `aegisbench bench` with an "interrupted:" config line). A finished run's
// file, or one without a plan digest, is an error.
func ReadResume(path string) (*Resume, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := results.Records(f, path)
	if err != nil {
		return nil, err
	}
	r := &Resume{Path: path, Step: -1}
	for _, rec := range recs {
		if err := r.take(rec); err != nil {
			_, line := rec.Pos()
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
	if len(r.Measurements) == 0 {
		return nil, fmt.Errorf("%s holds no benchmark results: nothing to resume (run again without --resume)", path)
	}
	if r.Step < 0 {
		return nil, fmt.Errorf("%s: the run was not interrupted (no %q config line): nothing to resume", path, ConfigInterrupted)
	}
	return r, nil
}

// take records one result line and the resume state of its config.
func (r *Resume) take(rec *benchfmt.Result) error {
	pkg := ""
	for _, c := range rec.Config {
		v := string(c.Value)
		switch c.Key {
		case "pkg":
			pkg = v
		case ConfigPlan:
			r.Plan = v
		case ConfigInterrupted:
			k, _, _ := strings.Cut(strings.TrimPrefix(v, "step="), "/")
			n, err := strconv.Atoi(k)
			if err != nil {
				return fmt.Errorf("config %s: %q is not step=K/N", ConfigInterrupted, v)
			}
			r.Step = n
		}
	}
	res := &benchfmt.Result{Name: append(benchfmt.Name(nil), rec.Name...), Iters: rec.Iters, Values: append([]benchfmt.Value(nil), rec.Values...)}
	r.Measurements = append(r.Measurements, Measurement{Pkg: pkg, Result: res})
	return nil
}

// Check refuses to resume into a different plan.
func (r *Resume) Check(p *Plan) error {
	if got := p.PlanDigest(); r.Plan != got {
		return fmt.Errorf("%s was measured by another plan (digest %s, this one %s): resume with the same flags and datasets", r.Path, r.Plan, got)
	}
	if r.Step > len(p.Steps) {
		return fmt.Errorf("%s: step %d is past the plan's %d steps", r.Path, r.Step, len(p.Steps))
	}
	return nil
}
