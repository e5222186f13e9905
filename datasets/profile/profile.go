// Package profile describes a findings file: a schema check of the 56
// fields (engines/SPEC.md sections 1 and 6; violations counted by field,
// the first ones listed with finding index and value) and a shape profile
// (findings, accounts and their skew, group sizes of VPCs, roles and
// resources, the mixes of exposure, classification, status, tactic and
// severity, the EPSS distribution, bytes per finding), with the Go engine's
// counts (edges, entries, targets, candidate paths per account) and the
// reachable-set size per entry. The file is streamed one finding at a time
// with a per-finding size cap, so a malformed or huge file gets a clear
// report, never an out-of-memory kill. Profiles are written as markdown for
// people and JSON for machines, compared side by side (Compare), and turned
// into generator parameters (Fit) for `aegisbench generate --like`.
package profile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aegisbench/aegisbench/datasets/internal/findingsjson"
	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/interrupt"
	"github.com/aegisbench/aegisbench/internal/safeio"
	"github.com/aegisbench/aegisbench/internal/schema"
)

// Schema identifies the profile JSON document.
const Schema = "aegisbench.profile.v1"

// Defaults of Options.
const (
	DefaultMaxFindingBytes = findingsjson.DefaultMaxElementBytes
	DefaultEngineMaxBytes  = 1 << 30
	DefaultMaxReachEntries = 20000
	DefaultMaxReachVisits  = 200_000_000
	DefaultMaxDistinct     = 20_000_000
	// MaxExamples is the number of example violations kept per field.
	MaxExamples = 3
)

// Options are the profiler's settings; the zero value means the defaults.
type Options struct {
	// MaxFindingBytes caps the bytes of one finding: a larger finding is
	// reported ("finding 3: exceeds 16 MiB") and skipped, never buffered.
	MaxFindingBytes int
	// MaxDepth is the max_depth of the engine run and of the reachable
	// sets (default 4, the engine's default).
	MaxDepth int
	// Engine computes edges, entries, targets and candidate paths; nil
	// skips that part.
	Engine engines.Engine
	// EngineMaxBytes: the engine reads the whole file into memory, so it
	// only runs on files of at most this many bytes (0: 1 GiB; < 0: never).
	EngineMaxBytes int64
	// MaxReachEntries bounds the entries whose reachable set is walked; with
	// more entries an evenly spaced sample is walked (0: 20000).
	MaxReachEntries int
	// MaxReachVisits bounds the nodes visited by all those walks together
	// (0: 200 million).
	MaxReachVisits int64
	// MaxDistinct bounds each table of distinct values (ids, accounts,
	// groups); past it the table stops growing and is marked truncated.
	MaxDistinct int
}

func (o Options) withDefaults() Options {
	if o.MaxFindingBytes <= 0 {
		o.MaxFindingBytes = DefaultMaxFindingBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = engines.DefaultMaxDepth
	}
	if o.EngineMaxBytes == 0 {
		o.EngineMaxBytes = DefaultEngineMaxBytes
	}
	if o.MaxReachEntries <= 0 {
		o.MaxReachEntries = DefaultMaxReachEntries
	}
	if o.MaxReachVisits <= 0 {
		o.MaxReachVisits = DefaultMaxReachVisits
	}
	if o.MaxDistinct <= 0 {
		o.MaxDistinct = DefaultMaxDistinct
	}
	return o
}

// Profile is the description of one findings file.
type Profile struct {
	Schema   string `json:"schema"`
	File     File   `json:"file"`
	Findings int    `json:"findings"`
	// BytesPerFinding is the file size over the number of findings.
	BytesPerFinding float64   `json:"bytes_per_finding"`
	FindingBytes    Dist      `json:"finding_bytes"`
	Check           Check     `json:"schema_check"`
	Accounts        Accounts  `json:"accounts"`
	Groups          Groups    `json:"groups"`
	Mixes           Mixes     `json:"mixes"`
	EPSS            Dist      `json:"epss_e5"`
	Severity        Dist      `json:"severity_normalized"`
	Engine          Engine    `json:"engine"`
	Reach           Reach     `json:"reachable"`
	Options         RunParams `json:"options"`
	// Notes say where the profile is partial (tables past
	// Options.MaxDistinct).
	Notes []string `json:"notes,omitempty"`
}

