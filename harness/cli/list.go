package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

func init() {
	registerCommand(command{
		name:    "list",
		summary: "list findings of a findings file (filters, paging; an id alone is GetFinding)",
		run:     runList,
	})
}

const listUsage = `--in FILE [--query JSON | --query-file FILE] [--engine NAME] [--out FILE]

Runs the list operation of engines/SPEC.md section 7: loads every finding with
its 56 fields, keeps those matching the query and writes one page of them in
ascending id order, {"schema":"aegis.findings.v1","total":N,"findings":[...]},
to --out (through a temporary file and a rename) or to stdout.

The query is a JSON object, every member optional:
  {"id":"", "aws_account_id":"", "min_severity":0, "workflow_status":[],
   "resource_type":"", "offset":0, "limit":100}
No query means the default: no filter, offset 0, limit 100.

Exit status: 0 when the page was written; 1 for bad input (a bad query is
invalid_options; the error document goes where the page would have gone and a
message naming the file, finding index and field goes to stderr), for an
unreadable file or an engine failure; 2 for a usage error. --out may not be
--in or --query-file; the input bounds are those of paths (--max-input,
--max-output, --timeout).`

func runList(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "list", listUsage)
	engineName := fs.String("engine", "go", "engine serving the list operation: "+strings.Join(engines.Names(), ", "))
	in := fs.String("in", "", "findings document to read (required)")
	query := fs.String("query", "", "query object, inline JSON")
	queryFile := fs.String("query-file", "", "file holding the query object")
	out := fs.String("out", "", "output file; stdout when empty or -")
	var lim cmdline.Limits
	lim.Register(fs, 10*time.Minute)
	rest, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return cmdline.UsageError("list: unexpected argument %q", rest[0])
	}
	if *in == "" {
		fs.Usage()
		return cmdline.UsageError("list: --in is required")
	}
	if cmdline.FlagGiven(fs, "query") && cmdline.FlagGiven(fs, "query-file") {
		return cmdline.UsageError("list: give --query or --query-file, not both")
	}
	if err := lim.Check("list"); err != nil {
		return err
	}
	ins := []safeio.File{{Flag: "--in", Path: *in}, {Flag: "--query-file", Path: *queryFile}}
	if err := cmdline.DistinctFiles("list", ins, []safeio.File{{Flag: "--out", Path: *out}}); err != nil {
		return err
	}
	eng, err := cmdline.OpenEngine("list", *engineName)
	if err != nil {
		return err
	}
	eng = lim.LimitEngine(eng)
	lister, ok := eng.(engines.Lister)
	if !ok {
		return cmdline.UsageError("list: engine %s does not serve the list operation", *engineName)
	}
	q := []byte(*query)
	if *queryFile != "" {
		if q, _, err = safeio.ReadDocument(*queryFile, lim.MaxInput); err != nil {
			return &cmdline.ExitError{Code: 1, Err: fmt.Errorf("list: cannot read the query: %w", err)}
		}
	}
	data, err := cmdline.ReadFindings(env, "list", *in, lim.MaxInput)
	if err != nil {
		return err
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	page, err := lister.List(ctx, data, q)
	if err != nil {
		return interrupted(cmdline.EngineFailure(env, "list", *engineName, *in, *out, err))
	}
	if err := cmdline.WriteDocument(env, *out, page); err != nil {
		return &cmdline.ExitError{Code: 1, Err: fmt.Errorf("list: writing the output: %w", err)}
	}
	return nil
}
