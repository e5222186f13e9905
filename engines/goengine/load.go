package goengine

import (
	"fmt"
	"strconv"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/jsontext"
	"github.com/aegisbench/aegisbench/internal/schema"
)

// span is a value's position in its finding's object bytes.
type span struct{ start, end uint32 }

// FullFinding is one finding of a findings document with all 56 fields.
// Each value is kept as the exact JSON bytes read (so 1.50 stays 1.50 and
// escapes stay as written) and written back unchanged by the list
// operation; the fields the filters need are also decoded. A FullFinding
// references the document it was loaded from, which must not be modified
// while the finding is in use.
type FullFinding struct {
	ID                 string
	AccountID          string
	SeverityNormalized int64
	WorkflowStatus     string
	ResourceType       string

	object []byte // the finding's object, '{' to '}'
	spans  [schema.NumFields]span
}

// Raw returns the JSON bytes of field i (an index into schema.Fields) as read.
func (f *FullFinding) Raw(i int) []byte { return f.object[f.spans[i].start:f.spans[i].end] }

// Value returns the JSON bytes of the named field as read, false when name
// is not one of the 56 fields.
func (f *FullFinding) Value(name string) ([]byte, bool) {
	i, ok := schema.Index(name)
	if !ok {
		return nil, false
	}
	return f.Raw(i), true
}

// AppendJSON appends the finding as a JSON object holding the 56 fields in
// section-6 order with their values as read; other members of the input
// object are not written.
func (f *FullFinding) AppendJSON(dst []byte) []byte {
	for i := range schema.NumFields {
		if i == 0 {
			dst = append(dst, `{"`...)
		} else {
			dst = append(dst, `,"`...)
		}
		dst = append(dst, schema.Fields[i].Name...)
		dst = append(dst, `":`...)
		dst = append(dst, f.Raw(i)...)
	}
	return append(dst, '}')
}

// LoadFindings reads a findings document with all 56 fields of every
// finding (the list operation's loader, the reference report's ServerStartup decode).
// Errors follow spec sections 5 and 7: invalid_json for a malformed
// document anywhere; else, for the first bad element in order, invalid_field
// with field "" for a non-object, or for the first of the 56 fields (in
// section-6 order) that is missing, of the wrong JSON type, or given twice
// in the object (the spec is silent on repeats; this loader rejects them as
// the engine fields are rejected); else duplicate_id for the first id equal
// to an earlier one. Values are not checked against the engine domains
// (section 7 asks for presence and JSON type only). Members other than the
// 56 are validated as JSON and otherwise ignored. The findings reference
// data (see FullFinding).
func LoadFindings(data []byte) ([]FullFinding, error) {
	l := loader{s: scanner{data: data}}
	return l.load()
}

type loader struct {
	s       scanner
	counts  [schema.NumFields]uint8
	bad     [schema.NumFields]string // what the first value was, when of the wrong type
	cur     FullFinding
	scratch []byte
	arena   stringArena
	ids     map[string]int
	out     []FullFinding
	err     *engines.Error
}

func (l *loader) load() ([]FullFinding, error) {
	s := &l.s
	empty, ok := s.arrayStart()
	if !ok {
		return nil, s.jsonError()
	}
	if !empty {
		estimate := len(s.data)/2048 + 16
		l.out = make([]FullFinding, 0, estimate)
		l.ids = make(map[string]int, estimate)
		for i := 0; ; i++ {
			if !l.element(i) {
				return nil, s.jsonError()
			}
			more, ok := s.next(']')
			if !ok {
				return nil, s.jsonError()
			}
			if !more {
				break
			}
		}
	}
	if !s.end() {
		return nil, s.jsonError()
	}
	if l.err != nil {
		return nil, l.err
	}
	if l.out == nil {
		l.out = []FullFinding{}
	}
	return l.out, nil
}

