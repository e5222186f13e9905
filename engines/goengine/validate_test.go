package goengine

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
)

// member is one raw "key": value pair of a test object.
type member struct{ key, value string }

// rawFinding is a finding object as raw members, in document order.
type rawFinding []member

func good(id string) rawFinding {
	return rawFinding{
		{`"id"`, `"` + id + `"`}, {`"aws_account_id"`, `"111111111111"`}, {`"severity_normalized"`, `50`},
		{`"workflow_status"`, `"NEW"`}, {`"resource_id"`, `"r-` + id + `"`}, {`"vpc_id"`, `""`},
		{`"network_exposure"`, `"INTERNET"`}, {`"iam_role_arn"`, `""`}, {`"data_classification"`, `"NONE"`},
		{`"epss_e5"`, `0`}, {`"mitre_tactic_id"`, `"TA0001"`},
	}
}

// set replaces the value of key (a raw JSON name, quotes included).
func (r rawFinding) set(key, value string) rawFinding {
	out := append(rawFinding{}, r...)
	for i := range out {
		if out[i].key == key {
			out[i].value = value
		}
	}
	return out
}

func (r rawFinding) drop(key string) rawFinding {
	var out rawFinding
	for _, m := range r {
		if m.key != key {
			out = append(out, m)
		}
	}
	return out
}

func (r rawFinding) add(key, value string) rawFinding {
	return append(append(rawFinding{}, r...), member{key, value})
}

// first moves key to the front.
func (r rawFinding) first(key string) rawFinding {
	var front, rest rawFinding
	for _, m := range r {
		if m.key == key {
			front = append(front, m)
		} else {
			rest = append(rest, m)
		}
	}
	return append(front, rest...)
}

