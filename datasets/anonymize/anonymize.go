// Package anonymize rewrites a findings file with keyed, consistent
// pseudonyms (HMAC-SHA256 under a secret key) for everything that names a
// customer: finding ids, account ids and names, ARNs (their structure kept:
// partition, service, region and resource type stay, the account and the
// resource are pseudonyms), resource ids and names, VPC and subnet ids,
// roles, public IPs (IPv4 stays IPv4), URLs (scheme and host stay), tags,
// and free text (title, description, remediation text become keyed lorem
// ipsum of the same length). Within a file, equal values of a kind get
// equal pseudonyms and different values different ones (a collision fails
// loudly), and empty strings stay empty, so the attack graph survives:
// same edges, entries, targets and candidate paths. With KeepOrder the
// pseudonyms also keep the bytewise order of each kind, so the engine's
// output is identical up to renaming. Members that are none of the 56
// fields are dropped (they could hold anything).
package anonymize

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aegisbench/aegisbench/datasets/internal/findingsjson"
	"github.com/aegisbench/aegisbench/internal/interrupt"
)

// Options are the anonymizer's settings.
type Options struct {
	// Key is the secret HMAC key (required). The same key gives the same
	// pseudonyms, across files too (except under KeepOrder, whose ranks
	// depend on the file).
	Key []byte
	// KeepOrder makes pseudonyms keep the bytewise order of each kind's
	// values within the file (two passes over the input).
	KeepOrder bool
	// MaxFindingBytes caps one finding (0: 16 MiB).
	MaxFindingBytes int
	// Mapping, if set, receives "kind<TAB>original<TAB>pseudonym" lines
	// (Go-quoted): the key to re-identification. Keep it private.
	Mapping io.Writer
	// Context, when set, stops File when it ends (an interruption): the
	// temporary output is removed and nothing is written.
	Context context.Context

	tokenHex int // hex digits of wide tokens (0: 24); tests shrink it to force collisions
}

// Stats describes an anonymization.
type Stats struct {
	Findings int
	// Distinct counts the distinct values given a pseudonym, per kind.
	Distinct map[Kind]int
	// Texts counts the free-text values replaced.
	Texts int
	// DroppedMembers counts members that are none of the 56 fields.
	DroppedMembers int
}

// ErrNoKey is returned when Options.Key is empty.
var ErrNoKey = errors.New("anonymize: a key is required")

// File anonymizes the findings file in and writes the result to out
// through a temporary file and a rename: out is left untouched on any
// error.
func File(in, out string, opt Options) (Stats, error) {
	if len(opt.Key) == 0 {
		return Stats{}, ErrNoKey
	}
	if fi, err := os.Stat(out); err == nil && !fi.Mode().IsRegular() {
		return Stats{}, fmt.Errorf("%s: not a regular file", out)
	}
	a := newAnonymizer(opt)
	if opt.KeepOrder {
		if err := a.pass(in, nil); err != nil {
			return Stats{}, err
		}
		if err := a.p.assignOrdered(); err != nil {
			return Stats{}, fmt.Errorf("%s: %w", in, err)
		}
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".tmp-*")
	if err != nil {
		return Stats{}, err
	}
	tmp := f.Name()
	fail := func(err error) (Stats, error) {
		f.Close()
		os.Remove(tmp)
		return Stats{}, err
	}
	var w io.Writer = f
	if opt.Context != nil {
		w = interrupt.Writer(opt.Context, f)
	}
	if err := a.pass(in, w); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(fmt.Errorf("writing %s: %w", out, err))
	}
	if opt.Mapping != nil {
		var b bytes.Buffer
		a.p.writeMapping(&b)
		if _, err := opt.Mapping.Write(b.Bytes()); err != nil {
			os.Remove(tmp)
			return Stats{}, fmt.Errorf("writing the mapping: %w", err)
		}
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return Stats{}, fmt.Errorf("writing %s: %w", out, err)
	}
	return a.stats(), nil
}

// Stream anonymizes a findings document from r to w in one pass (no
// KeepOrder). On error, w may hold a partial document.
func Stream(r io.Reader, w io.Writer, opt Options) (Stats, error) {
	if len(opt.Key) == 0 {
		return Stats{}, ErrNoKey
	}
	if opt.KeepOrder {
		return Stats{}, errors.New("anonymize: KeepOrder needs two passes: use File")
	}
	a := newAnonymizer(opt)
	if err := a.run(r, w, "input"); err != nil {
		return Stats{}, err
	}
	if opt.Mapping != nil {
		var b bytes.Buffer
		a.p.writeMapping(&b)
		if _, err := opt.Mapping.Write(b.Bytes()); err != nil {
			return Stats{}, err
		}
	}
	return a.stats(), nil
}

type anonymizer struct {
	opt     Options
	p       *pseudonymizer
	parser  findingsjson.Parser
	out     []byte
	scratch []byte
	st      Stats
}

func newAnonymizer(opt Options) *anonymizer {
	if opt.MaxFindingBytes <= 0 {
		opt.MaxFindingBytes = findingsjson.DefaultMaxElementBytes
	}
	p := newPseudonymizer(opt.Key, opt.KeepOrder, opt.Mapping != nil)
	if opt.tokenHex > 0 {
		p.tokenHex = opt.tokenHex
	}
	return &anonymizer{opt: opt, p: p}
}

func (a *anonymizer) stats() Stats {
	st := a.st
	st.Distinct = map[Kind]int{}
	for k, t := range a.p.tables {
		if n := len(t.owner); n > 0 {
			st.Distinct[k] = n
		}
	}
	return st
}

// pass reads the file once: collecting values (w nil) or writing.
func (a *anonymizer) pass(path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return a.run(f, w, path)
}

// run streams the document; with w nil it only collects the values of
// the ordered kinds.
func (a *anonymizer) run(r io.Reader, w io.Writer, name string) error {
	rd := findingsjson.NewReader(r, a.opt.MaxFindingBytes)
	collect := w == nil
	a.st = Stats{}
	if !collect {
		if _, err := io.WriteString(w, "["); err != nil {
			return err
		}
	}
	n := 0
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if e.Oversize {
			return fmt.Errorf("%s: finding %d (byte %d): exceeds %d bytes (the per-finding cap)", name, e.Index, e.Offset, a.opt.MaxFindingBytes)
		}
		v, members, err := a.parser.Parse(e.Raw)
		if err != nil {
			return fmt.Errorf("%s: finding %d (byte %d): %w", name, e.Index, e.Offset, err)
		}
		if v.Kind != findingsjson.Object {
			return fmt.Errorf("%s: finding %d: not an object but %s", name, e.Index, v.Kind)
		}
		a.out = a.out[:0]
		if err := a.finding(members, collect); err != nil {
			return fmt.Errorf("%s: finding %d: %w", name, e.Index, err)
		}
		if !collect {
			sep := ",\n"
			if n == 0 {
				sep = "\n"
			}
			if _, err := io.WriteString(w, sep); err != nil {
				return err
			}
			if _, err := w.Write(a.out); err != nil {
				return err
			}
		}
		n++
	}
	a.st.Findings = n
	if collect {
		return nil
	}
	end := "\n]\n"
	if n == 0 {
		end = "]\n"
	}
	_, err := io.WriteString(w, end)
	return err
}
