//go:build cgo && rustffi

package aegispath

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aegisbench/aegisbench/engines"
)

// knownCodes are the error codes of engines/SPEC.md section 5.
var knownCodes = map[string]bool{
	engines.CodeInvalidOptions: true,
	engines.CodeInvalidJSON:    true,
	engines.CodeInvalidField:   true,
	engines.CodeDuplicateID:    true,
}

// FuzzFFIAttackPaths feeds arbitrary bytes and options through the FFI
// boundary. Every call must return either an output document or an
// *engines.Error with a known code that is consistent with the options; a
// crash, a caught panic (ErrInternal) or any other error fails. The seed
// corpus runs in every `go test`.
func FuzzFFIAttackPaths(f *testing.F) {
	seeds := []string{
		smallDoc,
		`[]`,
		` [ ] `,
		smallDoc[:len(smallDoc)/2], // truncated
		"\xef\xbb\xbf[]",           // byte-order mark
		strings.Repeat("[", 100000) + strings.Repeat("]", 100000),                            // deep nesting
		strings.Repeat("[", 100000),                                                          // deep and truncated
		strings.Replace(smallDoc, `"epss_e5":97`, `"epss_e5":1`+strings.Repeat("0", 400), 1), // huge integer
		strings.Replace(smallDoc, `"epss_e5":97`, `"epss_e5":1e400`, 1),
		strings.Replace(smallDoc, `"epss_e5":97`, `"epss_e5":-0`, 1),
		strings.Replace(smallDoc, `"severity_normalized":40`, `"severity_normalized":18446744073709551656`, 1),
		strings.Replace(smallDoc, `"id":"a"`, `"id":"\ud800"`, 1),   // unpaired surrogate
		strings.Replace(smallDoc, `"id":"a"`, "\"id\":\"\xff\"", 1), // invalid UTF-8
		strings.Replace(smallDoc, `"id":"b"`, `"id":"a"`, 1),        // duplicate id
		strings.Replace(smallDoc, `"id":"a",`, `"id":"a","id":"z",`, 1),
		`[null]`,
		`null`,
		``,
		`[{}] x`,
		"[\"\x00\"]",
	}
	for _, s := range seeds {
		f.Add([]byte(s), int64(4), int64(20))
	}
	f.Add([]byte(smallDoc), int64(16), int64(0))
	f.Add([]byte(smallDoc), int64(-1<<63), int64(1<<63-1))
	f.Add([]byte(`[`), int64(0), int64(-1))

	f.Fuzz(func(t *testing.T, input []byte, maxDepth, topK int64) {
		out, err := AttackPaths(input, maxDepth, topK)
		badOptions := maxDepth < engines.MinMaxDepth || maxDepth > engines.MaxMaxDepth ||
			topK < 0 || topK > engines.MaxTopK
		if err == nil {
			if badOptions {
				t.Fatalf("options max_depth=%d top_k=%d accepted", maxDepth, topK)
			}
			var doc struct {
				Schema string `json:"schema"`
			}
			if jerr := json.Unmarshal(out, &doc); jerr != nil || doc.Schema != engines.SchemaAttackPaths {
				t.Fatalf("output is not an attack-paths document (%v): %.300q", jerr, out)
			}
			return
		}
		var ee *engines.Error
		if !errors.As(err, &ee) {
			t.Fatalf("error that is not an engine error: %v", err)
		}
		if !knownCodes[ee.Doc.Code] {
			t.Fatalf("unknown error code %q: %s", ee.Doc.Code, ee.Raw)
		}
		if badOptions != (ee.Doc.Code == engines.CodeInvalidOptions) {
			t.Fatalf("max_depth=%d top_k=%d gave %s", maxDepth, topK, ee.Key())
		}
		if ee.Doc.Code == engines.CodeInvalidJSON && (ee.Doc.Index != nil || ee.Doc.Field != nil) {
			t.Fatalf("invalid_json with an index or field: %s", ee.Raw)
		}
	})
}
