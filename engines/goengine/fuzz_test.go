package goengine

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aegisbench/aegisbench/engines"
)

// FuzzAttackPaths checks, for any bytes and options: no panic; an error is
// always an *engines.Error; the strict reader never accepts what
// encoding/json rejects and never rejects it as anything but invalid_json;
// the indexed engine equals the oracle; the output is valid JSON; the list
// loader agrees with Decode on well-formedness.
func FuzzAttackPaths(f *testing.F) {
	f.Add([]byte(`[]`), uint8(4), uint8(20))
	f.Add([]byte(arr(good("a").String(), good("b").set(`"resource_id"`, `"r-a"`).set(`"data_classification"`, `"RESTRICTED"`).String())), uint8(1), uint8(0))
	f.Add(doc(f, tieFindings()...), uint8(3), uint8(2))
	f.Add([]byte(arr(good("a").add(`"t"`, `"\ud83d\ude00"`).String())), uint8(4), uint8(1))
	f.Add([]byte(`[{"id":"\ud800"}]`), uint8(4), uint8(1))
	f.Add([]byte("\xEF\xBB\xBF[]"), uint8(4), uint8(1))
	f.Add([]byte(`[[[[[[[[[[]]]]]]]]]]`), uint8(16), uint8(3))
	f.Add([]byte(`[1, {"id": 1e999}]`), uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, depth, topK uint8) {
		opt := engines.Options{MaxDepth: 1 + int(depth%16), TopK: int(topK % 6)}
		decoded, err := Decode(data)
		_, loadErr := LoadFindings(data)
		if err != nil {
			var ee *engines.Error
			if !errors.As(err, &ee) {
				t.Fatalf("Decode error is not an *engines.Error: %v", err)
			}
			if !json.Valid(data) && ee.Doc.Code != engines.CodeInvalidJSON {
				t.Fatalf("encoding/json rejects the input but Decode says %s", ee.Doc.Code)
			}
			if isJSON := ee.Doc.Code != engines.CodeInvalidJSON; isJSON != (loadErr == nil || loadErr.(*engines.Error).Doc.Code != engines.CodeInvalidJSON) {
				t.Fatalf("Decode (%v) and LoadFindings (%v) disagree on well-formedness", err, loadErr)
			}
			return
		}
		if loadErr != nil && loadErr.(*engines.Error).Doc.Code == engines.CodeInvalidJSON {
			t.Fatalf("Decode accepts what LoadFindings calls invalid_json: %v", loadErr)
		}
		if !json.Valid(data) {
			t.Fatalf("Decode accepts input encoding/json rejects")
		}
		got, err := Compute(decoded, opt)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ComputeNaive(decoded, opt)
		if err != nil {
			t.Fatal(err)
		}
		out := Encode(got)
		if string(out) != string(Encode(want)) {
			t.Fatalf("indexed and naive engines differ:\n%s\n%s", out, Encode(want))
		}
		if !json.Valid(out) {
			t.Fatalf("output is not JSON: %s", out)
		}
	})
}
