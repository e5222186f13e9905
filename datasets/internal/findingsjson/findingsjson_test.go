package findingsjson

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll returns the raw elements of doc (Oversize ones as "<oversize N>")
// and the final error (nil at a clean io.EOF).
func readAll(t *testing.T, r io.Reader, max int) ([]string, error) {
	t.Helper()
	rd := NewReader(r, max)
	var out []string
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		require.Equal(t, len(out), e.Index)
		if e.Oversize {
			out = append(out, "<oversize>")
			continue
		}
		require.Equal(t, int64(len(e.Raw)), e.Size)
		out = append(out, string(e.Raw))
	}
}

func TestReaderSplitsElements(t *testing.T) {
	doc := ` [ {"a":"x,]}\"{["}, [1,[2]] ,"s\\",  12 ,true,{}]` + "\n\t "
	want := []string{`{"a":"x,]}\"{["}`, `[1,[2]]`, `"s\\"`, `12`, `true`, `{}`}
	got, err := readAll(t, strings.NewReader(doc), 0)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	// The same split when the input arrives one byte at a time.
	got, err = readAll(t, iotest.OneByteReader(strings.NewReader(doc)), 0)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	got, err = readAll(t, strings.NewReader("[]"), 0)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestReaderOffsets(t *testing.T) {
	rd := NewReader(strings.NewReader(`[{"a":1},  {"b":2}]`), 0)
	e, err := rd.Next()
	require.NoError(t, err)
	assert.Equal(t, int64(1), e.Offset)
	e, err = rd.Next()
	require.NoError(t, err)
	assert.Equal(t, int64(11), e.Offset)
	assert.Equal(t, 1, e.Index)
}

func TestReaderErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
		before          int // elements returned before the error
	}{
		{"empty", "", "byte 0: empty document (want a JSON array of findings)", 0},
		{"white space", " \n", "byte 2: only white space (want a JSON array of findings)", 0},
		{"object", `{"id":"a"}`, "byte 0: not a findings document: a JSON object (want a JSON array of findings)", 0},
		{"text", `hello`, "byte 0: not a findings document: it starts with 'h' (want a JSON array of findings)", 0},
		{"bom", "\ufeff[]", "byte 0: not a findings document: a byte-order mark (want a JSON array of findings)", 0},
		{"truncated after [", `[`, "byte 1: unexpected end of file after '[' (truncated document)", 0},
		{"truncated element", `[{"a":1},{"b":"xx`, `finding 1 (byte 17): unexpected end of file inside finding 1, which starts at byte 9 (a string is not closed: truncated document)`, 1},
		{"no closing bracket", `[{"a":1}`, "byte 8: unexpected end of file after finding 0 (truncated document: no closing ']')", 1},
		{"trailing comma", `[{},]`, "byte 4: trailing comma before ']'", 1},
		{"missing comma", `[{} {}]`, "byte 4: after finding 0: want ',' or ']', found '{'", 1},
		{"data after", `[{}] x`, "byte 5: data after the closing ']': 'x'", 1},
		{"leading comma", `[,{}]`, "finding 0 (byte 1): want a finding, found ','", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(t, strings.NewReader(tc.doc), 0)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Len(t, got, tc.before)
			var se *SyntaxError
			assert.ErrorAs(t, err, &se)
		})
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := readAll(t, io.MultiReader(strings.NewReader(`[{"a":`), iotest.ErrReader(boom)), 0)
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "reading byte 6")
}

func TestReaderOversizeSkipsAndContinues(t *testing.T) {
	huge := `{"description":"` + strings.Repeat("x\\\"y]}", 5000) + `"}`
	doc := `[{"a":1},` + huge + `,{"b":2}]`
	rd := NewReader(strings.NewReader(doc), 1024)
	e, err := rd.Next()
	require.NoError(t, err)
	assert.False(t, e.Oversize)
	e, err = rd.Next()
	require.NoError(t, err)
	assert.True(t, e.Oversize)
	assert.Nil(t, e.Raw)
	assert.Equal(t, int64(len(huge)), e.Size)
	assert.Equal(t, int64(9), e.Offset)
	e, err = rd.Next()
	require.NoError(t, err)
	assert.Equal(t, `{"b":2}`, string(e.Raw))
	_, err = rd.Next()
	assert.ErrorIs(t, err, io.EOF)
	assert.LessOrEqual(t, cap(rd.elem), 2048, "the reader kept more than its cap")
}

