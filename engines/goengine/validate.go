package goengine

import (
	"fmt"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/jsontext"
)

// The 11 engine fields in table order (spec section 1): the order in which
// they are checked.
const (
	fieldID = iota
	fieldAccount
	fieldSeverity
	fieldStatus
	fieldResource
	fieldVPC
	fieldExposure
	fieldRole
	fieldClass
	fieldEPSS
	fieldTactic
	numEngineFields
)

// EngineFields lists the 11 engine fields in table order.
var EngineFields = [numEngineFields]string{
	"id", "aws_account_id", "severity_normalized", "workflow_status", "resource_id",
	"vpc_id", "network_exposure", "iam_role_arn", "data_classification", "epss_e5",
	"mitre_tactic_id",
}

// engineFieldIndex returns the table position of member name key, or -1.
func engineFieldIndex(key []byte) int {
	switch string(key) {
	case "id":
		return fieldID
	case "aws_account_id":
		return fieldAccount
	case "severity_normalized":
		return fieldSeverity
	case "workflow_status":
		return fieldStatus
	case "resource_id":
		return fieldResource
	case "vpc_id":
		return fieldVPC
	case "network_exposure":
		return fieldExposure
	case "iam_role_arn":
		return fieldRole
	case "data_classification":
		return fieldClass
	case "epss_e5":
		return fieldEPSS
	case "mitre_tactic_id":
		return fieldTactic
	}
	return -1
}

// fieldRule is the domain message of each engine field.
var fieldRule = [numEngineFields]string{
	"id must be a non-empty string",
	"aws_account_id must be a non-empty string",
	"severity_normalized must be an integer in 0..100",
	"workflow_status must be one of NEW, NOTIFIED, RESOLVED, SUPPRESSED",
	"resource_id must be a non-empty string",
	"vpc_id must be a string",
	"network_exposure must be one of INTERNET, VPC, PRIVATE, NONE",
	"iam_role_arn must be a string",
	"data_classification must be one of NONE, INTERNAL, CONFIDENTIAL, RESTRICTED",
	"epss_e5 must be an integer in 0..100000",
	"mitre_tactic_id must be one of the 14 ATT&CK enterprise tactic ids (TA0043 .. TA0040)",
}

// slot is what one element holds for one engine field.
type slot struct {
	count int
	first byte   // first byte of the (first) value
	raw   []byte // string content (raw) or number token
	esc   bool   // the string had escapes
	isInt bool   // the number had no fraction or exponent
}

// stringArena copies strings into large shared chunks: one allocation per
// chunk instead of one per string. Chunks are never written after a string
// is cut from them, so the strings are immutable as Go requires.
type stringArena struct {
	buf []byte
}

const arenaChunk = 64 << 10

func (a *stringArena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(a.buf)+len(b) > cap(a.buf) {
		a.buf = make([]byte, 0, max(arenaChunk, len(b)))
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[start], len(b))
}

// Decode reads a findings document (spec section 1) and returns the engine
// fields of every finding in document order, or the spec's error (section
// 5): invalid_json for a malformed document anywhere (it wins over any field
// error), else the first element that is not an object or has a bad engine
// field (fields checked in table order), else the first duplicate id.
// Members other than the 11 engine fields are validated as JSON only.
func Decode(data []byte) ([]Finding, error) {
	d := decoder{s: scanner{data: data, eof: true}, size: len(data)}
	return d.decode()
}

type decoder struct {
	s       scanner
	slots   [numEngineFields]slot
	scratch []byte // unescaped member names and string values
	arena   stringArena
	ids     stringIndex // positions in out, which are document indices
	out     []Finding
	err     *engines.Error // first field or duplicate error
	size    int            // the document's size when known (estimates)
	// streaming stores each distinct shared string once (see shared):
	// sharedStrs holds them in chunks of sharedChunk (grown without
	// copying), sharedIndex finds them.
	// sharedLast is the last value of each field: neighbouring findings
	// often share it, and comparing is cheaper than looking it up.
	streaming   bool
	sharedStrs  [][]string
	sharedIndex stringIndex
	sharedLast  [numEngineFields]string
}

