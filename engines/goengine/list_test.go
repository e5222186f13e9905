package goengine

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/schema"
)

// fullRaw returns a complete finding as raw members in section-6 order,
// with a plausible value of the right type for every field.
func fullRaw(id string) rawFinding {
	var r rawFinding
	for _, f := range schema.Fields {
		var v string
		switch f.Type {
		case schema.String:
			v = `"` + f.Name + `-value"`
		case schema.StringArray:
			v = `["a","b"]`
		case schema.Integer:
			v = `40`
		case schema.Number:
			v = `7.50`
		case schema.Bool:
			v = `false`
		case schema.IntegerArray:
			v = `[22,443]`
		}
		r = append(r, member{`"` + f.Name + `"`, v})
	}
	return r.set(`"id"`, `"`+id+`"`).set(`"workflow_status"`, `"NEW"`).set(`"aws_account_id"`, `"111"`)
}

func TestLoadFindingsKeepsValuesAsRead(t *testing.T) {
	r := fullRaw("a").
		set(`"severity_product"`, `1.50`).
		set(`"cvss_base_score"`, `-0.0e0`).
		set(`"title"`, `"caf\u00e9 \"q\""`).
		set(`"open_ports"`, `[ 22 , 443 ]`).
		add(`"extra"`, `{"dropped":true}`).
		first(`"title"`)
	full, err := LoadFindings([]byte(arr(r.String())))
	require.NoError(t, err)
	require.Len(t, full, 1)
	f := &full[0]
	assert.Equal(t, "a", f.ID)
	assert.Equal(t, "111", f.AccountID)
	assert.Equal(t, int64(40), f.SeverityNormalized)
	assert.Equal(t, "NEW", f.WorkflowStatus)
	assert.Equal(t, "resource_type-value", f.ResourceType)
	v, ok := f.Value("severity_product")
	require.True(t, ok)
	assert.Equal(t, "1.50", string(v))
	v, _ = f.Value("title")
	assert.Equal(t, `"caf\u00e9 \"q\""`, string(v))
	_, ok = f.Value("extra")
	assert.False(t, ok)

	out := string(f.AppendJSON(nil))
	assert.True(t, strings.HasPrefix(out, `{"schema_version":"schema_version-value","id":"a",`), out)
	assert.Contains(t, out, `"severity_product":1.50,`)
	assert.Contains(t, out, `"cvss_base_score":-0.0e0,`)
	assert.Contains(t, out, `"open_ports":[ 22 , 443 ],`)
	assert.NotContains(t, out, "extra")
	var decoded map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &decoded))
	assert.Len(t, decoded, schema.NumFields)
	assert.Equal(t, `café "q"`, decoded["title"])
}