func (r rawFinding) String() string {
	parts := make([]string, len(r))
	for i, m := range r {
		parts[i] = m.key + ":" + m.value
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func arr(elems ...string) string { return "[" + strings.Join(elems, ",") + "]" }

func TestDecodeInvalidJSON(t *testing.T) {
	g := good("a").String()
	tests := []struct{ name, doc string }{
		{"empty document", ``},
		{"white space only", " \n\t"},
		{"byte-order mark", "\xEF\xBB\xBF[]"},
		{"top-level object", `{}`},
		{"top-level string", `"[]"`},
		{"top-level number", `1`},
		{"top-level null", `null`},
		{"unterminated array", `[` + g},
		{"trailing comma", arr(g) + `,]`},
		{"trailing comma in array", `[` + g + `,]`},
		{"trailing comma in object", `[{"id":"a",}]`},
		{"second value", `[] []`},
		{"trailing garbage", `[]x`},
		{"trailing NUL", "[]\x00"},
		{"missing colon", `[{"id" "a"}]`},
		{"missing comma", `[{"id":"a" "x":1}]`},
		{"unquoted key", `[{id:"a"}]`},
		{"single quotes", `[{'id':'a'}]`},
		{"comment", `[] // done`},
		{"invalid UTF-8 in a value", arr(good("a").add(`"title"`, "\"\xff\"").String())},
		{"invalid UTF-8 in a key", arr(good("a").add("\"ti\xfftle\"", `1`).String())},
		{"overlong UTF-8", arr(good("a").add(`"title"`, "\"\xc0\xaf\"").String())},
		{"UTF-8 encoded surrogate", arr(good("a").add(`"title"`, "\"\xed\xa0\x80\"").String())},
		{"truncated UTF-8", arr(good("a").add(`"title"`, "\"\xe2\x82\"").String())},
		{"unpaired high surrogate", arr(good("a").add(`"title"`, `"\ud800"`).String())},
		{"high surrogate then a letter", arr(good("a").add(`"title"`, `"\ud800\u0041"`).String())},
		{"high surrogate then high", arr(good("a").add(`"title"`, `"\ud800\ud800"`).String())},
		{"lone low surrogate", arr(good("a").add(`"title"`, `"\udc00"`).String())},
		{"surrogate in an engine field", arr(good("a").set(`"id"`, `"\udfff"`).String())},
		{"raw tab in a string", arr(good("a").add(`"title"`, "\"a\tb\"").String())},
		{"raw newline in a string", arr(good("a").add(`"title"`, "\"a\nb\"").String())},
		{"DEL is allowed, NUL is not", arr(good("a").add(`"title"`, "\"\x7f\x00\"").String())},
		{"invalid escape", arr(good("a").add(`"title"`, `"\x41"`).String())},
		{"short unicode escape", arr(good("a").add(`"title"`, `"\u12"`).String())},
		{"bad hex in unicode escape", arr(good("a").add(`"title"`, `"\u12G4"`).String())},
		{"unterminated string", `[{"id":"a`},
		{"leading zero", arr(good("a").add(`"n"`, `01`).String())},
		{"negative leading zero", arr(good("a").add(`"n"`, `-01`).String())},
		{"leading zero in an engine field", arr(good("a").set(`"epss_e5"`, `00`).String())},
		{"plus sign", arr(good("a").add(`"n"`, `+1`).String())},
		{"bare minus", arr(good("a").add(`"n"`, `-`).String())},
		{"missing fraction digits", arr(good("a").add(`"n"`, `1.`).String())},
		{"missing integer part", arr(good("a").add(`"n"`, `.5`).String())},
		{"missing exponent digits", arr(good("a").add(`"n"`, `1e`).String())},
		{"missing exponent digits after sign", arr(good("a").add(`"n"`, `1e+`).String())},
		{"NaN", arr(good("a").add(`"n"`, `NaN`).String())},
		{"Infinity", arr(good("a").add(`"n"`, `-Infinity`).String())},
		{"hex number", arr(good("a").add(`"n"`, `0x10`).String())},
		{"partial literal", arr(good("a").add(`"n"`, `tru`).String())},
		{"capitalised literal", arr(good("a").add(`"n"`, `True`).String())},
		{"nested array unclosed", arr(good("a").add(`"n"`, `[[1,2]`).String())},
		{"mismatched brackets", arr(good("a").add(`"n"`, `[1}`).String())},
		{"object key not a string", arr(good("a").add(`"n"`, `{1:2}`).String())},
		{"nesting 65 levels", strings.Repeat("[", 65) + strings.Repeat("]", 65)},
		{"nesting 65 levels in a member", arr(good("a").add(`"n"`, strings.Repeat("[", 63)+strings.Repeat("]", 63)).String())},
		{"a million brackets", strings.Repeat("[", 1000000)},
		{"a million braces", strings.Repeat(`{"a":`, 1000000)},
		{"syntax error after a field error", arr(good("a").set(`"epss_e5"`, `-1`).String(), `x`)},
		{"syntax error after a non-object", arr(`1`, `{`)},
		{"syntax error after a duplicate id", arr(good("a").String(), good("a").String(), `[`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBoth(t, []byte(tt.doc))
			code, index, field := engineError(t, err)
			assert.Equal(t, engines.CodeInvalidJSON, code, "%v", err)
			assert.Equal(t, -1, index)
			assert.Equal(t, "<none>", field)
			_, err = LoadFindings([]byte(tt.doc))
			code, _, _ = engineError(t, err)
			assert.Equal(t, engines.CodeInvalidJSON, code, "LoadFindings: %v", err)
		})
	}
}

func TestDecodeWellFormedEdgeCases(t *testing.T) {
	ok := func(r rawFinding) string { return arr(r.String()) }
	tests := []struct{ name, doc string }{
		{"white space around", " \t\r\n" + ok(good("a")) + " \t\r\n"},
		{"nesting 64 levels", ok(good("a").add(`"n"`, strings.Repeat("[", 62)+strings.Repeat("]", 62)))},
		{"surrogate pair", ok(good("a").add(`"t"`, `"\ud83d\ude00"`))},
		{"every simple escape", ok(good("a").add(`"t"`, `"\"\\\/\b\f\n\r\t"`))},
		{"raw UTF-8", ok(good("a").add(`"t"`, `"é😀€"`))},
		{"DEL raw", ok(good("a").add(`"t"`, "\"\x7f\""))},
		{"numbers", ok(good("a").add(`"n"`, `[0,-0,1.5,-2.25e-3,1E+9,1e400,123456789012345678901234567890]`))},
		{"literals", ok(good("a").add(`"n"`, `[true,false,null,{},[],{"a":[{}]}]`))},
		{"other members of any type, repeated", ok(good("a").add(`"title"`, `5`).add(`"title"`, `null`))},
		{"escaped key for another member", ok(good("a").add(`"ti\u0074le"`, `1`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := decodeBoth(t, []byte(tt.doc))
			require.NoError(t, err)
			require.Len(t, fs, 1)
			assert.Equal(t, "a", fs[0].ID)
		})
	}
}

func TestDecodeValues(t *testing.T) {
	r := good("a").
		set(`"id"`, `"caf\u00e9\ud83d\ude00"`).
		set(`"severity_normalized"`, `-0`).
		set(`"workflow_status"`, `"\u004eOTIFIED"`).
		set(`"vpc_id"`, `"vpc\/1"`).
		set(`"network_exposure"`, `"VPC"`).
		set(`"iam_role_arn"`, `"arn:aws:iam::1:role/x"`).
		set(`"data_classification"`, `"RESTRICTED"`).
		set(`"epss_e5"`, `100000`).
		set(`"mitre_tactic_id"`, `"TA0040"`)
	r[0].key = `"i\u0064"` // keys are compared after unescaping
	fs, err := Decode([]byte(arr(r.String())))
	require.NoError(t, err)
	assert.Equal(t, []Finding{{
		ID: "café😀", AccountID: "111111111111", SeverityNormalized: 0, WorkflowStatus: StatusNotified,
		ResourceID: "r-a", VPCID: "vpc/1", NetworkExposure: ExposureVPC, IAMRoleARN: "arn:aws:iam::1:role/x",
		DataClassification: ClassRestricted, EPSSE5: 100000, Tactic: 14,
	}}, fs)

	fs, err = Decode([]byte(`[]`))
	require.NoError(t, err)
	assert.Equal(t, []Finding{}, fs)
}

func TestDecodeFieldErrors(t *testing.T) {
	a, b := good("a"), good("b")
	tests := []struct {
		name  string
		doc   string
		index int
		field string
	}{
		{"element is a number", arr(`1`), 0, ""},
		{"element is an array", arr(a.String(), `[]`), 1, ""},
		{"element is null", arr(a.String(), `null`), 1, ""},
		{"element is a string", arr(`"x"`), 0, ""},
		{"empty object", arr(`{}`), 0, "id"},
		{"null id", arr(a.set(`"id"`, `null`).String()), 0, "id"},
		{"numeric id", arr(a.set(`"id"`, `1`).String()), 0, "id"},
		{"empty id", arr(a.set(`"id"`, `""`).String()), 0, "id"},
		{"empty account", arr(a.set(`"aws_account_id"`, `""`).String()), 0, "aws_account_id"},
		{"account as array", arr(a.set(`"aws_account_id"`, `["1"]`).String()), 0, "aws_account_id"},
		{"severity as string", arr(a.set(`"severity_normalized"`, `"50"`).String()), 0, "severity_normalized"},
		{"severity 101", arr(a.set(`"severity_normalized"`, `101`).String()), 0, "severity_normalized"},
		{"severity -1", arr(a.set(`"severity_normalized"`, `-1`).String()), 0, "severity_normalized"},
		{"severity 40.0", arr(a.set(`"severity_normalized"`, `40.0`).String()), 0, "severity_normalized"},
		{"severity 4e1", arr(a.set(`"severity_normalized"`, `4e1`).String()), 0, "severity_normalized"},
		{"severity true", arr(a.set(`"severity_normalized"`, `true`).String()), 0, "severity_normalized"},
		{"status lower case", arr(a.set(`"workflow_status"`, `"new"`).String()), 0, "workflow_status"},
		{"status with space", arr(a.set(`"workflow_status"`, `"NEW "`).String()), 0, "workflow_status"},
		{"empty resource", arr(a.set(`"resource_id"`, `""`).String()), 0, "resource_id"},
		{"vpc null", arr(a.set(`"vpc_id"`, `null`).String()), 0, "vpc_id"},
		{"vpc number", arr(a.set(`"vpc_id"`, `0`).String()), 0, "vpc_id"},
		{"exposure unknown", arr(a.set(`"network_exposure"`, `"PUBLIC"`).String()), 0, "network_exposure"},
		{"role object", arr(a.set(`"iam_role_arn"`, `{}`).String()), 0, "iam_role_arn"},
		{"classification unknown", arr(a.set(`"data_classification"`, `"SECRET"`).String()), 0, "data_classification"},
		{"epss 100001", arr(a.set(`"epss_e5"`, `100001`).String()), 0, "epss_e5"},
		{"epss huge", arr(a.set(`"epss_e5"`, `99999999999999999999999`).String()), 0, "epss_e5"},
		{"epss beyond int64", arr(a.set(`"epss_e5"`, `9223372036854775808`).String()), 0, "epss_e5"},
		{"epss very negative", arr(a.set(`"epss_e5"`, `-9223372036854775809`).String()), 0, "epss_e5"},
		{"epss -0.0", arr(a.set(`"epss_e5"`, `-0.0`).String()), 0, "epss_e5"},
		{"tactic unknown", arr(a.set(`"mitre_tactic_id"`, `"TA0044"`).String()), 0, "mitre_tactic_id"},
		{"tactic technique", arr(a.set(`"mitre_tactic_id"`, `"T1190"`).String()), 0, "mitre_tactic_id"},
		{"missing tactic", arr(a.drop(`"mitre_tactic_id"`).String()), 0, "mitre_tactic_id"},
		{"missing vpc (may be empty, not absent)", arr(a.drop(`"vpc_id"`).String()), 0, "vpc_id"},
		{"id twice, same value", arr(a.add(`"id"`, `"a"`).String()), 0, "id"},
		{"id twice through an escape", arr(a.add(`"\u0069d"`, `"a"`).String()), 0, "id"},
		{"epss twice", arr(a.add(`"epss_e5"`, `0`).String()), 0, "epss_e5"},
		{"table order beats document order", arr(a.set(`"epss_e5"`, `-1`).set(`"id"`, `5`).first(`"epss_e5"`).String()), 0, "id"},
		{"earlier field in table order", arr(a.set(`"mitre_tactic_id"`, `1`).set(`"workflow_status"`, `1`).String()), 0, "workflow_status"},
		{"first bad element wins", arr(a.String(), b.set(`"epss_e5"`, `1.5`).String(), `1`), 1, "epss_e5"},
		{"non-object before a bad field", arr(a.String(), `true`, b.set(`"id"`, `1`).String()), 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBoth(t, []byte(tt.doc))
			code, index, field := engineError(t, err)
			assert.Equal(t, engines.CodeInvalidField, code, "%v", err)
			assert.Equal(t, tt.index, index)
			assert.Equal(t, tt.field, field)
		})
	}
}

func TestDecodeDuplicateIDs(t *testing.T) {
	a, b, c := good("a"), good("b"), good("c")
	tests := []struct {
		name  string
		doc   string
		code  string
		index int
	}{
		{"later element named", arr(a.String(), b.String(), a.String()), engines.CodeDuplicateID, 2},
		{"equal after unescaping", arr(good("ab").String(), a.set(`"id"`, `"a\u0062"`).String()), engines.CodeDuplicateID, 1},
		{"first duplicate wins", arr(a.String(), b.String(), b.String(), a.String()), engines.CodeDuplicateID, 2},
		{"duplicate before a field error", arr(a.String(), a.String(), b.set(`"epss_e5"`, `-1`).String()), engines.CodeDuplicateID, 1},
		{"field error before a duplicate", arr(a.String(), b.set(`"epss_e5"`, `-1`).String(), a.String()), engines.CodeInvalidField, 1},
		{"field error in the duplicating element wins", arr(a.String(), a.set(`"epss_e5"`, `-1`).String()), engines.CodeInvalidField, 1},
		{"ids differing in case are distinct", arr(a.String(), good("A").String(), c.String()), "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeBoth(t, []byte(tt.doc))
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			code, index, field := engineError(t, err)
			assert.Equal(t, tt.code, code, "%v", err)
			assert.Equal(t, tt.index, index)
			if code == engines.CodeDuplicateID {
				assert.Equal(t, "id", field)
			}
		})
	}
}

func TestDecodeMessagesNameIndexAndField(t *testing.T) {
	var elems []string
	for i := range 12 {
		elems = append(elems, good(strings.Repeat("x", i+1)).String())
	}
	elems = append(elems, good("y").set(`"epss_e5"`, `100001`).String())
	_, err := Decode([]byte(arr(elems...)))
	require.Error(t, err)
	var ee *engines.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "finding 12: epss_e5 must be an integer in 0..100000, got 100001", ee.Doc.Message)

	_, err = Decode([]byte("[\n  {\"id\": x}]"))
	require.ErrorAs(t, err, &ee)
	assert.Contains(t, ee.Doc.Message, "line 2, column 10")
}

func TestOptionsCheckedFirst(t *testing.T) {
	for _, name := range []string{"go", "go-naive"} {
		e, err := engines.Open(name)
		require.NoError(t, err)
		_, err = e.AttackPaths(t.Context(), []byte(`not json`), engines.Options{MaxDepth: 0, TopK: 20})
		code, _, field := engineError(t, err)
		assert.Equal(t, engines.CodeInvalidOptions, code)
		assert.Equal(t, "max_depth", field)
		_, err = e.AttackPaths(t.Context(), []byte(`[1]`), engines.Options{MaxDepth: 4, TopK: -1})
		code, _, field = engineError(t, err)
		assert.Equal(t, engines.CodeInvalidOptions, code)
		assert.Equal(t, "top_k", field)
	}
}

func TestDecodeDoesNotAliasInput(t *testing.T) {
	data := []byte(arr(good("abc").String()))
	fs, err := Decode(data)
	require.NoError(t, err)
	copy(data, bytes.Repeat([]byte{'z'}, len(data)))
	assert.Equal(t, "abc", fs[0].ID)
	assert.Equal(t, "r-abc", fs[0].ResourceID)
}
