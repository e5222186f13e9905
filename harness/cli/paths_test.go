package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/engines"
	_ "github.com/aegisbench/aegisbench/engines/goengine" // "go", "go-naive"
	"github.com/aegisbench/aegisbench/harness/cmdline"
)

// pathsRunCLI runs the command line in-process and returns its streams,
// exit code and error.
func pathsRunCLI(args ...string) (stdout, stderr string, code int, err error) {
	var out, errb bytes.Buffer
	err = Run(&out, &errb, args)
	return out.String(), errb.String(), cmdline.ExitCode(err), err
}

// pathsFinding is a complete 56-field finding for the CLI tests.
func pathsFinding(id, exposure, class, resource string) map[string]any {
	return map[string]any{
		"schema_version": "2018-10-08", "id": id, "product_arn": "arn:p", "product_name": "p",
		"company_name": "c", "generator_id": "g", "aws_account_id": "111111111111",
		"aws_account_name": "prod", "region": "us-east-1", "types": []string{"t"},
		"first_observed_at": "2026-01-01T00:00:00.000Z", "last_observed_at": "2026-01-01T00:00:00.000Z",
		"created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:00.000Z",
		"severity_label": "MEDIUM", "severity_normalized": 50, "severity_product": 5.5,
		"confidence": 90, "criticality": 50, "title": "t", "description": "d",
		"remediation_text": "r", "remediation_url": "https://x", "source_url": "https://y",
		"compliance_status": "FAILED", "security_control_id": "S3.1", "related_requirements": []string{},
		"workflow_status": "NEW", "record_state": "ACTIVE", "verification_state": "UNKNOWN",
		"resource_id": resource, "resource_type": "AwsS3Bucket", "resource_name": "n",
		"resource_partition": "aws", "resource_region": "us-east-1", "resource_tags": []string{},
		"vpc_id": "", "subnet_id": "", "network_exposure": exposure, "public_ip": "",
		"open_ports": []int{443}, "iam_role_arn": "", "data_classification": class,
		"encrypted_at_rest": true, "vuln_id": "CVE-1", "cvss_base_score": 7.5, "cvss_vector": "v",
		"epss_e5": 97, "exploit_available": false, "fix_available": "YES", "package_name": "p",
		"package_version": "1", "mitre_tactic_id": "TA0001", "mitre_technique_id": "T1190",
		"categories": []string{}, "related_finding_ids": []string{},
	}
}

// pathsInput writes a findings file: entry "a" reaching target "b" through
// a shared resource, plus mutate applied to the list.
func pathsInput(t *testing.T, mutate func([]map[string]any)) string {
	t.Helper()
	fs := []map[string]any{
		pathsFinding("a", "INTERNET", "NONE", "r1"),
		pathsFinding("b", "PRIVATE", "RESTRICTED", "r1"),
	}
	if mutate != nil {
		mutate(fs)
	}
	data, err := json.Marshal(fs)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "findings.json")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