// decode reads the document. Each step (the array's start; an element and
// the separator after it) starts from a mark; when it fails because a
// streamed window ended (scanner.retry), its effects are undone and it runs
// again from the mark in a longer window.
func (d *decoder) decode() ([]Finding, error) {
	s := &d.s
	var empty, ok bool
	for {
		empty, ok = s.arrayStart()
		if ok && !empty && s.pos >= len(s.data) && !s.eof {
			ok = s.fail(s.pos, "end of window") // the first element is not in it yet
		}
		if ok {
			break
		}
		s.depth = 0
		if !s.retry(0) {
			return nil, s.jsonError()
		}
	}
	if !empty {
		estimate := max(d.size, len(s.data))/2048 + 16
		d.out = make([]Finding, 0, estimate)
		d.ids = newStringIndex(estimate, func(pos int) string { return d.out[pos].ID })
		for i := 0; ; i++ {
			mark, depth, saved, kept := s.pos, s.depth, d.err, len(d.out)
			var more bool
			for {
				if d.element(i) {
					if more, ok = s.next(']'); ok {
						break
					}
				}
				if !s.retry(mark) {
					return nil, s.jsonError()
				}
				if len(d.out) > kept { // element i was kept: forget it
					d.ids.removeLast(kept, d.out[kept].ID)
					d.out = d.out[:kept]
				}
				s.depth, d.err, mark = depth, saved, 0
			}
			if !more {
				break
			}
		}
	}
	if !s.drain() || !s.end() {
		return nil, s.jsonError()
	}
	if d.err != nil {
		return nil, d.err
	}
	if d.out == nil {
		d.out = []Finding{}
	}
	return d.out, nil
}

// element reads element i; it returns false on a syntax error only. Once a
// field error is recorded, the rest of the document is only validated.
func (d *decoder) element(i int) bool {
	s := &d.s
	c := s.peek()
	if d.err != nil {
		return s.skipValue()
	}
	if c != '{' {
		d.err = engines.NewFieldError(i, "", fmt.Sprintf("finding %d: must be a JSON object, not %s", i, kindOf(c)))
		return s.skipValue()
	}
	if !s.open() {
		return false
	}
	d.slots = [numEngineFields]slot{}
	if s.peek() == '}' {
		s.pos++
		s.depth--
	} else {
		for {
			key, ok := s.readKey(&d.scratch)
			if !ok {
				return false
			}
			f := engineFieldIndex(key)
			if f < 0 {
				if !s.skipValue() {
					return false
				}
			} else if !d.member(&d.slots[f]) {
				return false
			}
			more, ok := s.next('}')
			if !ok {
				return false
			}
			if !more {
				break
			}
		}
	}
	d.finish(i)
	return true
}

// member reads the value of an engine field into sl.
func (d *decoder) member(sl *slot) bool {
	s := &d.s
	sl.count++
	if sl.count > 1 {
		return s.skipValue()
	}
	c := s.peek() // 0 at the end of input: skipValue reports it
	sl.first = c
	switch {
	case c == '"':
		raw, esc, ok := s.readString()
		sl.raw, sl.esc = raw, esc
		return ok
	case c == '-' || (c >= '0' && c <= '9'):
		n, ok := s.readNumber()
		sl.raw, sl.isInt = n.raw, n.integer
		return ok
	default:
		return s.skipValue()
	}
}

// finish checks the slots of element i in table order, recording the first
// error or appending the finding.
func (d *decoder) finish(i int) {
	var f Finding
	for k := range numEngineFields {
		sl := &d.slots[k]
		if sl.count != 1 {
			what := "is missing"
			if sl.count > 1 {
				what = "is given more than once"
			}
			d.err = engines.NewFieldError(i, EngineFields[k], fmt.Sprintf("finding %d: %s %s", i, EngineFields[k], what))
			return
		}
		if !d.setField(&f, k, sl) {
			var got string
			switch sl.first {
			case '"':
				got = strconv.Quote(string(d.value(sl)))
			case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
				got = string(sl.raw)
			default:
				got = kindOf(sl.first)
			}
			d.err = engines.NewFieldError(i, EngineFields[k], fmt.Sprintf("finding %d: %s, got %s", i, fieldRule[k], truncate(got, 80)))
			return
		}
	}
	j, hash, dup := d.ids.find(f.ID)
	if dup {
		d.err = engines.NewDuplicateIDError(i, fmt.Sprintf("finding %d: id %s repeats the id of finding %d", i, truncate(strconv.Quote(f.ID), 80), j))
		return
	}
	d.out = append(d.out, f)
	d.ids.add(len(d.out)-1, hash)
}

