package anonymize

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Kind is a class of identifiers sharing one pseudonym table: equal values
// of a kind get equal pseudonyms, different values different ones.
type Kind string

// Identifier kinds.
const (
	KindID          Kind = "id"           // id, related_finding_ids
	KindAccount     Kind = "account"      // aws_account_id and the account part of ARNs
	KindAccountName Kind = "account_name" // aws_account_name
	KindResource    Kind = "resource"     // resource_id
	KindRole        Kind = "role"         // iam_role_arn
	KindVPC         Kind = "vpc"          // vpc_id
	KindSubnet      Kind = "subnet"       // subnet_id
	KindName        Kind = "name"         // resource_name, the value of a Name= tag
	KindTagKey      Kind = "tag_key"      // tag keys outside the list of common keys
	KindTagValue    Kind = "tag_value"    // other tag values
	KindGenerator   Kind = "generator"    // generator_id and product_arn when they name an account
	KindIP          Kind = "ip"           // public_ip
	KindURL         Kind = "url"          // remediation_url, source_url
)

// orderedKinds get order-preserving pseudonyms under KeepOrder, accounts
// first (ARN pseudonyms embed the account's).
var orderedKinds = []Kind{KindAccount, KindID, KindAccountName, KindResource, KindRole, KindVPC, KindSubnet, KindName, KindTagKey, KindTagValue}

// table is one kind's pseudonyms.
type table struct {
	kind Kind
	// forward holds the pseudonym of each original value seen (always for
	// small kinds and under KeepOrder; else only when a mapping is asked
	// for: pseudonyms are then a pure function of the value).
	forward map[string]string
	// owner holds, per pseudonym, a digest of the value it was given to:
	// a second value reaching the same pseudonym is a collision.
	owner map[string][16]byte
	// values collects the distinct values (KeepOrder, first pass).
	values map[string]struct{}
}

// pseudonymizer derives keyed pseudonyms.
type pseudonymizer struct {
	key       []byte
	keepOrder bool
	keepMap   bool
	tables    map[Kind]*table
	tokenHex  int // hex digits of wide tokens (24 = 96 bits); tests shrink it
}

func newPseudonymizer(key []byte, keepOrder, keepMap bool) *pseudonymizer {
	p := &pseudonymizer{key: key, keepOrder: keepOrder, keepMap: keepMap, tables: map[Kind]*table{}, tokenHex: 24}
	return p
}

func (p *pseudonymizer) table(k Kind) *table {
	t := p.tables[k]
	if t == nil {
		t = &table{kind: k, forward: map[string]string{}, owner: map[string][16]byte{}, values: map[string]struct{}{}}
		p.tables[k] = t
	}
	return t
}

// mac returns HMAC-SHA256(key, kind NUL value).
func (p *pseudonymizer) mac(k Kind, v string) []byte {
	h := hmac.New(sha256.New, p.key)
	h.Write([]byte(k))
	h.Write([]byte{0})
	h.Write([]byte(v))
	return h.Sum(nil)
}

func (p *pseudonymizer) token(k Kind, v string, hexDigits int) string {
	s := hex.EncodeToString(p.mac(k, v))
	return s[:min(hexDigits, len(s))]
}

// CollisionError reports two different values of a kind that received the
// same pseudonym: equality would not survive, so nothing is written.
type CollisionError struct {
	Kind      Kind
	Pseudonym string
}

func (e *CollisionError) Error() string {
	return fmt.Sprintf("pseudonym collision in kind %s: two different values map to %q (equality would not survive; nothing written: try another key)", e.Kind, e.Pseudonym)
}

// claim records that value v of table t has pseudonym ps, failing on a
// collision.
func (p *pseudonymizer) claim(t *table, v, ps string) error {
	d := sha256.Sum256([]byte(v))
	var digest [16]byte
	copy(digest[:], d[:16])
	if prev, ok := t.owner[ps]; ok && prev != digest {
		return &CollisionError{Kind: t.kind, Pseudonym: ps}
	}
	t.owner[ps] = digest
	if p.keepMap || p.keepOrder {
		t.forward[v] = ps
	}
	return nil
}

// get returns the pseudonym of v (non-empty) of kind k.
func (p *pseudonymizer) get(k Kind, v string) (string, error) {
	t := p.table(k)
	if ps, ok := t.forward[v]; ok {
		return ps, nil
	}
	if p.keepOrder && k != KindIP && k != KindURL && k != KindGenerator {
		return "", fmt.Errorf("internal: %s value not collected in the first pass", k)
	}
	ps, err := p.derive(k, v)
	if err != nil {
		return "", err
	}
	if k == KindIP {
		// 32 bits: collisions are expected among many addresses; probe.
		for n := 1; ; n++ {
			if _, taken := t.owner[ps]; !taken {
				break
			}
			ps = p.ipv4(v + "\x00" + strconv.Itoa(n))
		}
		t.forward[v] = ps
	}
	return ps, p.claim(t, v, ps)
}

