package conform

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/aegisbench/aegisbench/engines"
)

// Runner runs cases on engines.
type Runner struct {
	// Engines take part in this order; the first is the reference.
	Engines []engines.Engine
	// Jobs bounds how many cases run at once (default GOMAXPROCS).
	// Engines must be safe for concurrent use.
	Jobs int
	// Timeout bounds one engine call (0: none).
	Timeout time.Duration
	Compare CompareOptions
	// Progress, when set, is called after each case with the number of
	// cases done; calls are serialized.
	Progress func(done, total int)
}

// EngineResult is one engine's outcome on a case, without the documents.
type EngineResult struct {
	Engine   string
	Kind     OutcomeKind
	Digest   string
	ErrorKey string
	Failure  string
	Elapsed  time.Duration
	// Bytes is the size of the raw document written.
	Bytes int
}

func summarize(o Outcome) EngineResult {
	return EngineResult{Engine: o.Engine, Kind: o.Kind, Digest: o.Digest, ErrorKey: o.ErrorKey(), Failure: o.Failure, Elapsed: o.Elapsed, Bytes: len(o.Raw)}
}

// CaseResult is the verdict on one case.
type CaseResult struct {
	Name        string
	Kind        CaseKind
	Options     engines.Options
	InputDigest string
	InputBytes  int
	// LoadError is set when the case's input could not be produced; the
	// case fails and no engine ran.
	LoadError string
	// Expected is a vector's expectation; nil for other cases.
	Expected *EngineResult
	// Engines holds each engine's outcome, in Runner.Engines order.
	Engines []EngineResult
	// Comparisons compare each candidate with the reference: for a vector,
	// every engine with the expectation; otherwise every engine after the
	// first with the first.
	Comparisons []Comparison
	Elapsed     time.Duration
	ReplayFlags []string
}

// Failed reports whether the case fails: its input could not be made, an
// engine failed, or some comparison diverges.
func (c CaseResult) Failed() bool {
	if c.LoadError != "" {
		return true
	}
	for _, e := range c.Engines {
		if e.Kind == KindFailure {
			return true
		}
	}
	return len(c.Divergences()) > 0
}

// Divergences returns the comparisons that fail the case.
func (c CaseResult) Divergences() []Comparison {
	var out []Comparison
	for _, cmp := range c.Comparisons {
		if cmp.Class.Divergent() {
			out = append(out, cmp)
		}
	}
	return out
}

// Infos returns the comparisons with a difference worth showing that does
// not fail the case (formatting).
func (c CaseResult) Infos() []Comparison {
	var out []Comparison
	for _, cmp := range c.Comparisons {
		if cmp.Class.Info() {
			out = append(out, cmp)
		}
	}
	return out
}

// Result is a whole run.
type Result struct {
	Cases []CaseResult
	Wall  time.Duration
	Jobs  int
	// Unfinished counts the cases not run (or cut short) because the run
	// was interrupted; Cases then holds only the finished ones.
	Unfinished int
}

// Run runs every case on every engine with a bounded pool of workers and
// returns the results in the order of cases. When ctx ends it stops
// early and returns the cases that finished before (Unfinished counts the
// others) together with ctx's error, so an interrupted run still reports
// what it measured.
func (r Runner) Run(ctx context.Context, cases []Case) (*Result, error) {
	if len(r.Engines) == 0 {
		return nil, fmt.Errorf("conform: no engines")
	}
	jobs := r.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	jobs = max(1, min(jobs, len(cases)))
	start := time.Now()
	results := make([]CaseResult, len(cases))
	finished := make([]bool, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = r.RunCase(ctx, cases[i])
				finished[i] = ctx.Err() == nil
				if r.Progress != nil {
					mu.Lock()
					done++
					r.Progress(done, len(cases))
					mu.Unlock()
				}
			}
		}()
	}
feed:
	for i := range cases {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	res := &Result{Wall: time.Since(start), Jobs: jobs}
	for i, ok := range finished {
		if ok {
			res.Cases = append(res.Cases, results[i])
		}
	}
	res.Unfinished = len(cases) - len(res.Cases)
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("conform: %w", err)
	}
	return res, nil
}

