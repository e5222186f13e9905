package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/aegisbench/aegisbench/datasets"
	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/harness/cmdline"
	"github.com/aegisbench/aegisbench/internal/argval"
)

func init() {
	registerCommand(command{
		name:    "datasets",
		summary: "datasets: list, ensure, verify, update-manifest; profile, compare and anonymize your own files",
		run:     runDatasets,
	})
}

const datasetsUsage = `list|ensure|verify|update-manifest|settle|profile|compare|ladder|anonymize [flags]

  list             the manifest's datasets and whether each is cached
  ensure           generate missing (or stale) datasets into the cache and verify their sha256
  verify           re-hash cached datasets: OK, MISMATCH or MISSING each; exit 1 on a mismatch
  update-manifest  regenerate the standard ladder and rewrite the manifest's sizes and digests
                   (only when the generator changed on purpose)
  settle FILE...   put files into the page cache as a read from disk leaves them (bench runs it
                   before each dataset's whole-process runs, so that those measure one cache state)
  profile FILE     schema check of the 56 fields and shape profile (markdown; --json for machines)
  compare A B      two profiles (or dataset files) side by side, cost differences flagged
  ladder P1 P2 ... size-invariant figures across sizes, each within a tolerance of the first
  anonymize FILE   keyed pseudonyms for identifiers and free text (-o OUT --key K [--keep-order])

The cache is $AEGISBENCH_CACHE, else datasets/cache/ (git-ignored); --cache overrides both.
aegisbench datasets SUBCOMMAND --help lists a subcommand's flags.`

type datasetsFlags struct {
	manifest, cache, names string
	maxFindings            int
	version                int // update-manifest: the generator version to regenerate and select
}

func runDatasets(env cmdline.Env, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintf(env.Stdout, "Usage: aegisbench datasets %s\n", datasetsUsage)
			return nil
		}
		fmt.Fprintf(env.Stderr, "Usage: aegisbench datasets %s\n", datasetsUsage)
		return cmdline.UsageError("datasets: missing subcommand (list, ensure, verify, update-manifest, settle, profile, compare, ladder or anonymize)")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "profile":
		return datasetsProfile(env, args)
	case "compare":
		return datasetsCompare(env, args)
	case "ladder":
		return datasetsLadder(env, args)
	case "anonymize":
		return datasetsAnonymize(env, args)
	case "settle":
		return datasetsSettle(env, args)
	}
	fs := cmdline.NewFlagSet(env, "datasets "+sub, "[flags]")
	var f datasetsFlags
	fs.StringVar(&f.manifest, "manifest", "", "manifest file (default <repo>/datasets/manifest.json)")
	fs.StringVar(&f.cache, "cache", "", "cache directory (default $AEGISBENCH_CACHE or <repo>/datasets/cache)")
	if sub == "ensure" || sub == "verify" || sub == "list" {
		fs.IntVar(&f.maxFindings, "max-findings", 0, "only datasets of at most N findings (0: no limit)")
		fs.StringVar(&f.names, "names", "", "only these datasets (comma-separated names)")
	}
	if sub == "update-manifest" {
		fs.IntVar(&f.version, "generator-version", generators.DefaultVersion, "generator version whose ladder is regenerated and selected (other versions' entries are kept)")
	}
	switch sub {
	case "list", "ensure", "verify", "update-manifest":
	default:
		return cmdline.UsageError("datasets: unknown subcommand %q (want list, ensure, verify, update-manifest, settle, profile, compare, ladder or anonymize)", sub)
	}
	rest, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return cmdline.UsageError("datasets %s: unexpected argument %q", sub, rest[0])
	}
	if f.maxFindings < 0 {
		return cmdline.UsageError("datasets %s: --max-findings must be >= 0, got %d", sub, f.maxFindings)
	}
	if sub == "update-manifest" && (f.version < generators.MinVersion || f.version > generators.LatestVersion) {
		return cmdline.UsageError("datasets update-manifest: --generator-version must be %d..%d, got %d", generators.MinVersion, generators.LatestVersion, f.version)
	}
	if f.manifest == "" {
		if f.manifest, err = datasets.DefaultManifestPath(); err != nil {
			return err
		}
	}
	if f.cache == "" {
		if f.cache, err = datasets.CacheDir(); err != nil {
			return err
		}
	}
	if sub == "update-manifest" {
		return datasetsUpdateManifest(env, f)
	}
	m, err := datasets.LoadManifest(f.manifest)
	if err != nil {
		return err
	}
	entries, err := m.Select(argval.List(f.names), f.maxFindings)
	if err != nil {
		return cmdline.UsageError("datasets: --names: %v", err)
	}
	switch sub {
	case "list":
		return datasetsList(env, entries, f.cache)
	case "ensure":
		return datasetsEnsure(env, entries, f.cache)
	}
	return datasetsVerify(env, entries, f.cache)
}