func (l *loader) element(i int) bool {
	s := &l.s
	c := s.peek()
	if l.err != nil {
		return s.skipValue()
	}
	if c != '{' {
		l.err = engines.NewFieldError(i, "", fmt.Sprintf("finding %d: must be a JSON object, not %s", i, kindOf(c)))
		return s.skipValue()
	}
	start := s.pos
	if !s.open() {
		return false
	}
	l.counts = [schema.NumFields]uint8{}
	l.cur = FullFinding{}
	guess := 0 // findings usually hold the fields in section-6 order
	if s.peek() == '}' {
		s.pos++
		s.depth--
	} else {
		for {
			key, ok := s.readKey(&l.scratch)
			if !ok {
				return false
			}
			f, known := guess, guess < schema.NumFields && string(key) == schema.Fields[guess].Name
			if !known {
				f, known = schema.Index(string(key))
			}
			if known {
				guess = f + 1
			}
			vstart := s.pos
			if !known {
				if !s.skipValue() {
					return false
				}
			} else {
				l.counts[f]++
				if l.counts[f] == 1 {
					l.bad[f] = ""
					if !l.value(f) {
						return false
					}
				} else if !s.skipValue() {
					return false
				}
				l.cur.spans[f] = span{uint32(vstart - start), uint32(s.pos - start)}
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
	l.cur.object = s.data[start:s.pos]
	l.finish(i)
	return true
}

// value reads the value of field f, noting in bad[f] a wrong JSON type and
// decoding the values the filters need.
func (l *loader) value(f int) bool {
	s := &l.s
	c := s.peek() // 0 at the end of input: skipValue reports it
	switch schema.Fields[f].Type {
	case schema.String:
		if c != '"' {
			l.bad[f] = kindOf(c)
			return s.skipValue()
		}
		raw, esc, ok := s.readString()
		if !ok {
			return false
		}
		switch f {
		case schema.ID, schema.AWSAccountID, schema.WorkflowStatus, schema.ResourceType:
			if esc {
				l.scratch = jsontext.AppendUnescaped(l.scratch[:0], raw)
				raw = l.scratch
			}
			str := l.arena.string(raw)
			switch f {
			case schema.ID:
				l.cur.ID = str
			case schema.AWSAccountID:
				l.cur.AccountID = str
			case schema.WorkflowStatus:
				l.cur.WorkflowStatus = str
			default:
				l.cur.ResourceType = str
			}
		}
		return true
	case schema.Integer, schema.Number:
		if c != '-' && (c < '0' || c > '9') {
			l.bad[f] = kindOf(c)
			return s.skipValue()
		}
		n, ok := s.readNumber()
		if !ok {
			return false
		}
		l.bad[f] = checkNumber(n, schema.Fields[f].Type)
		if l.bad[f] == "" && f == schema.SeverityNormalized {
			l.cur.SeverityNormalized, _ = n.int64Value()
		}
		return true
	case schema.Bool:
		switch c {
		case 't':
			return s.readLiteral("true")
		case 'f':
			return s.readLiteral("false")
		}
		l.bad[f] = kindOf(c)
		return s.skipValue()
	default: // arrays
		if c != '[' {
			l.bad[f] = kindOf(c)
			return s.skipValue()
		}
		return l.array(f)
	}
}

// checkNumber returns "" when n has type t, else what it is.
func checkNumber(n number, t schema.Type) string {
	if t == schema.Integer {
		if !n.integer {
			return "the number " + truncate(string(n.raw), 40)
		}
		if _, ok := n.int64Value(); !ok {
			return "the integer " + truncate(string(n.raw), 40) + ", out of int64 range"
		}
		return ""
	}
	if _, err := strconv.ParseFloat(string(n.raw), 64); err != nil {
		return "the number " + truncate(string(n.raw), 40) + ", out of binary64 range"
	}
	return ""
}

// array reads an array field, checking the type of every element.
func (l *loader) array(f int) bool {
	s := &l.s
	if !s.open() {
		return false
	}
	if s.peek() == ']' {
		s.pos++
		s.depth--
		return true
	}
	elem := schema.String
	if schema.Fields[f].Type == schema.IntegerArray {
		elem = schema.Integer
	}
	for {
		c := s.peek()
		switch {
		case elem == schema.String && c == '"':
			if _, _, ok := s.readString(); !ok {
				return false
			}
		case elem == schema.Integer && (c == '-' || (c >= '0' && c <= '9')):
			n, ok := s.readNumber()
			if !ok {
				return false
			}
			if what := checkNumber(n, schema.Integer); what != "" && l.bad[f] == "" {
				l.bad[f] = "an array holding " + what
			}
		default:
			if l.bad[f] == "" {
				l.bad[f] = "an array holding " + kindOf(c)
			}
			if !s.skipValue() {
				return false
			}
		}
		more, ok := s.next(']')
		if !ok {
			return false
		}
		if !more {
			return true
		}
	}
}

// finish checks the fields of element i in section-6 order, then its id.
func (l *loader) finish(i int) {
	for f := range schema.NumFields {
		name := schema.Fields[f].Name
		var msg string
		switch {
		case l.counts[f] == 0:
			msg = fmt.Sprintf("finding %d: %s is missing", i, name)
		case l.counts[f] > 1:
			msg = fmt.Sprintf("finding %d: %s is given more than once", i, name)
		case l.bad[f] != "":
			msg = fmt.Sprintf("finding %d: %s must be %s, got %s", i, name, schema.Fields[f].Type.Rule(), l.bad[f])
		default:
			continue
		}
		l.err = engines.NewFieldError(i, name, msg)
		return
	}
	if j, dup := l.ids[l.cur.ID]; dup {
		l.err = engines.NewDuplicateIDError(i, fmt.Sprintf("finding %d: id %s repeats the id of finding %d", i, truncate(strconv.Quote(l.cur.ID), 80), j))
		return
	}
	l.ids[l.cur.ID] = i
	l.out = append(l.out, l.cur)
}
