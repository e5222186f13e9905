package goengine

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/jsontext"
)

// Query is a list query (spec section 7). Empty strings, an empty status
// list and MinSeverity 0 mean no filter.
type Query struct {
	ID             string
	AccountID      string
	MinSeverity    int64
	WorkflowStatus []string
	ResourceType   string
	Offset         int64
	Limit          int64
}

// Query limits of spec section 7.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// DefaultQuery returns the query with every member absent: no filter,
// offset 0, limit 100.
func DefaultQuery() Query { return Query{Limit: DefaultLimit} }

// queryMembers lists the query members in the order they are checked.
var queryMembers = [...]string{"id", "aws_account_id", "min_severity", "workflow_status", "resource_type", "offset", "limit"}

// ParseQuery reads a list query object. Empty (or all white space) input
// is the default query. Every error is invalid_options: with field "" when
// the query is not well-formed JSON (same strictness as the findings
// reader) or not an object; else naming the first member, in the order id,
// aws_account_id, min_severity, workflow_status, resource_type, offset,
// limit, that is given twice, null or of the wrong type (strings; an
// integer for min_severity; an array of strings for workflow_status), or
// out of range (offset >= 0, limit 1..10000; min_severity is any integer
// fitting in an int64); else naming the first unknown member.
func ParseQuery(data []byte) (Query, error) {
	q := DefaultQuery()
	if len(bytes.TrimLeft(data, " \t\r\n")) == 0 {
		return q, nil
	}
	s := scanner{data: data}
	syntax := func() error {
		return engines.NewOptionsError("", "query is not valid JSON: "+s.jsonError().Doc.Message)
	}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		s.fail(0, "byte-order mark before the document")
		return q, syntax()
	}
	c := s.peek()
	if c != '{' {
		if !s.skipValue() || !s.end() {
			return q, syntax()
		}
		return q, engines.NewOptionsError("", fmt.Sprintf("query must be a JSON object, not %s", kindOf(c)))
	}
	var (
		vals    [len(queryMembers)][]byte // raw value bytes
		counts  [len(queryMembers)]int
		unknown string
		scratch []byte
	)
	if !s.open() {
		return q, syntax()
	}
	if s.peek() == '}' {
		s.pos++
		s.depth--
	} else {
		for {
			key, ok := s.readKey(&scratch)
			if !ok {
				return q, syntax()
			}
			m := slices.Index(queryMembers[:], string(key))
			if m < 0 && unknown == "" {
				unknown = string(key)
			}
			start := s.pos
			if !s.skipValue() {
				return q, syntax()
			}
			if m >= 0 {
				counts[m]++
				if counts[m] == 1 {
					vals[m] = data[start:s.pos]
				}
			}
			more, ok := s.next('}')
			if !ok {
				return q, syntax()
			}
			if !more {
				break
			}
		}
	}
	if !s.end() {
		return q, syntax()
	}
	for m, name := range queryMembers {
		if counts[m] == 0 {
			continue
		}
		if counts[m] > 1 {
			return q, engines.NewOptionsError(name, name+" is given more than once")
		}
		if err := q.set(m, vals[m]); err != nil {
			return q, err
		}
	}
	if unknown != "" {
		return q, engines.NewOptionsError(unknown, fmt.Sprintf("unknown query member %q (known: %s)", unknown, strings.Join(queryMembers[:], ", ")))
	}
	return q, nil
}