func TestLoadFindingsFieldErrors(t *testing.T) {
	a, b := fullRaw("a"), fullRaw("b")
	tests := []struct {
		name  string
		doc   string
		code  string
		index int
		field string
	}{
		{"not an object", arr(a.String(), `[]`), engines.CodeInvalidField, 1, ""},
		{"missing first field", arr(a.drop(`"schema_version"`).String()), engines.CodeInvalidField, 0, "schema_version"},
		{"missing last field", arr(a.drop(`"related_finding_ids"`).String()), engines.CodeInvalidField, 0, "related_finding_ids"},
		{"string as number", arr(a.set(`"title"`, `5`).String()), engines.CodeInvalidField, 0, "title"},
		{"string null", arr(a.set(`"fix_available"`, `null`).String()), engines.CodeInvalidField, 0, "fix_available"},
		{"fix_available is a string, not a bool", arr(a.set(`"fix_available"`, `true`).String()), engines.CodeInvalidField, 0, "fix_available"},
		{"string array holding a number", arr(a.set(`"types"`, `["a",1]`).String()), engines.CodeInvalidField, 0, "types"},
		{"string array as string", arr(a.set(`"categories"`, `"a"`).String()), engines.CodeInvalidField, 0, "categories"},
		{"integer with fraction", arr(a.set(`"confidence"`, `1.0`).String()), engines.CodeInvalidField, 0, "confidence"},
		{"integer with exponent", arr(a.set(`"criticality"`, `1e2`).String()), engines.CodeInvalidField, 0, "criticality"},
		{"integer beyond int64", arr(a.set(`"epss_e5"`, `9223372036854775808`).String()), engines.CodeInvalidField, 0, "epss_e5"},
		{"integer as string", arr(a.set(`"severity_normalized"`, `"40"`).String()), engines.CodeInvalidField, 0, "severity_normalized"},
		{"number as string", arr(a.set(`"cvss_base_score"`, `"7.5"`).String()), engines.CodeInvalidField, 0, "cvss_base_score"},
		{"number overflowing binary64", arr(a.set(`"severity_product"`, `1e400`).String()), engines.CodeInvalidField, 0, "severity_product"},
		{"bool as number", arr(a.set(`"encrypted_at_rest"`, `0`).String()), engines.CodeInvalidField, 0, "encrypted_at_rest"},
		{"bool as string", arr(a.set(`"exploit_available"`, `"true"`).String()), engines.CodeInvalidField, 0, "exploit_available"},
		{"port as string", arr(a.set(`"open_ports"`, `["22"]`).String()), engines.CodeInvalidField, 0, "open_ports"},
		{"port with fraction", arr(a.set(`"open_ports"`, `[22.5]`).String()), engines.CodeInvalidField, 0, "open_ports"},
		{"given twice", arr(a.add(`"region"`, `"x"`).String()), engines.CodeInvalidField, 0, "region"},
		{"section-6 order beats document order", arr(a.set(`"related_finding_ids"`, `1`).set(`"product_arn"`, `1`).first(`"related_finding_ids"`).String()), engines.CodeInvalidField, 0, "product_arn"},
		{"first bad element wins", arr(a.String(), b.set(`"types"`, `1`).String(), `1`), engines.CodeInvalidField, 1, "types"},
		{"duplicate id", arr(a.String(), b.String(), a.String()), engines.CodeDuplicateID, 2, "id"},
		{"field error before duplicate", arr(a.String(), b.set(`"title"`, `1`).String(), a.String()), engines.CodeInvalidField, 1, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFindings([]byte(tt.doc))
			code, index, field := engineError(t, err)
			assert.Equal(t, tt.code, code, "%v", err)
			assert.Equal(t, tt.index, index)
			assert.Equal(t, tt.field, field)
		})
	}
	_, err := LoadFindings([]byte(arr(a.String(), b.set(`"confidence"`, `1.5`).String())))
	var ee *engines.Error
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "finding 1: confidence must be an integer, got the number 1.5", ee.Doc.Message)
}

func TestLoadFindingsIgnoresEngineDomains(t *testing.T) {
	r := fullRaw("a").set(`"workflow_status"`, `"whatever"`).set(`"epss_e5"`, `-5`).set(`"id"`, `""`)
	full, err := LoadFindings([]byte(arr(r.String())))
	require.NoError(t, err)
	assert.Equal(t, "whatever", full[0].WorkflowStatus)
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  Query
		field string // invalid_options field when not "-"
	}{
		{"empty input", ``, DefaultQuery(), "-"},
		{"empty object", ` {} `, DefaultQuery(), "-"},
		{"all members", `{"id":"a","aws_account_id":"1","min_severity":40,"workflow_status":["NEW","NOT\u0049FIED"],"resource_type":"AwsS3Bucket","offset":5,"limit":10000}`,
			Query{ID: "a", AccountID: "1", MinSeverity: 40, WorkflowStatus: []string{"NEW", "NOTIFIED"}, ResourceType: "AwsS3Bucket", Offset: 5, Limit: 10000}, "-"},
		{"empty values mean no filter", `{"id":"","workflow_status":[],"min_severity":0}`, Query{WorkflowStatus: []string{}, Limit: 100}, "-"},
		{"-0 offset", `{"offset":-0}`, DefaultQuery(), "-"},
		{"not JSON", `{"id":}`, Query{}, ""},
		{"trailing garbage", `{} x`, Query{}, ""},
		{"not an object", `[]`, Query{}, ""},
		{"null query", `null`, Query{}, ""},
		{"null member", `{"id":null}`, Query{}, "id"},
		{"numeric id", `{"id":1}`, Query{}, "id"},
		{"account array", `{"aws_account_id":["1"]}`, Query{}, "aws_account_id"},
		{"min_severity string", `{"min_severity":"40"}`, Query{}, "min_severity"},
		{"min_severity fraction", `{"min_severity":40.5}`, Query{}, "min_severity"},
		{"status string", `{"workflow_status":"NEW"}`, Query{}, "workflow_status"},
		{"status array of numbers", `{"workflow_status":[1]}`, Query{}, "workflow_status"},
		{"resource_type bool", `{"resource_type":true}`, Query{}, "resource_type"},
		{"negative offset", `{"offset":-1}`, Query{}, "offset"},
		{"offset exponent", `{"offset":1e1}`, Query{}, "offset"},
		{"limit 0", `{"limit":0}`, Query{}, "limit"},
		{"limit 10001", `{"limit":10001}`, Query{}, "limit"},
		{"limit huge", `{"limit":99999999999999999999}`, Query{}, "limit"},
		{"member twice", `{"limit":5,"limit":5}`, Query{}, "limit"},
		{"unknown member", `{"size":5}`, Query{}, "size"},
		{"known member checked before unknown", `{"size":5,"limit":0}`, Query{}, "limit"},
		{"members checked in spec order", `{"limit":0,"id":1}`, Query{}, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := ParseQuery([]byte(tt.query))
			if tt.field == "-" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, q)
				return
			}
			code, index, field := engineError(t, err)
			assert.Equal(t, engines.CodeInvalidOptions, code)
			assert.Equal(t, -1, index)
			assert.Equal(t, tt.field, field)
		})
	}
}