// derive computes the (order-free) pseudonym of v.
func (p *pseudonymizer) derive(k Kind, v string) (string, error) {
	switch k {
	case KindAccount:
		return p.account(v), nil
	case KindID, KindResource, KindRole, KindGenerator:
		if a, ok := parseARN(v); ok {
			return p.arn(k, a, "")
		}
		return p.plain(k, v), nil
	case KindVPC:
		return "vpc-" + p.token(k, v, 17), nil
	case KindSubnet:
		return "subnet-" + p.token(k, v, 17), nil
	case KindIP:
		if _, err := netip.ParseAddr(v); err == nil && strings.Count(v, ".") == 3 {
			return p.ipv4(v), nil
		}
		return "ip-" + p.token(k, v, 16), nil
	case KindURL:
		return p.url(v), nil
	}
	return p.plain(k, v), nil
}

// prefixes are the pseudonym prefixes of plain tokens.
var prefixes = map[Kind]string{
	KindID: "finding", KindAccount: "acct", KindAccountName: "account", KindResource: "resource", KindRole: "role",
	KindVPC: "vpc", KindSubnet: "subnet", KindName: "name", KindTagKey: "k", KindTagValue: "v", KindGenerator: "generator",
}

// idPrefixes are the id prefixes kept by plain pseudonyms of ids and
// resources: AWS resource id forms and scanner names, which name no one.
var idPrefixes = map[string]bool{
	"i": true, "sg": true, "sgr": true, "vpc": true, "vpce": true, "subnet": true, "eni": true, "vol": true,
	"snap": true, "ami": true, "igw": true, "nat": true, "rtb": true, "acl": true, "eipalloc": true,
	"lt": true, "tgw": true, "pcx": true, "prowler": true,
}

// plain returns a keyed token; pseudonyms of ids and resources keep an AWS
// id prefix ("i-", "sg-", "prowler-") when the value has one.
func (p *pseudonymizer) plain(k Kind, v string) string {
	prefix := prefixes[k]
	if k == KindID || k == KindResource {
		if i := strings.IndexByte(v, '-'); i > 0 && idPrefixes[v[:i]] {
			prefix = v[:i]
		}
	}
	return prefix + "-" + p.token(k, v, p.tokenHex)
}

func isLowerAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != "" && s[0] >= 'a' && s[0] <= 'z'
}

// account keeps the form of an account id: n digits stay n digits (no
// leading zero), anything else becomes a token.
func (p *pseudonymizer) account(v string) string {
	if len(v) >= 4 && len(v) <= 18 && isDigits(v) {
		lo := pow10(len(v) - 1)
		span := 9 * lo
		x := binary.BigEndian.Uint64(p.mac(KindAccount, v)) % span
		return strconv.FormatUint(lo+x, 10)
	}
	return "acct-" + p.token(KindAccount, v, p.tokenHex)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func pow10(n int) uint64 {
	x := uint64(1)
	for range n {
		x *= 10
	}
	return x
}

func (p *pseudonymizer) ipv4(v string) string {
	m := p.mac(KindIP, v)
	return fmt.Sprintf("%d.%d.%d.%d", m[0], m[1], m[2], m[3])
}

// arnParts is an ARN: arn:partition:service:region:account:resource.
type arnParts struct {
	partition, service, region, account, resource string
}

func parseARN(v string) (arnParts, bool) {
	f := strings.SplitN(v, ":", 6)
	if len(f) != 6 || f[0] != "arn" {
		return arnParts{}, false
	}
	return arnParts{f[1], f[2], f[3], f[4], f[5]}, true
}

// resourceType returns the leading resource type of an ARN's resource part
// ("instance/", "role/", "db:") when it looks like one.
func resourceType(res string) string {
	i := strings.IndexAny(res, "/:")
	if i <= 0 || i > 40 {
		return ""
	}
	for _, c := range res[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return ""
		}
	}
	return res[:i+1]
}

