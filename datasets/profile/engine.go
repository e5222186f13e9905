package profile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/aegisbench/aegisbench/engines"
)

// runEngine runs the engine on the whole file with top_k 1 (the counts do
// not depend on top_k, and one path per account keeps the output small)
// and reads the counts from its output document.
func runEngine(ctx context.Context, path string, p *Profile, opt Options) Engine {
	e := Engine{MaxDepth: opt.MaxDepth}
	if opt.Engine == nil {
		e.Skipped = "no engine given"
		return e
	}
	e.Name = opt.Engine.Name()
	switch {
	case p.Check.Fatal != "":
		e.Skipped = "the file is not a findings document (see the schema check)"
		return e
	case opt.EngineMaxBytes < 0:
		e.Skipped = "disabled"
		return e
	case p.File.Bytes > opt.EngineMaxBytes:
		e.Skipped = fmt.Sprintf("the file (%s) is larger than the engine limit (%s): the engine holds the whole file in memory (raise the limit with --engine-max-bytes)",
			humanBytes(p.File.Bytes), humanBytes(opt.EngineMaxBytes))
		return e
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		e.Skipped = "reading the file: " + err.Error()
		return e
	}
	out, err := opt.Engine.AttackPaths(ctx, raw, engines.Options{MaxDepth: opt.MaxDepth, TopK: 1})
	raw = nil
	var ee *engines.Error
	switch {
	case errors.As(err, &ee):
		e.Skipped = fmt.Sprintf("the %s engine rejects the file: %v", e.Name, ee)
		return e
	case err != nil:
		e.Skipped = fmt.Sprintf("the %s engine failed: %v", e.Name, err)
		return e
	}
	var doc struct {
		Totals   Counts          `json:"totals"`
		Accounts []AccountCounts `json:"accounts"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		e.Skipped = fmt.Sprintf("the %s engine's output is not an output document: %v", e.Name, err)
		return e
	}
	e.Computed = true
	e.Totals = doc.Totals
	if doc.Totals.Findings > 0 {
		e.EdgesPerFinding = float64(doc.Totals.Edges) / float64(doc.Totals.Findings)
	}
	cands := make([]int64, len(doc.Accounts))
	edges := make([]int64, len(doc.Accounts))
	for k, a := range doc.Accounts {
		cands[k], edges[k] = a.CandidatePaths, a.Edges
	}
	e.CandidatePathsPerAccount = distOf(cands)
	e.EdgesPerAccount = distOf(edges)
	sort.SliceStable(doc.Accounts, func(a, b int) bool { return doc.Accounts[a].Findings > doc.Accounts[b].Findings })
	e.Accounts = doc.Accounts[:min(10, len(doc.Accounts))]
	return e
}

// humanBytes formats a size with a binary unit.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
