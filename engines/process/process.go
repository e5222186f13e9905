// Package process runs an attack-path engine as a separate program that
// follows the process contract of engines/SPEC.md:
//
//	COMMAND --in FILE --max-depth N --top-k K
//
// reads the findings document from FILE and either writes the output
// document to stdout and exits 0, or writes the error document to stdout (a
// message for people on stderr) and exits 1. Any other outcome (another
// exit status, a signal, an exit 1 whose stdout is not an error document,
// the context ending) is a failure of the engine, reported with the tail of
// its stderr.
//
// The package registers the engine "exec": "exec:COMMAND" runs COMMAND,
// split into program and arguments with strings.Fields (white space only:
// no quoting, no shell expansion, so paths holding spaces cannot be named).
// Other packages build engines on the same contract with New, or with
// NewLister when the program also serves the list operation as
//
//	COMMAND list --in FILE --query QUERY
//
// (QUERY: the query object's JSON text as one argument), which rust-cli
// does.
//
// Errors say what the program did, not the engine's name: whoever chose the
// engine (a command, the conformance run) names it once.
package process

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/procgroup"
	"github.com/aegisbench/aegisbench/internal/safeio"
)

// stderrTail is how many trailing bytes of an engine's stderr an error
// quotes.
const stderrTail = 2048

func init() {
	engines.Register("exec",
		"any program following the process contract: exec:COMMAND runs COMMAND --in FILE --max-depth N --top-k K (COMMAND split on white space)",
		open, nil)
}

// open is the factory of "exec:COMMAND".
func open(arg string) (engines.Engine, error) {
	argv := strings.Fields(arg)
	if len(argv) == 0 {
		return nil, errors.New("needs a command: exec:COMMAND")
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		return nil, err
	}
	return New("exec:"+arg, argv), nil
}

// New returns an engine called name that runs argv (program first, then
// any fixed arguments) with the contract's flags appended. The input is
// written to a temporary file, removed when the call returns. The program
// runs in a process group of its own, killed whole when the call's
// context ends or its output passes the limit (safeio.DefaultOutputLimit
// of the input, or WithMaxOutput's).
func New(name string, argv []string) engines.Engine {
	return &engine{name: name, argv: slices.Clone(argv)}
}

// NewLister is New for a program that also serves the list operation:
// the engine implements engines.Lister by running
// COMMAND list --in FILE --query QUERY.
func NewLister(name string, argv []string) engines.Engine {
	return &listEngine{engine{name: name, argv: slices.Clone(argv)}}
}

// OutputLimiter is implemented by the engines of this package: the copy
// it returns fails a call whose stdout passes n bytes ("output exceeds n
// bytes", an engine failure) and kills the program; n 0 is the default,
// safeio.DefaultOutputLimit of the input's size.
type OutputLimiter interface {
	WithMaxOutput(n int64) engines.Engine
}

type engine struct {
	name      string
	argv      []string
	maxOutput int64 // 0: safeio.DefaultOutputLimit of the input
}

type listEngine struct{ engine }

// WithMaxOutput returns a copy of e with output limit n.
func (e *engine) WithMaxOutput(n int64) engines.Engine {
	c := *e
	c.maxOutput = n
	return &c
}

// WithMaxOutput returns a copy of e with output limit n.
func (e *listEngine) WithMaxOutput(n int64) engines.Engine {
	c := *e
	c.maxOutput = n
	return &c
}

// Name returns the name the engine was created with.
func (e *engine) Name() string { return e.name }

// AttackPaths runs the program once on findings. The options are passed
// unchecked; out-of-range values are the program's invalid_options error.
func (e *engine) AttackPaths(ctx context.Context, findings []byte, opt engines.Options) ([]byte, error) {
	if len(e.argv) == 0 {
		return nil, errors.New("no command to run")
	}
	in, err := writeTemp(findings)
	if err != nil {
		return nil, err
	}
	defer os.Remove(in)
	return e.AttackPathsFile(ctx, in, opt)
}

// AttackPathsFile runs the program once on the findings file at path
// itself (engines.FileEngine): no copy.
func (e *engine) AttackPathsFile(ctx context.Context, path string, opt engines.Options) ([]byte, error) {
	if len(e.argv) == 0 {
		return nil, errors.New("no command to run")
	}
	start := time.Now()
	defer func() { engines.TimingsFrom(ctx).Since(engines.StageEngine, start) }()
	args := append(slices.Clone(e.argv[1:]),
		"--in", path,
		"--max-depth", strconv.Itoa(opt.MaxDepth),
		"--top-k", strconv.Itoa(opt.TopK))
	size := 0 // the default output limit grows with the input
	if fi, err := os.Stat(path); err == nil {
		size = int(fi.Size())
	}
	return e.run(ctx, args, engines.SchemaAttackPaths, size)
}