// set stores member m's value, already validated as JSON.
func (q *Query) set(m int, raw []byte) error {
	name := queryMembers[m]
	s := scanner{data: raw}
	switch name {
	case "id", "aws_account_id", "resource_type":
		if raw[0] != '"' {
			return engines.NewOptionsError(name, fmt.Sprintf("%s must be a string, got %s", name, kindOf(raw[0])))
		}
		str, esc, _ := s.readString()
		if esc {
			str = jsontext.AppendUnescaped(nil, str)
		}
		switch name {
		case "id":
			q.ID = string(str)
		case "aws_account_id":
			q.AccountID = string(str)
		default:
			q.ResourceType = string(str)
		}
	case "workflow_status":
		rule := "workflow_status must be an array of strings"
		if raw[0] != '[' {
			return engines.NewOptionsError(name, fmt.Sprintf("%s, got %s", rule, kindOf(raw[0])))
		}
		s.open()
		q.WorkflowStatus = []string{}
		if s.peek() == ']' {
			return nil
		}
		for {
			if c := s.peek(); c != '"' {
				return engines.NewOptionsError(name, fmt.Sprintf("%s, got an array holding %s", rule, kindOf(c)))
			}
			str, esc, _ := s.readString()
			if esc {
				str = jsontext.AppendUnescaped(nil, str)
			}
			q.WorkflowStatus = append(q.WorkflowStatus, string(str))
			if more, _ := s.next(']'); !more {
				return nil
			}
		}
	default: // min_severity, offset, limit
		if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
			return engines.NewOptionsError(name, fmt.Sprintf("%s must be an integer, got %s", name, kindOf(raw[0])))
		}
		n, _ := s.readNumber()
		v, ok := n.int64Value()
		if !n.integer || !ok {
			return engines.NewOptionsError(name, fmt.Sprintf("%s must be an integer, got %s", name, truncate(string(raw), 40)))
		}
		switch name {
		case "min_severity":
			q.MinSeverity = v
		case "offset":
			if v < 0 {
				return engines.NewOptionsError(name, fmt.Sprintf("offset must be an integer >= 0, got %d", v))
			}
			q.Offset = v
		default:
			if v < 1 || v > MaxLimit {
				return engines.NewOptionsError(name, fmt.Sprintf("limit must be an integer in 1..%d, got %d", MaxLimit, v))
			}
			q.Limit = v
		}
	}
	return nil
}

// Store serves list queries over loaded findings kept in ascending id
// order (the reference report's in-memory finding store).
type Store struct {
	findings []FullFinding
	order    []int32 // indices into findings, ascending id
}

// NewStore indexes findings (as returned by LoadFindings, ids unique) by
// id. It keeps the slice, not a copy.
func NewStore(findings []FullFinding) *Store {
	order := make([]int32, len(findings))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(findings[a].ID, findings[b].ID) })
	return &Store{findings: findings, order: order}
}

// Len returns the number of findings.
func (s *Store) Len() int { return len(s.findings) }

// matches applies the query's filters other than id.
func (q *Query) matches(f *FullFinding) bool {
	if q.AccountID != "" && f.AccountID != q.AccountID {
		return false
	}
	if q.MinSeverity != 0 && f.SeverityNormalized < q.MinSeverity {
		return false
	}
	if len(q.WorkflowStatus) > 0 && !slices.Contains(q.WorkflowStatus, f.WorkflowStatus) {
		return false
	}
	if q.ResourceType != "" && f.ResourceType != q.ResourceType {
		return false
	}
	return true
}

// List returns the findings page document of q: {"schema":
// "aegis.findings.v1", "total": matches, "findings": the page [offset,
// offset+limit) of the matches in ascending id order}. With an id filter it
// is a binary search (GetFinding). q must come from ParseQuery or
// DefaultQuery (Limit >= 1).
func (s *Store) List(q Query) []byte {
	total, page := s.page(q)
	size := 64
	for _, f := range page {
		size += len(f.object) + 1
	}
	return appendPage(make([]byte, 0, size), total, page)
}

// AppendList appends List's document to dst.
func (s *Store) AppendList(dst []byte, q Query) []byte {
	total, page := s.page(q)
	return appendPage(dst, total, page)
}

// page returns the number of matches and the requested page of them.
func (s *Store) page(q Query) (int64, []*FullFinding) {
	candidates := s.order
	if q.ID != "" {
		i := sort.Search(len(s.order), func(i int) bool { return s.findings[s.order[i]].ID >= q.ID })
		j := i
		for j < len(s.order) && s.findings[s.order[j]].ID == q.ID {
			j++
		}
		candidates = s.order[i:j]
	}
	var total int64
	var page []*FullFinding
	for _, idx := range candidates {
		f := &s.findings[idx]
		if !q.matches(f) {
			continue
		}
		if total >= q.Offset && total-q.Offset < q.Limit {
			page = append(page, f)
		}
		total++
	}
	return total, page
}

func appendPage(dst []byte, total int64, page []*FullFinding) []byte {
	dst = append(dst, `{"schema":"`+engines.SchemaFindings+`","total":`...)
	dst = strconv.AppendInt(dst, total, 10)
	dst = append(dst, `,"findings":[`...)
	for i, f := range page {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = f.AppendJSON(dst)
	}
	return append(dst, "]}"...)
}