// File identifies the profiled file.
type File struct {
	Path   string `json:"path"`
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// RunParams records the settings a profile was made with.
type RunParams struct {
	MaxDepth        int   `json:"max_depth"`
	MaxFindingBytes int   `json:"max_finding_bytes"`
	EngineMaxBytes  int64 `json:"engine_max_bytes"`
}

// Check is the schema check.
type Check struct {
	// Valid reports a findings document the engines and the list operation
	// accept: read to the end, every finding an object with the 56 fields
	// once each, of their types, the engine fields in their domains, ids
	// unique. Convention violations do not make a file invalid.
	Valid bool `json:"valid"`
	// Fatal is why the file could not be read to the end (not JSON, a
	// truncated document...); the profile then covers the findings before.
	Fatal string `json:"fatal,omitempty"`
	// Violations counts the (finding, field) pairs breaking a document,
	// type or domain rule; ConventionViolations those breaking a
	// convention only.
	Violations           int          `json:"violations"`
	ConventionViolations int          `json:"convention_violations"`
	InvalidFindings      int          `json:"invalid_findings"`
	Fields               []FieldCheck `json:"fields,omitempty"`
	// UnknownMembers counts members that are none of the 56 fields (ignored
	// by every operation).
	UnknownMembers int         `json:"unknown_members"`
	UnknownNames   []NameCount `json:"unknown_names,omitempty"`
}

// FieldCheck counts the violations of one field ("(finding)" for the
// finding as a whole).
type FieldCheck struct {
	Field    string      `json:"field"`
	Count    int         `json:"count"`
	Rules    []RuleCount `json:"rules"`
	Examples []Example   `json:"examples"`
}

// RuleCount is how often a rule was broken.
type RuleCount struct {
	Class string `json:"class"`
	Rule  string `json:"rule"`
	Count int    `json:"count"`
}

// Example is one violation: the finding's index and the value as written
// (truncated).
type Example struct {
	Index int    `json:"index"`
	Rule  string `json:"rule"`
	Value string `json:"value"`
}

// NameCount is a member name and how often it occurs.
type NameCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Dist summarises a distribution of integers: nearest-rank percentiles
// p0..p100 (101 values, so Percentiles[50] is the median).
type Dist struct {
	N           int64   `json:"n"`
	Mean        float64 `json:"mean"`
	P50         int64   `json:"p50"`
	P90         int64   `json:"p90"`
	P99         int64   `json:"p99"`
	Max         int64   `json:"max"`
	Percentiles []int64 `json:"percentiles,omitempty"`
}

// Accounts describes the accounts and their skew.
type Accounts struct {
	Count int `json:"count"`
	// Top lists the largest accounts (at most 10), by findings.
	Top []AccountShare `json:"top"`
	// Sizes is the distribution of findings per account.
	Sizes Dist `json:"sizes"`
	// Truncated: more distinct accounts than Options.MaxDistinct.
	Truncated bool `json:"truncated,omitempty"`
}

// AccountShare is one account's findings and share of all findings.
type AccountShare struct {
	ID       string  `json:"aws_account_id"`
	Findings int64   `json:"findings"`
	Share    float64 `json:"share"`
}

// Groups are the sizes (findings per distinct value, within an account) of
// the keys edges are made from.
type Groups struct {
	VPC      GroupStats `json:"vpc"`
	Role     GroupStats `json:"role"`
	Resource GroupStats `json:"resource"`
}

// GroupStats describes the groups of one key.
type GroupStats struct {
	Groups int `json:"groups"`
	// WithoutKey counts findings whose key is empty (vpc_id or
	// iam_role_arn ""); they are in no group.
	WithoutKey int64 `json:"without_key"`
	Sizes      Dist  `json:"sizes"`
	// SpanningVPCs is the share of groups whose findings lie in more than
	// one non-empty vpc_id: links between workloads.
	SpanningVPCs float64 `json:"spanning_vpcs"`
	// WithoutKeyByClass (roles only) splits WithoutKey by
	// data_classification: Count findings of the class have no role, a
	// Share of the class's findings.
	WithoutKeyByClass []Count `json:"without_key_by_classification,omitempty"`
	// MixedRoles (resources only) is the share of groups whose findings
	// carry more than one non-empty iam_role_arn: links between roles.
	MixedRoles float64 `json:"mixed_roles,omitempty"`
	Truncated  bool    `json:"truncated,omitempty"`
}

// Mixes are the value counts of the enumerated fields, in spec order, with
// "(other)" for strings out of the domain.
type Mixes struct {
	NetworkExposure    []Count `json:"network_exposure"`
	DataClassification []Count `json:"data_classification"`
	WorkflowStatus     []Count `json:"workflow_status"`
	MitreTacticID      []Count `json:"mitre_tactic_id"`
	SeverityLabel      []Count `json:"severity_label"`
	// ExposureWithVPC and ExposureWithoutVPC split network_exposure by
	// whether vpc_id is empty.
	ExposureWithVPC    []Count `json:"network_exposure_with_vpc"`
	ExposureWithoutVPC []Count `json:"network_exposure_without_vpc"`
	// Tactic mixes of INTERNET-exposed findings (would-be entries), of
	// other CONFIDENTIAL or RESTRICTED ones (would-be targets) and of the
	// rest: the stage order that makes paths.
	// ClassificationByExposure splits data_classification by
	// network_exposure (in spec order): where the targets sit.
	ClassificationByExposure []ExposureMix `json:"data_classification_by_exposure"`
	TacticOfEntries          []Count       `json:"mitre_tactic_id_of_entries"`
	TacticOfTargets          []Count       `json:"mitre_tactic_id_of_targets"`
	TacticOfOthers           []Count       `json:"mitre_tactic_id_of_others"`
}

// ExposureMix is the data_classification mix of one network_exposure.
type ExposureMix struct {
	Exposure string  `json:"network_exposure"`
	Classes  []Count `json:"data_classification"`
}

// Count is one value of a mix.
type Count struct {
	Value string  `json:"value"`
	Count int64   `json:"count"`
	Share float64 `json:"share"`
}

// Engine holds the engine's counts (engines/SPEC.md section 4).
type Engine struct {
	Computed bool   `json:"computed"`
	Skipped  string `json:"skipped,omitempty"`
	Name     string `json:"engine,omitempty"`
	MaxDepth int    `json:"max_depth,omitempty"`
	Totals   Counts `json:"totals"`
	// EdgesPerFinding is edges over findings.
	EdgesPerFinding float64 `json:"edges_per_finding"`
	// CandidatePathsPerAccount and EdgesPerAccount are distributions over
	// the accounts.
	CandidatePathsPerAccount Dist `json:"candidate_paths_per_account"`
	EdgesPerAccount          Dist `json:"edges_per_account"`
	// Accounts lists the largest accounts (at most 10), by findings.
	Accounts []AccountCounts `json:"accounts,omitempty"`
}

// Counts are the engine's counts of one account or of all.
type Counts struct {
	Findings       int64 `json:"findings"`
	Active         int64 `json:"active"`
	Edges          int64 `json:"edges"`
	Entries        int64 `json:"entries"`
	Targets        int64 `json:"targets"`
	CandidatePaths int64 `json:"candidate_paths"`
}

// AccountCounts are one account's engine counts.
type AccountCounts struct {
	ID string `json:"aws_account_id"`
	Counts
}

// Reach describes the reachable sets: for an entry, the findings it reaches
// within MaxDepth edges (itself excluded). The walk is the profiler's own,
// over the spec's edges; TargetsReached summed over all entries is the
// number of candidate paths, which MatchesEngine checks.
type Reach struct {
	Computed bool   `json:"computed"`
	Skipped  string `json:"skipped,omitempty"`
	MaxDepth int    `json:"max_depth,omitempty"`
	Entries  int    `json:"entries"`
	// Walked is the number of entries walked: all of them, or an evenly
	// spaced sample (Options.MaxReachEntries, MaxReachVisits).
	Walked         int   `json:"walked"`
	Sizes          Dist  `json:"sizes"`
	TargetsReached int64 `json:"targets_reached"`
	// MatchesEngine is set when every entry was walked and the engine ran:
	// whether TargetsReached equals the engine's candidate_paths.
	MatchesEngine *bool `json:"matches_engine,omitempty"`
}

// Run profiles the findings file at path. The error is non-nil only when
// the file cannot be opened or read, or ctx ended (an interruption: the
// error wraps ctx's); a malformed file gives a profile whose Check says
// what is wrong.
func Run(ctx context.Context, path string, opt Options) (*Profile, error) {
	opt = opt.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	h := sha256.New()
	c := newCollector(opt)
	// A device or pipe has no end to hash: it is read through a guard that
	// ends it at the first byte no JSON document can hold (/dev/zero: one
	// byte) and refuses it past the size limit.
	regular := fi.Mode().IsRegular()
	src := interrupt.Reader(ctx, f)
	if !regular {
		src = &safeio.Guard{R: src, Name: path, Limit: safeio.DefaultLimit()}
	}
	if err := c.read(countingReader{io.TeeReader(src, h), &c.bytes}); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// Hash whatever the reader did not consume (after a fatal error).
	if regular {
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	p := c.profile()
	p.File = File{Path: path, Name: filepath.Base(path), Bytes: c.bytes, SHA256: hex.EncodeToString(h.Sum(nil))}
	if p.File.Bytes < fi.Size() {
		p.File.Bytes = fi.Size()
	}
	if p.Findings > 0 {
		p.BytesPerFinding = float64(p.File.Bytes) / float64(p.Findings)
	}
	p.Engine = runEngine(ctx, path, p, opt)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p.Reach = c.reach(p)
	return p, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// Load reads a profile JSON document.
func Load(path string) (*Profile, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ErrNotProfile is returned (wrapped) by Parse for a document that is not
// a profile.
var ErrNotProfile = errors.New("not a profile document")

// Parse decodes a profile JSON document.
func Parse(raw []byte) (*Profile, error) {
	var p Profile
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotProfile, err)
	}
	if p.Schema != Schema {
		return nil, fmt.Errorf("%w: schema %q, want %q", ErrNotProfile, p.Schema, Schema)
	}
	return &p, nil
}

// JSON returns the profile as an indented JSON document.
func (p *Profile) JSON() []byte {
	raw, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		panic("profile: " + err.Error()) // only finite floats and plain types
	}
	return append(raw, '\n')
}

// EngineProblem returns the first reason the engines would reject the file
// (not a findings document; a finding that is not an object or not
// well-formed; an engine field missing, repeated, of the wrong type or out
// of its domain; a duplicate id), or "" when they accept it. Problems of
// the other 45 fields, which only the list operation checks, and
// convention breaks are not engine problems.
func (p *Profile) EngineProblem() string {
	if p.Check.Fatal != "" {
		return p.Check.Fatal
	}
	best, bestIndex := "", -1
	for _, f := range p.Check.Fields {
		if (f.Field != findingField && !isEngineField(f.Field)) || len(f.Examples) == 0 {
			continue
		}
		e := f.Examples[0]
		if bestIndex >= 0 && e.Index >= bestIndex {
			continue
		}
		bestIndex = e.Index
		if f.Field == findingField {
			best = fmt.Sprintf("finding %d: %s", e.Index, e.Rule)
		} else {
			best = fmt.Sprintf("finding %d: %s: %s", e.Index, f.Field, e.Rule)
		}
	}
	return best
}

func isEngineField(name string) bool {
	i, ok := schema.Index(name)
	return ok && schema.Fields[i].Engine
}
