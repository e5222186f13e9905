package bench

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/conform"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

// OutputDigest is what the engines of a run answered on one dataset: each
// distinct answer once, with the engines that gave it. A results file
// records it as an "output-DATASET" config line, so that runs on other
// machines can be checked to compute the same documents (compare-platforms:
// the same code must give the same output on every platform).
type OutputDigest struct {
	Dataset string          // the dataset's name, e.g. "realistic-200-s1-g2"
	Options engines.Options // the options the engines ran with
	Answers []Answer        // in order of the first engine giving each
}

// Answer is one distinct answer: conform.Digest of the output document's
// RFC 8785 canonical form (or of an error's key document), and the labels
// of the engines that gave it.
type Answer struct {
	Digest  string
	Engines []string
}

// outputConfigPrefix starts the key of an OutputDigest config line.
const outputConfigPrefix = "output-"

// Config returns the "output-DATASET/d=MAXDEPTH/k=TOPK" config line: the
// answers separated by "; ", each "DIGEST engines=A,B".
func (o OutputDigest) Config() benchfmt.Config {
	parts := make([]string, len(o.Answers))
	for i, a := range o.Answers {
		parts[i] = a.Digest + " engines=" + strings.Join(a.Engines, ",")
	}
	key := fmt.Sprintf("%s%s/d=%d/k=%d", outputConfigPrefix, ConfigKey(o.Dataset), o.Options.MaxDepth, o.Options.TopK)
	return benchfmt.Config{Key: key, Value: []byte(strings.Join(parts, "; ")), File: true}
}

// Agree reports whether every engine gave the same answer.
func (o OutputDigest) Agree() bool { return len(o.Answers) == 1 }

// DigestOf returns the digest engine answered with ("" when it is not
// recorded).
func (o OutputDigest) DigestOf(engine string) string {
	for _, a := range o.Answers {
		if slices.Contains(a.Engines, engine) {
			return a.Digest
		}
	}
	return ""
}

// ParseOutputConfig reads an "output-DATASET" config line back; ok is
// false for other keys, err is set for a malformed value.
func ParseOutputConfig(key, value string) (o OutputDigest, ok bool, err error) {
	rest, ok := strings.CutPrefix(key, outputConfigPrefix)
	if !ok {
		return OutputDigest{}, false, nil
	}
	i := strings.Index(rest, "/d=")
	if i < 0 {
		return OutputDigest{}, true, fmt.Errorf("config %s: no /d=MAXDEPTH/k=TOPK after the dataset", key)
	}
	o.Dataset = rest[:i]
	if _, err := fmt.Sscanf(rest[i:], "/d=%d/k=%d", &o.Options.MaxDepth, &o.Options.TopK); err != nil {
		return OutputDigest{}, true, fmt.Errorf("config %s: options: %w", key, err)
	}
	for _, part := range strings.Split(value, "; ") {
		digest, list, found := strings.Cut(part, " engines=")
		if !found || !strings.HasPrefix(digest, "sha256:") || list == "" {
			return OutputDigest{}, true, fmt.Errorf("config %s: %q is not \"sha256:HEX engines=A,B\"", key, part)
		}
		o.Answers = append(o.Answers, Answer{Digest: digest, Engines: strings.Split(list, ",")})
	}
	return o, true, nil
}

// OutputDigests runs every engine of list (engine specs, as bench takes
// them) once on every dataset with opt, the way `paths --in` runs it
// (engines that read files stream them), and groups the engines by the
// digest of their answers. A built-in engine this build cannot open
// (rust-ffi without the rustffi tag) is left out; any other engine that
// does not open, or that fails instead of answering, is an error. An
// engine on bytes in memory is left out on datasets larger than maxInput.
func OutputDigests(ctx context.Context, list []string, datasets []Dataset, opt engines.Options, maxInput int64) ([]OutputDigest, error) {
	engs, err := openSpecs(list)
	if err != nil {
		return nil, err
	}
	read := func(path string) ([]byte, error) {
		data, _, err := safeio.ReadDocument(path, maxInput)
		return data, err
	}
	var out []OutputDigest
	for _, d := range datasets {
		fi, err := os.Stat(d.Path)
		if err != nil {
			return nil, fmt.Errorf("output digests: %w", err)
		}
		od := OutputDigest{Dataset: d.Name, Options: opt}
		for _, eng := range engs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if eng.Engine == nil {
				continue // a built-in engine this build cannot run
			}
			if _, streams := eng.Engine.(engines.FileEngine); !streams && fi.Size() > maxInput {
				continue // an engine on bytes in memory: not on a file this large
			}
			o := conform.ExecuteFile(ctx, eng.Engine, d.Path, opt, read)
			if o.Kind == conform.KindFailure {
				return nil, fmt.Errorf("output digests of %s: engine %s failed: %s", d.Path, eng.Spec.Label, o.Failure)
			}
			i := slices.IndexFunc(od.Answers, func(a Answer) bool { return a.Digest == o.Digest })
			if i < 0 {
				od.Answers = append(od.Answers, Answer{Digest: o.Digest})
				i = len(od.Answers) - 1
			}
			od.Answers[i].Engines = append(od.Answers[i].Engines, eng.Spec.Label)
		}
		if len(od.Answers) > 0 {
			out = append(out, od)
		}
	}
	return out, nil
}

// OutputConfigs are the "output-DATASET" config lines of a run of cfg:
// OutputDigests of its engines on its datasets with its options (the
// --max-depth and --top-k its processes are timed with).
func OutputConfigs(ctx context.Context, cfg Config) ([]benchfmt.Config, error) {
	opt := engines.Options{MaxDepth: cfg.MaxDepth, TopK: cfg.TopK}
	outs, err := OutputDigests(ctx, cfg.Engines, append(slices.Clone(cfg.Standard), cfg.Extra...), opt, safeio.DefaultLimit())
	if err != nil {
		return nil, err
	}
	configs := make([]benchfmt.Config, len(outs))
	for i, o := range outs {
		configs[i] = o.Config()
	}
	return configs, nil
}
