package engines

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// BenchEngineEnv names the environment variable that selects the engine
// of enginetest's benchmarks (BenchmarkPipeline, BenchmarkFFI): a Spec's
// text (String); its label names it in the results (engine=LABEL).
// aegisbench bench sets it.
const BenchEngineEnv = "AEGISBENCH_BENCH_ENGINE"

// Spec is an engine as a user names it on a command line: a registered
// name ("go", "rust-ffi"), or a kind with an argument ("exec:COMMAND",
// "ffi:PATH"), optionally preceded by a label ("base=ffi:a/libaegispath.so").
// Every command parses --engine and --engines with ParseSpec or ParseSpecs.
type Spec struct {
	// Text is the engine as given, without the label: what Open opens and
	// what reports show.
	Text string
	// Kind is the registry key: the text before the first ':' ("exec",
	// "ffi"), or the whole name.
	Kind string
	// Arg is the text after the first ':' ("" for plain names).
	Arg string
	// Label names the engine inside benchmark names (engine=LABEL): the
	// label given, else Text made name-safe (see Label).
	Label string
	// Labelled reports whether the user gave the label.
	Labelled bool
}

// labelRE is what a label may hold: it becomes part of benchmark names and
// results-file config keys.
var labelRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// unsafeLabel matches what Label replaces in a derived label.
var unsafeLabel = regexp.MustCompile(`[^a-z0-9._-]+`)

// ParseSpec parses one engine: NAME, KIND:ARG, or LABEL=NAME and
// LABEL=KIND:ARG. A label is lower-case letters, digits, '.', '_' and '-';
// text whose part before '=' holds a ':' or white space has no label
// (exec:prog --flag=x). ParseSpec does not check that the kind is
// registered: Open does.
func ParseSpec(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	var sp Spec
	if before, after, ok := strings.Cut(s, "="); ok && !strings.ContainsAny(before, ": \t") {
		if !labelRE.MatchString(before) {
			return Spec{}, fmt.Errorf("engine %q: label %q must be lower-case letters, digits, '.', '_' or '-'", s, before)
		}
		sp.Label, sp.Labelled, s = before, true, after
	}
	if s == "" {
		return Spec{}, errors.New("empty engine name")
	}
	sp.Text, sp.Kind = s, s
	if kind, arg, ok := strings.Cut(s, ":"); ok {
		sp.Kind, sp.Arg = kind, arg
	}
	if !sp.Labelled {
		sp.Label = DeriveLabel(sp.Text)
	}
	return sp, nil
}

// DeriveLabel makes an engine's text usable as a label: lower case, each
// run of other characters than letters, digits, '.', '_' and '-' becomes
// one '_' (trimmed at the ends), and "KIND:" becomes "KIND-"
// ("ffi:/b/libaegispath.so" is "ffi-b_libaegispath.so").
func DeriveLabel(text string) string {
	text = strings.ToLower(text)
	kind, arg, ok := strings.Cut(text, ":")
	if !ok {
		return strings.Trim(unsafeLabel.ReplaceAllString(text, "_"), "_")
	}
	return kind + "-" + strings.Trim(unsafeLabel.ReplaceAllString(arg, "_"), "_")
}

// ParseSpecs parses a comma-separated list of engines. Two engines with
// the same label are an error (name them LABEL=ENGINE).
func ParseSpecs(list string) ([]Spec, error) {
	var out []Spec
	seen := map[string]string{}
	for _, item := range strings.Split(list, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		sp, err := ParseSpec(item)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[sp.Label]; dup {
			return nil, fmt.Errorf("engines %q and %q have the same label %q: name them LABEL=ENGINE", prev, sp.Text, sp.Label)
		}
		seen[sp.Label] = sp.Text
		out = append(out, sp)
	}
	if len(out) == 0 {
		return nil, errors.New("no engines given")
	}
	return out, nil
}

// String returns the spec as it parses back: LABEL=TEXT when labelled.
func (s Spec) String() string {
	if s.Labelled {
		return s.Label + "=" + s.Text
	}
	return s.Text
}

// Versioner is implemented by engines that know their version (the
// version call of a shared library, a process's --version).
type Versioner interface {
	Version() string
}

// VersionOf returns e's version string, or "" when it has none.
func VersionOf(e Engine) string {
	if v, ok := e.(Versioner); ok {
		return v.Version()
	}
	return ""
}