// value returns a slot's string value unescaped (in scratch) or its raw
// number token.
func (d *decoder) value(sl *slot) []byte {
	if sl.esc {
		d.scratch = jsontext.AppendUnescaped(d.scratch[:0], sl.raw)
		return d.scratch
	}
	return sl.raw
}

// setField validates slot sl as engine field k and stores it in f.
func (d *decoder) setField(f *Finding, k int, sl *slot) bool {
	switch k {
	case fieldSeverity, fieldEPSS:
		if sl.first != '-' && (sl.first < '0' || sl.first > '9') || !sl.isInt {
			return false
		}
		v, ok := number{raw: sl.raw}.int64Value()
		limit := int64(100)
		if k == fieldEPSS {
			limit = 100000
		}
		if !ok || v < 0 || v > limit {
			return false
		}
		if k == fieldEPSS {
			f.EPSSE5 = int32(v)
		} else {
			f.SeverityNormalized = int32(v)
		}
		return true
	}
	if sl.first != '"' {
		return false
	}
	v := d.value(sl)
	switch k {
	case fieldID, fieldAccount, fieldResource:
		if len(v) == 0 {
			return false
		}
		switch k {
		case fieldID:
			f.ID = d.arena.string(v)
		case fieldAccount:
			f.AccountID = d.shared(k, v)
		default:
			f.ResourceID = d.shared(k, v)
		}
	case fieldVPC:
		f.VPCID = d.shared(k, v)
	case fieldRole:
		f.IAMRoleARN = d.shared(k, v)
	case fieldStatus:
		f.WorkflowStatus = ParseWorkflowStatus(v)
		return f.WorkflowStatus != 0
	case fieldExposure:
		f.NetworkExposure = ParseExposure(v)
		return f.NetworkExposure != 0
	case fieldClass:
		f.DataClassification = ParseClassification(v)
		return f.DataClassification != 0
	case fieldTactic:
		f.Tactic = ParseTactic(v)
		return f.Tactic != 0
	}
	return true
}

// shared returns a string value that many findings repeat (account,
// resource, VPC, role). Streaming, each distinct value is stored once, so a
// document larger than memory fits; in memory, where the document itself
// is the larger cost, it is copied as ids are. k is the field.
func (d *decoder) shared(k int, v []byte) string {
	if !d.streaming {
		return d.arena.string(v)
	}
	if last := d.sharedLast[k]; last == string(v) {
		return last
	}
	s := d.intern(v)
	d.sharedLast[k] = s
	return s
}

// intern returns the stored copy of v, storing it first when new.
func (d *decoder) intern(v []byte) string {
	if d.sharedIndex.slots == nil {
		d.sharedIndex = newStringIndex(1<<10, func(pos int) string { return d.sharedStrs[pos/sharedChunk][pos%sharedChunk] })
	}
	// find keeps no reference to its argument: a view of v is enough.
	pos, hash, ok := d.sharedIndex.find(unsafe.String(unsafe.SliceData(v), len(v)))
	if ok {
		return d.sharedStrs[pos/sharedChunk][pos%sharedChunk]
	}
	last := len(d.sharedStrs) - 1
	if last < 0 || len(d.sharedStrs[last]) == sharedChunk {
		d.sharedStrs = append(d.sharedStrs, make([]string, 0, sharedChunk))
		last++
	}
	s := d.arena.string(v)
	d.sharedStrs[last] = append(d.sharedStrs[last], s)
	d.sharedIndex.add(last*sharedChunk+len(d.sharedStrs[last])-1, hash)
	return s
}

// sharedChunk is the number of strings in a chunk of decoder.sharedStrs.
const sharedChunk = 1 << 14

// truncate shortens s for messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