// arn keeps an ARN's structure: partition, service, region and resource
// type stay, the account is the account's pseudonym and the rest of the
// resource a token (or rank, under KeepOrder).
func (p *pseudonymizer) arn(k Kind, a arnParts, rank string) (string, error) {
	acct := ""
	if a.account != "" {
		var err error
		if acct, err = p.get(KindAccount, a.account); err != nil {
			return "", err
		}
	}
	rest := rank
	if rest == "" {
		rest = p.token(k, "arn:"+a.partition+":"+a.service+":"+a.region+":"+a.account+":"+a.resource, p.tokenHex)
	}
	return "arn:" + a.partition + ":" + a.service + ":" + a.region + ":" + acct + ":" + resourceType(a.resource) + rest, nil
}

// url keeps a URL's scheme and host; the path becomes a token.
func (p *pseudonymizer) url(v string) string {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok || scheme == "" || !isLowerAlnum(strings.ToLower(scheme)) {
		return "https://example.invalid/" + p.token(KindURL, v, 16)
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if strings.ContainsAny(host, "@") { // user info may name someone
		host = "example.invalid"
	}
	return scheme + "://" + host + "/" + p.token(KindURL, v, 16)
}

// collect remembers a value for the KeepOrder assignment.
func (p *pseudonymizer) collect(k Kind, v string) {
	if a, ok := parseARN(v); ok && (k == KindID || k == KindResource || k == KindRole || k == KindGenerator) && a.account != "" {
		p.table(KindAccount).values[a.account] = struct{}{}
	}
	if k == KindIP || k == KindURL || k == KindGenerator {
		return
	}
	p.table(k).values[v] = struct{}{}
}

// assignOrdered gives every collected value an order-preserving pseudonym:
// sorted distinct values get ranks; accounts of n digits stay n digits
// (strided), ARN kinds keep their structure when that keeps the order
// (else fall back to plain rank tokens), others are prefix-rank-token.
func (p *pseudonymizer) assignOrdered() error {
	for _, k := range orderedKinds {
		t := p.table(k)
		vals := make([]string, 0, len(t.values))
		for v := range t.values {
			vals = append(vals, v)
		}
		slices.Sort(vals)
		t.values = nil
		width := max(6, len(strconv.Itoa(len(vals))))
		rankToken := func(r int, v string) string {
			return fmt.Sprintf("%0*d-%s", width, r, p.token(k, v, 8))
		}
		ps := make([]string, len(vals))
		switch {
		case k == KindAccount && sameDigits(vals):
			n := len(vals[0])
			lo := pow10(n - 1)
			stride := 9 * lo / uint64(len(vals))
			if stride == 0 {
				return fmt.Errorf("too many %d-digit accounts (%d) for order-preserving %d-digit pseudonyms", n, len(vals), n)
			}
			for r, v := range vals {
				jitter := binary.BigEndian.Uint64(p.mac(k, v)) % stride
				ps[r] = strconv.FormatUint(lo+uint64(r)*stride+jitter, 10)
			}
		case k == KindID || k == KindResource || k == KindRole:
			ok := true
			for r, v := range vals {
				a, isARN := parseARN(v)
				if !isARN {
					ok = false
					break
				}
				s, err := p.arn(k, a, rankToken(r, v))
				if err != nil {
					return err
				}
				ps[r] = s
				if r > 0 && ps[r] <= ps[r-1] {
					ok = false
					break
				}
			}
			if ok {
				break
			}
			fallthrough
		default:
			for r, v := range vals {
				ps[r] = prefixes[k] + "-" + rankToken(r, v)
			}
		}
		for r, v := range vals {
			if r > 0 && ps[r] <= ps[r-1] {
				return fmt.Errorf("internal: %s pseudonyms out of order", k)
			}
			if err := p.claim(t, v, ps[r]); err != nil {
				return err
			}
		}
	}
	return nil
}

// sameDigits reports values all made of the same number (4..18) of digits.
func sameDigits(vals []string) bool {
	if len(vals) == 0 {
		return false
	}
	n := len(vals[0])
	if n < 4 || n > 18 {
		return false
	}
	for _, v := range vals {
		if len(v) != n || !isDigits(v) {
			return false
		}
	}
	return true
}

// writeMapping writes "kind<TAB>original<TAB>pseudonym" lines (Go-quoted
// strings), sorted by kind then original.
func (p *pseudonymizer) writeMapping(b *bytes.Buffer) {
	kinds := make([]string, 0, len(p.tables))
	for k := range p.tables {
		kinds = append(kinds, string(k))
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		t := p.tables[Kind(k)]
		vals := make([]string, 0, len(t.forward))
		for v := range t.forward {
			vals = append(vals, v)
		}
		slices.Sort(vals)
		for _, v := range vals {
			fmt.Fprintf(b, "%s\t%s\t%s\n", k, strconv.Quote(v), strconv.Quote(t.forward[v]))
		}
	}
}
