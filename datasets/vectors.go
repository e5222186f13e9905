package datasets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/reporoot"
)

// Vector is one conformance vector of datasets/vectors (layout in
// datasets/vectors/README.md): an input document, the options (attack-path
// vectors) or the query (list vectors), and either the expected output
// document or the expected error.
type Vector struct {
	// Name is the vector's group and directory name, e.g.
	// "paths/edge-reason-resource-over-role" or "list/list-limit-0".
	Name string
	// Dir is the vector's directory.
	Dir string
	// Input holds input.json byte for byte (possibly malformed on purpose).
	Input []byte
	// Options holds options.json (attack-path vectors; zero for list vectors).
	Options engines.Options
	// Query holds query.json byte for byte (list vectors; nil otherwise).
	Query []byte
	// Expected holds expected.json, nil when the vector expects an error.
	// Compare it on its JCS canonical form.
	Expected []byte
	// ExpectedError holds error.json, nil when the vector expects an output.
	// Compare it on code, index and field.
	ExpectedError *engines.ErrorDoc
}

// Vector groups, the subdirectories of the vectors directory.
const (
	GroupPaths       = "paths"       // hand-written attack-path vectors
	GroupRegressions = "regressions" // shrunk divergences written by `aegisbench conform`
	GroupList        = "list"        // list-operation vectors
)

// Files of a vector directory.
const (
	fileInput    = "input.json"
	fileOptions  = "options.json"
	fileQuery    = "query.json"
	fileExpected = "expected.json"
	fileError    = "error.json"
	fileReadme   = "README.md"
)

// VectorsDir returns <repo root>/datasets/vectors.
func VectorsDir() (string, error) {
	root, err := reporoot.Find()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "datasets", "vectors"), nil
}

// LoadVectors reads the attack-path vectors under dir/paths and
// dir/regressions (either may be absent), sorted by name. Every vector
// directory must be well-formed: input.json, options.json with both options
// as integers, exactly one of expected.json (well-formed JSON) and
// error.json (a valid error document), and no other file but README.md.
func LoadVectors(dir string) ([]Vector, error) {
	var all []Vector
	for _, group := range []string{GroupPaths, GroupRegressions} {
		vs, err := loadGroup(dir, group, false)
		if err != nil {
			return nil, err
		}
		all = append(all, vs...)
	}
	return all, nil
}

// LoadListVectors reads the list-operation vectors under dir/list, sorted
// by name: the attack-path layout with query.json (raw bytes, any content)
// in place of options.json.
func LoadListVectors(dir string) ([]Vector, error) {
	return loadGroup(dir, GroupList, true)
}

func loadGroup(dir, group string, list bool) ([]Vector, error) {
	groupDir := filepath.Join(dir, group)
	entries, err := os.ReadDir(groupDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading vectors: %w", err)
	}
	var vs []Vector
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		v, err := loadVector(filepath.Join(groupDir, e.Name()), list)
		if err != nil {
			return nil, err
		}
		v.Name = group + "/" + e.Name()
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].Name < vs[j].Name })
	return vs, nil
}

func loadVector(dir string, list bool) (Vector, error) {
	v := Vector{Dir: dir}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return v, fmt.Errorf("vector %s: %w", dir, err)
	}
	allowed := map[string]bool{fileInput: true, fileExpected: true, fileError: true, fileReadme: true}
	if list {
		allowed[fileQuery] = true
	} else {
		allowed[fileOptions] = true
	}
	present := map[string]bool{}
	for _, e := range entries {
		if !allowed[e.Name()] || e.IsDir() {
			return v, fmt.Errorf("vector %s: unexpected entry %q", dir, e.Name())
		}
		present[e.Name()] = true
	}
	read := func(name string) ([]byte, error) {
		if !present[name] {
			return nil, fmt.Errorf("vector %s: %s is missing", dir, name)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("vector %s: %w", dir, err)
		}
		return b, nil
	}
	if v.Input, err = read(fileInput); err != nil {
		return v, err
	}
	if list {
		if v.Query, err = read(fileQuery); err != nil {
			return v, err
		}
	} else {
		raw, err := read(fileOptions)
		if err != nil {
			return v, err
		}
		if v.Options, err = parseOptions(raw); err != nil {
			return v, fmt.Errorf("vector %s: %s: %w", dir, fileOptions, err)
		}
	}
	switch {
	case present[fileExpected] && present[fileError]:
		return v, fmt.Errorf("vector %s: both %s and %s are present", dir, fileExpected, fileError)
	case present[fileExpected]:
		if v.Expected, err = read(fileExpected); err != nil {
			return v, err
		}
		if !json.Valid(v.Expected) {
			return v, fmt.Errorf("vector %s: %s is not valid JSON", dir, fileExpected)
		}
	case present[fileError]:
		raw, err := read(fileError)
		if err != nil {
			return v, err
		}
		if v.ExpectedError, err = parseErrorDoc(raw); err != nil {
			return v, fmt.Errorf("vector %s: %s: %w", dir, fileError, err)
		}
	default:
		return v, fmt.Errorf("vector %s: neither %s nor %s is present", dir, fileExpected, fileError)
	}
	return v, nil
}

// parseOptions reads {"max_depth": N, "top_k": K}: both members, integers,
// nothing else.
func parseOptions(raw []byte) (engines.Options, error) {
	var o struct {
		MaxDepth *int `json:"max_depth"`
		TopK     *int `json:"top_k"`
	}
	if err := decodeStrict(raw, &o); err != nil {
		return engines.Options{}, err
	}
	if o.MaxDepth == nil || o.TopK == nil {
		return engines.Options{}, errors.New(`want {"max_depth": N, "top_k": K} with both members`)
	}
	return engines.Options{MaxDepth: *o.MaxDepth, TopK: *o.TopK}, nil
}

// parseErrorDoc reads an expected error document and checks that its code
// is one of section 5's and that index and field are present exactly when
// the code has them.
func parseErrorDoc(raw []byte) (*engines.ErrorDoc, error) {
	var d engines.ErrorDoc
	if err := decodeStrict(raw, &d); err != nil {
		return nil, err
	}
	if d.Schema != engines.SchemaError {
		return nil, fmt.Errorf("schema is %q, want %q", d.Schema, engines.SchemaError)
	}
	hasIndex, hasField := d.Index != nil, d.Field != nil
	var wantIndex, wantField bool
	switch d.Code {
	case engines.CodeInvalidOptions:
		wantField = true
	case engines.CodeInvalidJSON:
	case engines.CodeInvalidField:
		wantIndex, wantField = true, true
	case engines.CodeDuplicateID:
		wantIndex, wantField = true, true
		if hasField && *d.Field != "id" {
			return nil, fmt.Errorf("duplicate_id has field %q, want \"id\"", *d.Field)
		}
	default:
		return nil, fmt.Errorf("unknown code %q", d.Code)
	}
	if hasIndex != wantIndex || hasField != wantField {
		return nil, fmt.Errorf("code %s: index present %v (want %v), field present %v (want %v)",
			d.Code, hasIndex, wantIndex, hasField, wantField)
	}
	if hasIndex && *d.Index < 0 {
		return nil, fmt.Errorf("negative index %d", *d.Index)
	}
	return &d, nil
}

// decodeStrict decodes one JSON value into v, rejecting unknown members and
// trailing data.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}