// List runs the program's list operation on findings with the query
// object's bytes as the --query argument.
func (e *listEngine) List(ctx context.Context, findings []byte, query []byte) ([]byte, error) {
	if len(e.argv) == 0 {
		return nil, errors.New("no command to run")
	}
	in, err := writeTemp(findings)
	if err != nil {
		return nil, err
	}
	defer os.Remove(in)
	args := append(slices.Clone(e.argv[1:]), "list", "--in", in, "--query", string(query))
	return e.run(ctx, args, engines.SchemaFindings, len(findings))
}

// run executes the program with args and maps its outcome to the Engine
// results: exactly one document of schema want with exit 0, or exactly one
// error document with exit 1; anything else (another exit, an error
// document with exit 0, bytes after the document, output over the limit,
// the context ending) is the engine's failure.
func (e *engine) run(ctx context.Context, args []string, want string, inputSize int) ([]byte, error) {
	cmd := exec.CommandContext(ctx, e.argv[0], args...)
	procgroup.Fence(cmd)
	limit := e.maxOutput
	if limit <= 0 {
		limit = safeio.DefaultOutputLimit(inputSize)
	}
	stdout := &safeio.LimitedBuffer{Name: e.argv[0] + "'s stdout", Limit: limit, OnOverflow: func() { _ = procgroup.Kill(cmd) }}
	stderr := &tailBuffer{limit: stderrTail}
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	err := cmd.Run()
	_ = procgroup.Kill(cmd) // what the program left running in its group
	if lerr := stdout.Err(); lerr != nil {
		return nil, fmt.Errorf("%w%s", lerr, stderr.suffix())
	}
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("%w (%v)%s", ctx.Err(), err, stderr.suffix())
	}
	out := stdout.Bytes()
	if err == nil {
		if len(out) == 0 {
			return nil, fmt.Errorf("%s exited 0 with nothing on stdout%s", e.argv[0], stderr.suffix())
		}
		if err := checkDocument(out, want); err != nil {
			return nil, fmt.Errorf("%s exited 0 but %w%s", e.argv[0], err, stderr.suffix())
		}
		return out, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) && exitErr.ExitCode() == 1 {
		doc, perr := engines.ParseErrorDoc(out)
		if perr != nil {
			return nil, fmt.Errorf("%s exited 1 without an error document on stdout: %w%s", e.argv[0], perr, stderr.suffix())
		}
		return nil, doc
	}
	return nil, fmt.Errorf("%s: %w%s", e.argv[0], err, stderr.suffix())
}

// checkDocument reports whether out is exactly one JSON document whose
// "schema" member is want.
func checkDocument(out []byte, want string) error {
	if !json.Valid(out) {
		return fmt.Errorf("its stdout is not exactly one JSON document: %.100q", out)
	}
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(out, &head); err != nil || head.Schema != want {
		if head.Schema == engines.SchemaError {
			return fmt.Errorf("wrote an error document (exit 0 must come with the output document, an error document with exit 1): %.200s", out)
		}
		return fmt.Errorf("its stdout is not a document of schema %q: %.100q", want, out)
	}
	return nil
}

// writeTemp writes b to a new temporary file and returns its path.
func writeTemp(b []byte) (string, error) {
	f, err := os.CreateTemp("", "aegisbench-in-*.json")
	if err != nil {
		return "", fmt.Errorf("writing the input file: %w", err)
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("writing the input file %s: %w", f.Name(), err)
	}
	return f.Name(), nil
}

// tailBuffer keeps the last limit bytes written to it.
type tailBuffer struct {
	limit     int
	buf       []byte
	truncated bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.limit {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.limit:]...)
		t.truncated = true
	}
	return len(p), nil
}

// suffix formats the kept stderr for an error message: "" when there was
// none.
func (t *tailBuffer) suffix() string {
	b := t.buf
	if len(b) > t.limit {
		b = b[len(b)-t.limit:]
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	if t.truncated || len(t.buf) > t.limit {
		s = "..." + s
	}
	return "; stderr: " + s
}
