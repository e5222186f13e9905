package anonymize

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/aegisbench/aegisbench/datasets/internal/findingsjson"
	"github.com/aegisbench/aegisbench/internal/jsontext"
	"github.com/aegisbench/aegisbench/internal/schema"
)

// treatment is what happens to a field's value.
type treatment uint8

const (
	keep     treatment = iota // copied as written
	ident                     // a string: the pseudonym of its kind
	text                      // free text: keyed lorem ipsum of the same length
	idList                    // an array of finding ids
	tagList                   // an array of "Key=Value" tags
	arnMaybe                  // an ARN naming an account: pseudonym; anything else kept
)

type fieldRule struct {
	t    treatment
	kind Kind
}

// rules says how each of the 56 fields (by position in schema.Fields) is
// treated: kept unless listed here. Any other member is dropped.
var rules = [schema.NumFields]fieldRule{
	schema.ID: {ident, KindID}, schema.ProductARN: {arnMaybe, KindGenerator},
	schema.GeneratorID: {arnMaybe, KindGenerator}, schema.AWSAccountID: {ident, KindAccount},
	schema.AWSAccountName: {ident, KindAccountName}, schema.Title: {text, ""}, schema.Description: {text, ""},
	schema.RemediationText: {text, ""}, schema.RemediationURL: {ident, KindURL}, schema.SourceURL: {ident, KindURL},
	schema.ResourceID: {ident, KindResource}, schema.ResourceName: {ident, KindName},
	schema.ResourceTags: {tagList, ""}, schema.VPCID: {ident, KindVPC}, schema.SubnetID: {ident, KindSubnet},
	schema.PublicIP: {ident, KindIP}, schema.IAMRoleARN: {ident, KindRole},
	schema.RelatedFindingIDs: {idList, KindID},
}

// commonTagKeys are tag keys kept as written (their values are still
// pseudonyms); any other key is a pseudonym too.
var commonTagKeys = map[string]bool{
	"Name": true, "Environment": true, "Application": true, "Team": true, "Owner": true, "CostCenter": true,
	"Project": true, "ManagedBy": true, "Compliance": true, "Backup": true, "Tier": true, "Stage": true, "Service": true,
}

// finding rewrites (or, when collecting, reads) one finding's members.
func (a *anonymizer) finding(members []findingsjson.Member, collect bool) error {
	if !collect {
		a.out = append(a.out, '{')
	}
	first := true
	for _, m := range members {
		name := string(m.Name)
		f, ok := schema.Index(name)
		if !ok {
			if !collect {
				a.st.DroppedMembers++
			}
			continue
		}
		rule, v := rules[f], m.Value
		if collect {
			if err := a.collect(name, rule, v); err != nil {
				return err
			}
			continue
		}
		if !first {
			a.out = append(a.out, ',')
		}
		first = false
		a.out = jsontext.AppendQuoted(a.out, name)
		a.out = append(a.out, ':')
		if err := a.value(name, rule, v); err != nil {
			return err
		}
	}
	if !collect {
		a.out = append(a.out, '}')
	}
	return nil
}

// wantString checks that a value of a rewritten field is a string (or null
// or a boolean, copied as they name nobody).
func wantString(name string, v findingsjson.Value) (bool, error) {
	switch v.Kind {
	case findingsjson.String:
		return true, nil
	case findingsjson.Null, findingsjson.Bool:
		return false, nil
	}
	return false, fmt.Errorf("field %s: want a string, got %s (cannot anonymize it safely)", name, v.Kind)
}

// wantStrings checks an array-of-strings field.
func wantStrings(name string, v findingsjson.Value) (bool, error) {
	switch v.Kind {
	case findingsjson.Array:
		for _, it := range v.Items {
			if it.Kind != findingsjson.String {
				return false, fmt.Errorf("field %s: want an array of strings, got an element that is %s", name, it.Kind)
			}
		}
		return true, nil
	case findingsjson.Null:
		return false, nil
	}
	return false, fmt.Errorf("field %s: want an array of strings, got %s", name, v.Kind)
}

func (a *anonymizer) collect(name string, rule fieldRule, v findingsjson.Value) error {
	switch rule.t {
	case ident, arnMaybe:
		if ok, err := wantString(name, v); !ok || err != nil {
			return err
		}
		if s := v.Str(); s != "" && (rule.t == ident || namesAccount(s)) {
			a.p.collect(rule.kind, s)
		}
	case idList:
		if ok, err := wantStrings(name, v); !ok || err != nil {
			return err
		}
		for _, it := range v.Items {
			if s := it.Str(); s != "" {
				a.p.collect(KindID, s)
			}
		}
	case tagList:
		if ok, err := wantStrings(name, v); !ok || err != nil {
			return err
		}
		for _, it := range v.Items {
			key, val, hasKey := splitTag(it.Str())
			if hasKey && !commonTagKeys[key] && key != "" {
				a.p.collect(KindTagKey, key)
			}
			if val != "" {
				a.p.collect(tagValueKind(key, hasKey), val)
			}
		}
	}
	return nil
}