// listIDs runs a query through the engine and returns total and page ids.
func listIDs(t *testing.T, doc []byte, query string) (int, []string) {
	t.Helper()
	out, err := New().(engines.Lister).List(t.Context(), doc, []byte(query))
	require.NoError(t, err)
	var page struct {
		Schema   string           `json:"schema"`
		Total    int              `json:"total"`
		Findings []map[string]any `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(out, &page))
	require.Equal(t, engines.SchemaFindings, page.Schema)
	require.NotNil(t, page.Findings, "findings must be an array, not null")
	ids := []string{}
	for _, f := range page.Findings {
		ids = append(ids, f["id"].(string))
	}
	return page.Total, ids
}

func TestListFilters(t *testing.T) {
	var elems []string
	// 30 findings, document order descending ids; every third in account
	// 222, severities 0..29 * 3, statuses cycling, two resource types.
	statuses := []string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}
	for i := 29; i >= 0; i-- {
		r := fullRaw(fmt.Sprintf("f%02d", i)).
			set(`"severity_normalized"`, fmt.Sprint(i*3)).
			set(`"workflow_status"`, `"`+statuses[i%4]+`"`).
			set(`"resource_type"`, map[bool]string{true: `"AwsS3Bucket"`, false: `"AwsEc2Instance"`}[i%2 == 0])
		if i%3 == 0 {
			r = r.set(`"aws_account_id"`, `"222"`)
		}
		elems = append(elems, r.String())
	}
	doc := []byte(arr(elems...))
	ids := func(nums ...int) []string {
		out := []string{}
		for _, n := range nums {
			out = append(out, fmt.Sprintf("f%02d", n))
		}
		return out
	}
	tests := []struct {
		name  string
		query string
		total int
		ids   []string
	}{
		{"get finding", `{"id":"f07"}`, 1, ids(7)},
		{"get missing finding", `{"id":"nope"}`, 0, ids()},
		{"id with another filter that fails", `{"id":"f07","aws_account_id":"222"}`, 0, ids()},
		{"default page in id order", `{"limit":5}`, 30, ids(0, 1, 2, 3, 4)},
		{"offset", `{"offset":27}`, 30, ids(27, 28, 29)},
		{"offset past the end", `{"offset":30}`, 30, ids()},
		{"offset huge", `{"offset":9223372036854775807}`, 30, ids()},
		{"account", `{"aws_account_id":"222","limit":3}`, 10, ids(0, 3, 6)},
		{"min severity", `{"min_severity":80}`, 3, ids(27, 28, 29)},
		{"negative min severity keeps all", `{"min_severity":-5,"limit":1}`, 30, ids(0)},
		{"statuses", `{"workflow_status":["RESOLVED","SUPPRESSED"],"offset":1,"limit":2}`, 14, ids(3, 6)},
		{"resource type", `{"resource_type":"AwsS3Bucket","min_severity":75}`, 2, ids(26, 28)},
		{"all filters", `{"aws_account_id":"222","min_severity":30,"workflow_status":["NEW"],"resource_type":"AwsS3Bucket"}`, 2, ids(12, 24)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total, got := listIDs(t, doc, tt.query)
			assert.Equal(t, tt.total, total)
			assert.Equal(t, tt.ids, got)
		})
	}
}

func TestListErrorOrder(t *testing.T) {
	lister := New().(engines.Lister)
	_, err := lister.List(t.Context(), []byte(`not json`), []byte(`{"limit":0}`))
	code, _, field := engineError(t, err)
	assert.Equal(t, engines.CodeInvalidOptions, code)
	assert.Equal(t, "limit", field)

	_, err = lister.List(t.Context(), []byte(`[1, x]`), []byte(`{}`))
	code, _, _ = engineError(t, err)
	assert.Equal(t, engines.CodeInvalidJSON, code)

	out, err := lister.List(t.Context(), []byte(`[]`), nil)
	require.NoError(t, err)
	assert.Equal(t, `{"schema":"aegis.findings.v1","total":0,"findings":[]}`, string(out))
}
