package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/aegisbench/aegisbench/datasets/anonymize"
	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/atomicfile"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

// This file holds the subcommands for a user's own dataset files:
// datasets profile, datasets compare and datasets anonymize.

const profileUsage = `FILE [--json OUT] [--md OUT] [flags]

Checks the 56 fields of every finding (engines/SPEC.md sections 1 and 6:
violations counted by field, the first ones listed with finding index and
value) and profiles the file's shape: findings, accounts and their skew,
group sizes of VPCs, roles and resources, the mixes of exposure,
classification, status, tactic and severity, the EPSS distribution, bytes
per finding, the engine's edges, entries, targets and candidate paths per
account, and the reachable-set size per entry. The file is streamed one
finding at a time (a finding larger than --max-finding-bytes is reported,
never buffered); the engine part needs the whole file in memory and is
skipped above --engine-max-bytes.

Markdown goes to stdout unless --json or --md names an output ("-" is
stdout). Exit status 1 when the file is not a valid findings document
(after writing the report).`

// profileFlags are the profiler's settings shared by profile and compare.
type profileFlags struct {
	maxDepth        int
	engine          string
	engineMaxBytes  int64
	maxFindingBytes int
}

func (f *profileFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.maxDepth, "max-depth", engines.DefaultMaxDepth, "max_depth of the engine run and of the reachable sets")
	fs.StringVar(&f.engine, "engine", "go", "engine computing edges, entries, targets and candidate paths (none: skip)")
	fs.Int64Var(&f.engineMaxBytes, "engine-max-bytes", profile.DefaultEngineMaxBytes, "run the engine only on files of at most this many bytes (it holds the whole file in memory)")
	fs.IntVar(&f.maxFindingBytes, "max-finding-bytes", profile.DefaultMaxFindingBytes, "cap on the bytes of one finding (a larger one is reported and skipped)")
}

func (f *profileFlags) options() (profile.Options, error) {
	if f.maxDepth < engines.MinMaxDepth || f.maxDepth > engines.MaxMaxDepth {
		return profile.Options{}, cmdline.UsageError("--max-depth must be in %d..%d, got %d", engines.MinMaxDepth, engines.MaxMaxDepth, f.maxDepth)
	}
	if f.maxFindingBytes <= 0 {
		return profile.Options{}, cmdline.UsageError("--max-finding-bytes must be > 0")
	}
	opt := profile.Options{MaxDepth: f.maxDepth, MaxFindingBytes: f.maxFindingBytes, EngineMaxBytes: f.engineMaxBytes}
	if f.engineMaxBytes <= 0 {
		opt.EngineMaxBytes = -1
	}
	if f.engine != "none" && f.engine != "" {
		e, err := engines.Open(f.engine)
		if err != nil {
			return profile.Options{}, cmdline.UsageError("--engine: %v", err)
		}
		opt.Engine = e
	}
	return opt, nil
}

func datasetsProfile(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "datasets profile", profileUsage)
	var pf profileFlags
	pf.register(fs)
	jsonOut := fs.String("json", "", "write the profile as JSON to this file (- for stdout)")
	mdOut := fs.String("md", "", "write the markdown report to this file (- for stdout; the default without --json)")
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmdline.UsageError("datasets profile: want one FILE, got %d arguments", len(pos))
	}
	if *jsonOut == "-" && *mdOut == "-" {
		return cmdline.UsageError("datasets profile: --json and --md cannot both be stdout")
	}
	if err := cmdline.DistinctFiles("datasets profile", []safeio.File{{Flag: "FILE", Path: pos[0]}},
		[]safeio.File{{Flag: "--json", Path: *jsonOut}, {Flag: "--md", Path: *mdOut}}); err != nil {
		return err
	}
	opt, err := pf.options()
	if err != nil {
		return err
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	p, err := profile.Run(ctx, pos[0], opt)
	if err != nil {
		return interrupted(fmt.Errorf("datasets profile: %w", err))
	}
	if *jsonOut == "" && *mdOut == "" {
		*mdOut = "-"
	}
	if *jsonOut != "" {
		if err := writeProfileOutput(env, *jsonOut, p.JSON()); err != nil {
			return err
		}
	}
	if *mdOut != "" {
		var b bytes.Buffer
		if err := p.WriteMarkdown(&b); err != nil {
			return err
		}
		if err := writeProfileOutput(env, *mdOut, b.Bytes()); err != nil {
			return err
		}
	}
	if !p.Check.Valid {
		problem := p.EngineProblem()
		if problem == "" {
			problem = fmt.Sprintf("%d violations in %d findings (see the schema check)", p.Check.Violations, p.Check.InvalidFindings)
		}
		return &cmdline.ExitError{Code: 1, Err: fmt.Errorf("%s: not a valid findings document: %s", pos[0], problem)}
	}
	return nil
}