func TestParseMembers(t *testing.T) {
	var p Parser
	raw := []byte(`{ "id" : "a\u00e9\ud83d\ude00", "n":-0, "f":1.5e3, "b":true, "z":null,` +
		` "arr":["x",1,[2,{"q":[]}]], "o":{"k":"v"}, "ep\u0073s":2, "id":"dup" }`)
	v, ms, err := p.Parse(raw)
	require.NoError(t, err)
	assert.Equal(t, Object, v.Kind)
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = string(m.Name)
	}
	assert.Equal(t, []string{"id", "n", "f", "b", "z", "arr", "o", "epss", "id"}, names)
	assert.Equal(t, "aé😀", ms[0].Value.Str())
	assert.True(t, ms[0].Value.Escaped)
	assert.Equal(t, Number, ms[1].Value.Kind)
	assert.True(t, ms[1].Value.Integer)
	assert.False(t, ms[2].Value.Integer)
	assert.Equal(t, "1.5e3", string(ms[2].Value.Raw))
	assert.True(t, ms[3].Value.True)
	assert.Equal(t, Null, ms[4].Value.Kind)
	require.Len(t, ms[5].Value.Items, 3)
	assert.Equal(t, []Kind{String, Number, Array}, []Kind{ms[5].Value.Items[0].Kind, ms[5].Value.Items[1].Kind, ms[5].Value.Items[2].Kind})
	assert.Nil(t, ms[5].Value.Items[2].Items, "nested arrays do not collect items")
	assert.Equal(t, `{"k":"v"}`, string(ms[6].Value.Raw))
	assert.Equal(t, "dup", ms[8].Value.Str())

	// Not an object: no members.
	v, ms, err = p.Parse([]byte(`[1, "a"]`))
	require.NoError(t, err)
	assert.Equal(t, Array, v.Kind)
	assert.Empty(t, ms)
}

func TestParseRejects(t *testing.T) {
	deep := strings.Repeat("[", 63) + strings.Repeat("]", 63) // depth 2..64 inside the element: accepted
	var p Parser
	_, _, err := p.Parse([]byte(deep))
	require.NoError(t, err)

	for _, tc := range []struct{ name, raw, want string }{
		{"too deep", "[" + deep + "]", "nesting deeper than 64 levels"},
		{"raw control", "{\"a\":\"x\ty\"}", "raw control character 0x09 in a string (must be escaped)"},
		{"bad utf8", "{\"a\":\"x\xff\"}", "invalid UTF-8 in a string"},
		{"utf8 surrogate", "{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8 in a string"},
		{"lone high surrogate", `{"a":"\ud800x"}`, `unpaired high surrogate escape \ud800`},
		{"lone low surrogate", `{"a":"\udc00"}`, `unpaired low surrogate escape \udc00`},
		{"unknown escape", `{"a":"\x"}`, `unknown escape \x`},
		{"short unicode escape", `{"a":"\u12"}`, `invalid \u escape (want 4 hex digits)`},
		{"leading zero", `{"a":01}`, "leading zero in a number"},
		{"plus", `{"a":+1}`, "want a value, found '+'"},
		{"dot", `{"a":1.}`, "invalid number (want a digit after '.')"},
		{"exponent", `{"a":1e}`, "invalid number (want a digit in the exponent)"},
		{"NaN", `{"a":NaN}`, "want a value, found 'N'"},
		{"trailing comma", `{"a":1,}`, "want a member name, found '}'"},
		{"single quotes", `{'a':1}`, "want a member name, found '''"},
		{"missing colon", `{"a" 1}`, "want ':' after a member name, found '1'"},
		{"bad literal", `{"a":tru}`, "invalid literal (want true)"},
		{"array trailing comma", `{"a":[1,]}`, "want a value, found ']'"},
		{"mismatched", `{"a":[1}`, "want ',' or ']' in an array, found '}'"},
		{"after value", `{"a":1} 2`, "unexpected '2' after the finding"},
		{"unclosed", `{"a":"x`, "string not closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := p.Parse([]byte(tc.raw))
			require.Error(t, err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.want, pe.Msg)
		})
	}
}