// datasetsSettle settles each FILE (datasets.Settle).
func datasetsSettle(env cmdline.Env, args []string) error {
	fs := cmdline.NewFlagSet(env, "datasets settle", "FILE...")
	files, err := cmdline.ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return cmdline.UsageError("datasets settle: want at least one FILE")
	}
	for _, f := range files {
		if err := datasets.Settle(f); err != nil {
			return fmt.Errorf("datasets settle: %w", err)
		}
	}
	return nil
}

func datasetsList(env cmdline.Env, entries []datasets.Entry, cache string) error {
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSHAPE\tFINDINGS\tSEED\tBYTES\tSHA256\tCACHED")
	for _, e := range entries {
		cached := "no"
		if dsFileExists(filepath.Join(cache, e.FileName())) {
			cached = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%s\t%s\n", e.Name, e.Shape, e.Findings, e.Seed, e.Bytes, e.SHA256[:12], cached)
	}
	return tw.Flush()
}

func datasetsEnsure(env cmdline.Env, entries []datasets.Entry, cache string) error {
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	return interrupted(datasets.EnsureAll(ctx, env.Stdout, entries, cache, datasetProgress(env)))
}

// datasetProgress draws a progress bar of a dataset being generated on a
// terminal.
func datasetProgress(env cmdline.Env) func(datasets.Entry) func(int) {
	return func(e datasets.Entry) func(int) { return findingsProgressBar(env, e.Findings, e.Name, false) }
}

func datasetsVerify(env cmdline.Env, entries []datasets.Entry, cache string) error {
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	mismatches := 0
	for _, e := range entries {
		st, err := datasets.VerifyContext(ctx, e, cache)
		if err != nil {
			return interrupted(err)
		}
		if st == datasets.StatusMismatch {
			mismatches++
		}
		fmt.Fprintf(env.Stdout, "%-8s %s\n", st, e.Name)
	}
	if mismatches > 0 {
		return &cmdline.ExitError{Code: 1, Err: fmt.Errorf("datasets verify: %d dataset(s) do not match the manifest (delete them and run `aegisbench datasets ensure`)", mismatches)}
	}
	return nil
}

func datasetsUpdateManifest(env cmdline.Env, f datasetsFlags) error {
	var last string
	old, err := datasets.LoadManifest(f.manifest)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	ctx, interrupted, stop := cmdline.Interruptible()
	defer stop()
	m, err := datasets.UpdateManifest(ctx, datasets.StandardLadder(f.version), f.version, f.cache, func(e datasets.Entry, done int) {
		if e.Name != last {
			last = e.Name
			fmt.Fprintf(env.Stderr, "generating %s\n", e.Name)
		}
	})
	if err != nil {
		return interrupted(err)
	}
	m.KeepOthers(old)
	if err := m.Save(f.manifest); err != nil {
		return err
	}
	for _, e := range m.Datasets {
		fmt.Fprintf(env.Stdout, "%s  %d bytes  sha256 %s\n", e.Name, e.Bytes, e.SHA256)
	}
	fmt.Fprintf(env.Stdout, "wrote %s\n", f.manifest)
	return nil
}

// dsFileExists reports whether path names an existing regular file.
func dsFileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