// writeProfileOutput writes data to stdout ("-"), into a device or pipe,
// or to a file through a temporary file and a rename.
func writeProfileOutput(env cmdline.Env, path string, data []byte) error {
	if err := atomicfile.WriteOutput(env.Stdout, path, data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

const compareUsage = `A B [--threshold 0.10] [flags]

Shows two profiles side by side. A and B are profile JSON documents (from
datasets profile --json) or findings files (profiled on the fly). Cost
metrics (bytes per finding, group sizes, edges per finding, entries,
targets, candidate paths, reachable sets) that differ by more than the
threshold are flagged; those that grow with the number of findings only
when both files have about as many findings.`

func datasetsCompare(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "datasets compare", compareUsage)
	var pf profileFlags
	pf.register(fs)
	threshold := fs.Float64("threshold", profile.DefaultThreshold, "relative difference from which a cost metric is flagged")
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return cmdline.UsageError("datasets compare: want two files A B, got %d arguments", len(pos))
	}
	if *threshold <= 0 {
		return cmdline.UsageError("datasets compare: --threshold must be > 0")
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	ps, err := loadProfiles(ctx, pos, pf)
	if err != nil {
		return interrupted(fmt.Errorf("datasets compare: %w", err))
	}
	rows := profile.Compare(ps[0], ps[1], *threshold)
	return profile.WriteCompare(env.Stdout, ps[0], ps[1], rows, *threshold)
}

// loadProfiles reads or computes (profile.LoadOrRun) the profile of each
// path.
func loadProfiles(ctx context.Context, paths []string, pf profileFlags) ([]*profile.Profile, error) {
	opt, err := pf.options()
	if err != nil {
		return nil, err
	}
	ps := make([]*profile.Profile, len(paths))
	for k, path := range paths {
		if ps[k], err = profile.LoadOrRun(ctx, path, opt); err != nil {
			return nil, err
		}
	}
	return ps, nil
}

const anonymizeUsage = `FILE -o OUT (--key K | --key-file F) [--keep-order] [--mapping FILE]

Writes a copy of a findings file with keyed (HMAC-SHA256), consistent
pseudonyms for identifiers (ids, account ids and names, ARNs with their
structure kept, resource ids and names, VPC and subnet ids, roles, public
IPs, URLs, tags) and keyed lorem ipsum of the same length for free text,
so it can be shared or committed as a fixture. Equal values stay equal and
different ones different (a collision fails), so the engine finds the same
edges, entries, targets and candidate paths. --keep-order also keeps the
bytewise order of each kind of identifier, under which the engine's output
is identical up to renaming. Members that are none of the 56 fields are
dropped. OUT is written through a temporary file and a rename. --mapping
writes the re-identification table: keep it private.`

func datasetsAnonymize(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "datasets anonymize", anonymizeUsage)
	var out, key, keyFile, mapping string
	fs.StringVar(&out, "o", "", "output file (required)")
	fs.StringVar(&out, "out", "", "same as -o")
	fs.StringVar(&key, "key", "", "secret key of the pseudonyms (visible to other users of this machine; prefer --key-file)")
	fs.StringVar(&keyFile, "key-file", "", "file holding the secret key (trailing newline ignored)")
	keepOrder := fs.Bool("keep-order", false, "keep the bytewise order of each kind of identifier (two passes)")
	fs.StringVar(&mapping, "mapping", "", "write the kind/original/pseudonym table to this file (private!)")
	pos, err := parseFlagsAnywhere(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cmdline.UsageError("datasets anonymize: want one FILE, got %d arguments", len(pos))
	}
	if out == "" || out == "-" {
		return cmdline.UsageError("datasets anonymize: -o OUT is required (a file)")
	}
	if (key == "") == (keyFile == "") {
		return cmdline.UsageError("datasets anonymize: give exactly one of --key and --key-file")
	}
	if err := cmdline.DistinctFiles("datasets anonymize",
		[]safeio.File{{Flag: "FILE", Path: pos[0]}, {Flag: "--key-file", Path: keyFile}},
		[]safeio.File{{Flag: "-o", Path: out}, {Flag: "--mapping", Path: mapping}}); err != nil {
		return err
	}
	if keyFile != "" {
		raw, err := os.ReadFile(keyFile)
		if err != nil {
			return cmdline.UsageError("datasets anonymize: --key-file: %v", err)
		}
		key = strings.TrimRight(string(raw), "\r\n")
		if key == "" {
			return cmdline.UsageError("datasets anonymize: --key-file %s is empty", keyFile)
		}
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	opt := anonymize.Options{Key: []byte(key), KeepOrder: *keepOrder, Context: ctx}
	var mapBuf bytes.Buffer
	if mapping != "" {
		opt.Mapping = &mapBuf
	}
	st, err := anonymize.File(pos[0], out, opt)
	if err != nil {
		return interrupted(&cmdline.ExitError{Code: 1, Err: fmt.Errorf("datasets anonymize: %w", err)})
	}
	if mapping != "" {
		// Private from the start: the table re-identifies the data.
		if fi, err := os.Stat(mapping); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", mapping)
		}
		if err := atomicfile.WriteFilePerm(mapping, mapBuf.Bytes(), 0o600); err != nil {
			return fmt.Errorf("writing %s: %w", mapping, err)
		}
	}
	var kinds []string
	for _, k := range []anonymize.Kind{anonymize.KindID, anonymize.KindAccount, anonymize.KindResource, anonymize.KindRole, anonymize.KindVPC,
		anonymize.KindSubnet, anonymize.KindName, anonymize.KindIP, anonymize.KindURL, anonymize.KindTagValue} {
		if n := st.Distinct[k]; n > 0 {
			kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
		}
	}
	order := ""
	if *keepOrder {
		order = ", order kept"
	}
	fmt.Fprintf(env.Stderr, "wrote %s: %d findings%s; pseudonyms: %s; %d texts replaced; %d unknown members dropped\n",
		out, st.Findings, order, strings.Join(kinds, ", "), st.Texts, st.DroppedMembers)
	return nil
}