func splitTag(s string) (key, val string, hasKey bool) {
	if k, v, ok := strings.Cut(s, "="); ok {
		return k, v, true
	}
	return "", s, false
}

func tagValueKind(key string, hasKey bool) Kind {
	if hasKey && key == "Name" {
		return KindName
	}
	return KindTagValue
}

// namesAccount reports an ARN with an account part.
func namesAccount(s string) bool {
	arn, ok := parseARN(s)
	return ok && arn.account != ""
}

func (a *anonymizer) value(name string, rule fieldRule, v findingsjson.Value) error {
	switch rule.t {
	case keep:
		a.out = append(a.out, v.Raw...)
	case ident, arnMaybe:
		ok, err := wantString(name, v)
		if err != nil {
			return err
		}
		s := ""
		if ok {
			s = v.Str()
		}
		if !ok || s == "" || (rule.t == arnMaybe && !namesAccount(s)) {
			a.out = append(a.out, v.Raw...)
			return nil
		}
		ps, err := a.p.get(rule.kind, s)
		if err != nil {
			return fmt.Errorf("field %s: %w", name, err)
		}
		a.out = jsontext.AppendQuoted(a.out, ps)
	case text:
		ok, err := wantString(name, v)
		if err != nil {
			return err
		}
		if !ok {
			a.out = append(a.out, v.Raw...)
			return nil
		}
		s := v.Str()
		if s != "" {
			a.st.Texts++
		}
		a.out = jsontext.AppendQuoted(a.out, a.lorem(s))
	case idList, tagList:
		ok, err := wantStrings(name, v)
		if err != nil {
			return err
		}
		if !ok {
			a.out = append(a.out, v.Raw...)
			return nil
		}
		a.out = append(a.out, '[')
		for k, it := range v.Items {
			if k > 0 {
				a.out = append(a.out, ',')
			}
			s, err := a.listItem(rule.t, it.Str())
			if err != nil {
				return fmt.Errorf("field %s[%d]: %w", name, k, err)
			}
			a.out = jsontext.AppendQuoted(a.out, s)
		}
		a.out = append(a.out, ']')
	}
	return nil
}

func (a *anonymizer) listItem(t treatment, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if t == idList {
		return a.p.get(KindID, s)
	}
	key, val, hasKey := splitTag(s)
	if val != "" {
		var err error
		if val, err = a.p.get(tagValueKind(key, hasKey), val); err != nil {
			return "", err
		}
	}
	if !hasKey {
		return val, nil
	}
	if key != "" && !commonTagKeys[key] {
		var err error
		if key, err = a.p.get(KindTagKey, key); err != nil {
			return "", err
		}
	}
	return key + "=" + val, nil
}

// loremWords is the vocabulary of replaced free text.
var loremWords = strings.Fields(`lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor
incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris
nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate velit esse cillum eu fugiat
nulla pariatur excepteur sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum`)

// lorem returns keyed lorem ipsum with as many bytes as s: the same text
// gives the same lorem, and nothing of s but its length survives.
func (a *anonymizer) lorem(s string) string {
	if s == "" {
		return ""
	}
	seed := a.p.mac("text", s)
	b := a.scratch[:0]
	var block []byte
	var counter uint64
	next := func() uint32 {
		if len(block) < 4 {
			h := hmac.New(sha256.New, seed)
			var c [8]byte
			binary.BigEndian.PutUint64(c[:], counter)
			counter++
			h.Write(c[:])
			block = h.Sum(block[:0])
		}
		x := binary.BigEndian.Uint32(block)
		block = block[4:]
		return x
	}
	capital := true
	for len(b) < len(s) {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		w := loremWords[next()%uint32(len(loremWords))]
		if capital {
			b = append(b, w[0]-'a'+'A')
			b = append(b, w[1:]...)
		} else {
			b = append(b, w...)
		}
		capital = next()%8 == 0
		if capital {
			b = append(b, '.')
		}
	}
	b = b[:len(s)]
	if len(b) > 1 {
		b[len(b)-1] = '.'
	}
	if b[len(b)-1] == ' ' {
		b[len(b)-1] = '.'
	}
	a.scratch = b
	return string(b)
}