func TestPathsGoodRun(t *testing.T) {
	in := pathsInput(t, nil)
	stdout, stderr, code, err := pathsRunCLI("paths", "--engine", "go", "--in", in, "--max-depth", "2", "--top-k", "0")
	require.NoError(t, err)
	require.Equal(t, 0, code, stderr)
	var doc struct {
		Schema   string `json:"schema"`
		MaxDepth int    `json:"max_depth"`
		TopK     int    `json:"top_k"`
		Accounts []struct {
			Paths []struct {
				FindingIDs []string `json:"finding_ids"`
				Reasons    []string `json:"reasons"`
				Score      uint64   `json:"score"`
			} `json:"paths"`
		} `json:"accounts"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, engines.SchemaAttackPaths, doc.Schema)
	assert.Equal(t, 2, doc.MaxDepth)
	assert.Equal(t, 0, doc.TopK)
	require.Len(t, doc.Accounts, 1)
	require.Len(t, doc.Accounts[0].Paths, 1)
	assert.Equal(t, []string{"a", "b"}, doc.Accounts[0].Paths[0].FindingIDs)
	assert.Equal(t, []string{"SAME_RESOURCE"}, doc.Accounts[0].Paths[0].Reasons)
	// L = 1000000*500485/1000000 = 500485; 500485*500485/1000000 = 250485; impact 150.
	assert.Equal(t, uint64(150*250485), doc.Accounts[0].Paths[0].Score)

	// The same document through --out, atomically, nothing on stdout.
	dir := t.TempDir()
	out := filepath.Join(dir, "paths.json")
	stdout2, _, code, err := pathsRunCLI("paths", "--in", in, "--max-depth", "2", "--top-k", "0", "--out", out)
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assert.Empty(t, stdout2)
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, stdout, string(written))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "temporary file left behind")
}

func TestPathsBadInput(t *testing.T) {
	in := pathsInput(t, func(fs []map[string]any) { fs[1]["epss_e5"] = 100001 })
	stdout, _, code, err := pathsRunCLI("paths", "--in", in)
	assert.Equal(t, 1, code)
	require.Error(t, err)
	assert.Contains(t, err.Error(), in)
	assert.Contains(t, err.Error(), "finding 1")
	assert.Contains(t, err.Error(), "epss_e5")
	var doc engines.ErrorDoc
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, engines.SchemaError, doc.Schema)
	assert.Equal(t, engines.CodeInvalidField, doc.Code)
	require.NotNil(t, doc.Index)
	assert.Equal(t, 1, *doc.Index)
	require.NotNil(t, doc.Field)
	assert.Equal(t, "epss_e5", *doc.Field)

	// With --out, the error document replaces the file whole.
	out := filepath.Join(t.TempDir(), "paths.json")
	stdout, _, code, _ = pathsRunCLI("paths", "--in", in, "--out", out)
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(written), `"code":"invalid_field"`)

	// Malformed JSON.
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[{"id": "a",]`), 0o644))
	stdout, _, code, err = pathsRunCLI("paths", "--in", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, err.Error(), "invalid_json")
	assert.Contains(t, stdout, `"code":"invalid_json"`)
}

func TestPathsOptionOutOfRange(t *testing.T) {
	in := pathsInput(t, nil)
	for _, tt := range []struct {
		args  []string
		field string
	}{
		{[]string{"--max-depth", "0"}, "max_depth"},
		{[]string{"--max-depth", "17"}, "max_depth"},
		{[]string{"--top-k", "-1"}, "top_k"},
		{[]string{"--top-k", "1000001"}, "top_k"},
	} {
		stdout, _, code, err := pathsRunCLI(append([]string{"paths", "--in", in}, tt.args...)...)
		assert.Equal(t, 1, code, "%v", tt.args)
		require.Error(t, err)
		var doc engines.ErrorDoc
		require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
		assert.Equal(t, engines.CodeInvalidOptions, doc.Code)
		assert.Nil(t, doc.Index)
		require.NotNil(t, doc.Field)
		assert.Equal(t, tt.field, *doc.Field)
	}
}

func TestPathsUsageErrors(t *testing.T) {
	in := pathsInput(t, nil)
	for _, args := range [][]string{
		{"paths"},
		{"paths", "--bogus"},
		{"paths", "--in", in, "extra"},
		{"paths", "--in", in, "--max-depth", "four"},
		{"paths", "--in", in, "--engine", "no-such-engine"},
		{"list"},
		{"list", "--in", in, "--query", "{}", "--query-file", in},
		{"list", "--in", in, "--engine", "no-such-engine"},
	} {
		stdout, _, code, err := pathsRunCLI(args...)
		assert.Equal(t, 2, code, "%v: %v", args, err)
		assert.Empty(t, stdout, "%v", args)
	}
}

func TestPathsUnreadableFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	for _, cmd := range []string{"paths", "list"} {
		stdout, _, code, err := pathsRunCLI(cmd, "--in", missing)
		assert.Equal(t, 1, code)
		require.Error(t, err)
		assert.Contains(t, err.Error(), missing)
		assert.Empty(t, stdout)
	}
}