// RunCase runs one case on every engine, each getting its own copy of the
// same input bytes.
func (r Runner) RunCase(ctx context.Context, c Case) CaseResult {
	start := time.Now()
	res := CaseResult{Name: c.Name, Kind: c.Kind, Options: c.Options, ReplayFlags: c.ReplayFlags}
	defer func() { res.Elapsed = time.Since(start) }()
	input, err := c.Load()
	if err != nil {
		res.LoadError = err.Error()
		return res
	}
	res.InputDigest, res.InputBytes = Digest(input), len(input)
	outcomes := r.Outcomes(ctx, input, c.Options)
	for _, o := range outcomes {
		res.Engines = append(res.Engines, summarize(o))
	}
	if c.Expected != nil {
		exp := summarize(*c.Expected)
		res.Expected = &exp
		for _, o := range outcomes {
			res.Comparisons = append(res.Comparisons, Compare(*c.Expected, o, r.Compare))
		}
		return res
	}
	for _, o := range outcomes[1:] {
		res.Comparisons = append(res.Comparisons, Compare(outcomes[0], o, r.Compare))
	}
	return res
}

// Outcomes runs every engine on input, in order.
func (r Runner) Outcomes(ctx context.Context, input []byte, opt engines.Options) []Outcome {
	out := make([]Outcome, len(r.Engines))
	for i, e := range r.Engines {
		ectx, cancel := ctx, context.CancelFunc(func() {})
		if r.Timeout > 0 {
			ectx, cancel = context.WithTimeout(ctx, r.Timeout)
		}
		out[i] = Execute(ectx, e, bytes.Clone(input), opt)
		cancel()
	}
	return out
}

// ShrinkReport says what shrinking one failing case gave.
type ShrinkReport struct {
	Case       string
	Reference  string
	Candidate  string
	Class      Class
	Result     ShrinkResult
	Comparison Comparison
	// Dir is the regression vector written ("" when none was).
	Dir string
	// Err says why the case could not be shrunk or written.
	Err error
}

// Shrunk reports whether the shrink has a result to show: it succeeded,
// or it stopped on an error after making the input smaller. A shrink that
// stopped before removing anything (the budget ran out on the first test)
// has none: it is reported as not shrunk, never as "0 findings".
func (s ShrinkReport) Shrunk() bool {
	return s.Err == nil || (s.Result.Tests > 0 && s.Result.Findings < s.Result.OriginalFindings)
}

// ShrinkCase shrinks the first divergence of a failing case that lies
// between two engines (for a vector diverging from its expectation: between
// the reference engine and the diverging one, when those two differ), and
// writes the shrunk input as a regression vector under dir (not written
// when dir is ""). replay is recorded in the vector's README.
func (r Runner) ShrinkCase(ctx context.Context, c Case, res CaseResult, opt ShrinkOptions, dir, replay string) ShrinkReport {
	rep := ShrinkReport{Case: c.Name}
	if opt.Budget > 0 { // every engine call below, not only the shrink's, within the budget
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Budget)
		defer cancel()
	}
	input, err := c.Load()
	if err != nil {
		rep.Err = err
		return rep
	}
	byName := map[string]engines.Engine{}
	for _, e := range r.Engines {
		byName[e.Name()] = e
	}
	var ref, cand engines.Engine
	var want Class
	for _, d := range res.Divergences() {
		a, b := byName[d.Reference], byName[d.Candidate]
		if a != nil && b != nil {
			ref, cand, want = a, b, d.Class // Shrink confirms it first
			break
		}
		if d.Reference != ExpectedEngine || b == nil || b.Name() == r.Engines[0].Name() {
			continue
		}
		// A vector: shrink between the reference engine and this one, if
		// they differ on the vector's input too.
		a = r.Engines[0]
		cmp := Compare(Execute(ctx, a, bytes.Clone(input), c.Options), Execute(ctx, b, bytes.Clone(input), c.Options), r.Compare)
		if cmp.Class.Divergent() {
			ref, cand, want = a, b, cmp.Class
			break
		}
	}
	if ref == nil {
		rep.Err = ErrNoShrinkTarget
		return rep
	}
	rep.Reference, rep.Candidate, rep.Class = ref.Name(), cand.Name(), want
	sr, err := Shrink(ctx, input, SameFailure(ref, cand, c.Options, want, r.Compare), opt)
	rep.Result = sr
	if err != nil {
		rep.Err = err
		return rep
	}
	refOut := Execute(ctx, ref, bytes.Clone(sr.Input), c.Options)
	candOut := Execute(ctx, cand, bytes.Clone(sr.Input), c.Options)
	if ctx.Err() != nil {
		rep.Err = fmt.Errorf("the shrink budget ran out before the shrunk input was run again: %w", ctx.Err())
		return rep
	}
	rep.Comparison = Compare(refOut, candOut, r.Compare)
	if dir == "" {
		return rep
	}
	rep.Dir, rep.Err = WriteRegression(dir, Regression{
		Case: c.Name, Options: c.Options, Shrink: sr,
		Reference: refOut, Candidate: candOut, Comparison: rep.Comparison, Replay: replay,
	})
	return rep
}