func TestPathsHelp(t *testing.T) {
	for _, cmd := range []string{"paths", "list"} {
		_, stderr, code, _ := pathsRunCLI(cmd, "--help")
		assert.Equal(t, 0, code)
		assert.Contains(t, stderr, "Usage: aegisbench "+cmd)
		assert.Contains(t, stderr, "-in")
	}
}

func TestPathsRustFeatureFlag(t *testing.T) {
	in := pathsInput(t, nil)
	t.Setenv("AEGIS_RUST_PATHS", "true")
	_, stderr, _, _ := pathsRunCLI("paths", "--in", in)
	assert.Contains(t, stderr, "using engine rust-ffi")

	// An explicit --engine wins over the flag.
	stdout, stderr, code, err := pathsRunCLI("paths", "--in", in, "--engine", "go")
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assert.NotContains(t, stderr, "rust-ffi")
	assert.Contains(t, stdout, engines.SchemaAttackPaths)
}

func TestListCommand(t *testing.T) {
	in := pathsInput(t, func(fs []map[string]any) { fs[0]["severity_product"] = json.Number("1.50") })

	stdout, _, code, err := pathsRunCLI("list", "--in", in)
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	var page struct {
		Schema   string           `json:"schema"`
		Total    int              `json:"total"`
		Findings []map[string]any `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &page))
	assert.Equal(t, engines.SchemaFindings, page.Schema)
	assert.Equal(t, 2, page.Total)
	require.Len(t, page.Findings, 2)
	assert.Equal(t, "a", page.Findings[0]["id"])
	assert.Len(t, page.Findings[0], 56)
	assert.Contains(t, stdout, `"severity_product":1.50,`, "numbers are written as read")

	// GetFinding through --query-file.
	qf := filepath.Join(t.TempDir(), "q.json")
	require.NoError(t, os.WriteFile(qf, []byte(`{"id":"b"}`), 0o644))
	stdout, _, code, err = pathsRunCLI("list", "--in", in, "--query-file", qf)
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(stdout), &page))
	assert.Equal(t, 1, page.Total)
	assert.Equal(t, "b", page.Findings[0]["id"])

	// A bad query is bad input: invalid_options, exit 1.
	stdout, _, code, err = pathsRunCLI("list", "--in", in, "--query", `{"limit":0}`)
	assert.Equal(t, 1, code)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "limit")
	assert.True(t, strings.Contains(stdout, `"code":"invalid_options"`), stdout)

	// A finding missing one of the 56 fields.
	in = pathsInput(t, func(fs []map[string]any) { delete(fs[1], "cvss_vector") })
	stdout, _, code, err = pathsRunCLI("list", "--in", in)
	assert.Equal(t, 1, code)
	assert.Contains(t, err.Error(), "finding 1")
	assert.Contains(t, stdout, `"field":"cvss_vector"`)
}

// TestPathsTimings checks --timings writes every stage on stderr (parsed
// back by engines.ParseTimings) and leaves stdout the output document.
func TestPathsTimings(t *testing.T) {
	in := pathsInput(t, nil)
	stdout, stderr, code, err := pathsRunCLI("paths", "--engine", "go", "--in", in, "--timings")
	require.NoError(t, err)
	require.Equal(t, 0, code)
	require.True(t, json.Valid([]byte(stdout)), "stdout: %s", stdout)
	tm, err := engines.ParseTimings([]byte(stderr))
	require.NoError(t, err, "stderr: %s", stderr)
	var names []string
	for _, s := range tm.Stages {
		names = append(names, s.Name)
		assert.GreaterOrEqual(t, s.D, time.Duration(0))
	}
	assert.Equal(t, []string{engines.StageReadValidate, engines.StageCompute, engines.StageEncode, engines.StageWrite}, names)

	_, stderr, _, err = pathsRunCLI("paths", "--engine", "go", "--in", in)
	require.NoError(t, err)
	assert.NotContains(t, stderr, "timings:", "no timings unless asked")
}
