package meta

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/diag"
	"gopkg.in/yaml.v3"
)

// Decode decodes the mapping node n into the struct that v points to, reporting every
// problem at its position in file. Struct fields are matched by their `yaml:"key"` tag and
// further described by:
//
//	meta:"required"      the key must be present and not empty
//	enum:"a|b|c"         the value must be one of these words
//	range:"min,max"      an int or float must lie in [min, max]
//	max:"n"              a string may have at most n characters
//
// Supported field types: string, bool, int, float64, time.Time (a date), []string, structs
// and slices of structs. A field `Pos diag.Pos` with tag `yaml:"-"` receives the position
// of the mapping, and a field `At map[string]diag.Pos` with tag `yaml:"-"` the position of
// each value by key ("targets.2" for the third element of targets), so later stages can
// point at a value. Unknown keys are warnings with a did-you-mean. A field whose value is
// wrong is left at its zero value, so the result is always safe to use.
func Decode(file string, n *yaml.Node, v any, errs *diag.List) {
	if n == nil {
		return
	}
	d := decoder{file: file, errs: errs}
	d.mapping(n, reflect.ValueOf(v).Elem(), "")
}

type decoder struct {
	file string
	errs *diag.List
}

func (d *decoder) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{File: d.file, Line: n.Line, Col: n.Column}
}

// field describes one decodable struct field.
type field struct {
	index    int
	key      string
	required bool
	enum     []string
	lo, hi   float64
	ranged   bool
	max      int // characters, for strings; 0 for no limit
}

// fieldsOf returns the decodable fields of struct type t.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key := sf.Tag.Get("yaml")
		if key == "" || key == "-" {
			continue
		}
		f := field{index: i, key: key, required: sf.Tag.Get("meta") == "required"}
		if e := sf.Tag.Get("enum"); e != "" {
			f.enum = strings.Split(e, "|")
		}
		if m := sf.Tag.Get("max"); m != "" {
			f.max, _ = strconv.Atoi(m)
		}
		if r := sf.Tag.Get("range"); r != "" {
			lo, hi, _ := strings.Cut(r, ",")
			f.lo, _ = strconv.ParseFloat(lo, 64)
			f.hi, _ = strconv.ParseFloat(hi, 64)
			f.ranged = true
		}
		out = append(out, f)
	}
	return out
}

// structType is what decoding into a struct type reads of it, found once per type: every
// file of a site decodes into the same few types.
type structType struct {
	fields  []field
	keys    []string // the fields' keys, in order
	pos, at []int    // the indexes of its Pos and At fields; nil without them
}

var structTypes sync.Map // reflect.Type → *structType

// structOf is the structType of struct type t.
func structOf(t reflect.Type) *structType {
	if st, ok := structTypes.Load(t); ok {
		return st.(*structType)
	}
	st := &structType{fields: fieldsOf(t)}
	for _, f := range st.fields {
		st.keys = append(st.keys, f.key)
	}
	if f, ok := t.FieldByName("Pos"); ok && f.Type == posType {
		st.pos = f.Index
	}
	if f, ok := t.FieldByName("At"); ok && f.Type == atType {
		st.at = f.Index
	}
	got, _ := structTypes.LoadOrStore(t, st)
	return got.(*structType)
}

var (
	posType  = reflect.TypeOf(diag.Pos{})
	atType   = reflect.TypeOf(map[string]diag.Pos{})
	timeType = reflect.TypeOf(time.Time{})
)

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, prefix string) {
	if n.Kind != yaml.MappingNode {
		d.errs.Add(d.pos(n), "want keys and values (key: value), found %s", kindName(n))
		return
	}
	st := structOf(v.Type())
	if st.pos != nil {
		v.FieldByIndex(st.pos).Set(reflect.ValueOf(d.pos(n)))
	}
	var at map[string]diag.Pos
	if st.at != nil {
		at = map[string]diag.Pos{}
		v.FieldByIndex(st.at).Set(reflect.ValueOf(at))
	}
	fields, keys := st.fields, st.keys
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errs.Add(d.pos(k), "a key must be a plain word, found %s", kindName(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errs.Add(d.pos(k), "duplicate key %q (first at line %d); keep only one", prefix+k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		var f *field
		for j := range fields {
			if fields[j].key == k.Value {
				f = &fields[j]
				break
			}
		}
		if f == nil {
			if s := diag.Suggest(k.Value, keys); s != "" {
				d.errs.Warn(d.pos(k), "unknown key %q ignored; did you mean %q?", prefix+k.Value, s)
			} else {
				d.errs.Warn(d.pos(k), "unknown key %q ignored (known keys: %s)", prefix+k.Value, strings.Join(keys, ", "))
			}
			continue
		}
		if at != nil {
			at[k.Value] = d.pos(val)
		}
		d.value(val, v.Field(f.index), f, prefix+k.Value, at)
	}
	for _, f := range fields {
		if !f.required {
			continue
		}
		k, ok := seen[f.key]
		switch {
		case !ok:
			d.errs.Add(d.pos(n), "missing required key %q", prefix+f.key)
		case v.Field(f.index).IsZero():
			if val := valueOf(n, k); val != nil && (isNull(val) || val.Kind == yaml.ScalarNode && val.Value == "") {
				d.errs.Add(d.pos(k), "%q is empty; give it a value", prefix+f.key)
			}
		}
	}
}

// valueOf returns the value node that follows key node k in mapping n.
func valueOf(n, k *yaml.Node) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i] == k {
			return n.Content[i+1]
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || (n.Value == "" && n.Style == 0))
}

func (d *decoder) value(n *yaml.Node, v reflect.Value, f *field, key string, at map[string]diag.Pos) {
	if isNull(n) {
		return // an empty value leaves the default; required fields are checked by the caller
	}
	switch {
	case v.Type() == timeType:
		if t, ok := d.date(n, key); ok {
			v.Set(reflect.ValueOf(t))
		}
		return
	case v.Kind() == reflect.Struct:
		d.mapping(n, v, key+".")
		return
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct:
		if n.Kind != yaml.SequenceNode {
			d.errs.Add(d.pos(n), "%q: want a list (each element on a line starting with - ), found %s", key, kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.mapping(c, s.Index(i), key+"["+strconv.Itoa(i)+"].")
		}
		v.Set(s)
		return
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		items := n.Content
		if n.Kind == yaml.ScalarNode { // a single value where a list is wanted: a one-element list
			items = []*yaml.Node{n}
		} else if n.Kind != yaml.SequenceNode {
			d.errs.Add(d.pos(n), "%q: want a list like [a, b], found %s", key, kindName(n))
			return
		}
		out := make([]string, 0, len(items))
		for i, c := range items {
			if s, ok := d.scalar(c, key); ok {
				if f != nil && f.enum != nil && !d.enum(c, s, f.enum, key) {
					continue
				}
				if at != nil {
					at[key+"."+strconv.Itoa(i)] = d.pos(c)
				}
				out = append(out, s)
			}
		}
		v.Set(reflect.ValueOf(out))
		return
	}
	s, ok := d.scalar(n, key)
	if !ok {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if f != nil && f.enum != nil && s != "" && !d.enum(n, s, f.enum, key) { // "" is "not set"
			return
		}
		if f != nil && f.max > 0 {
			if l := utf8.RuneCountInString(s); l > f.max {
				d.errs.Add(d.pos(n), "%q is %d characters long; keep it under %d", key, l, f.max)
				return
			}
		}
		v.SetString(s)
	case reflect.Bool:
		switch s {
		case "true":
			v.SetBool(true)
		case "false":
		default:
			d.errs.Add(d.pos(n), "%q: want true or false, found %q (YAML 1.1 words like yes, no, on, off are ambiguous)", key, s)
		}
	case reflect.Int:
		i, ok := d.int(n, s, key)
		if ok && d.inRange(n, float64(i), f, key) {
			v.SetInt(int64(i))
		}
	case reflect.Float64:
		x, ok := d.float(n, s, key)
		if ok && d.inRange(n, x, f, key) {
			v.SetFloat(x)
		}
	}
}

// scalar returns the text of a scalar node; it reports lists and mappings where a single
// value is wanted.
func (d *decoder) scalar(n *yaml.Node, key string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.errs.Add(d.pos(n), "%q: want a single value, found %s", key, kindName(n))
		return "", false
	}
	if n.Tag == "!!binary" {
		d.errs.Add(d.pos(n), "%q: binary values are not allowed", key)
		return "", false
	}
	return n.Value, true
}

func (d *decoder) enum(n *yaml.Node, s string, allowed []string, key string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	msg := ""
	if sug := diag.Suggest(s, allowed); sug != "" {
		msg = "; did you mean " + strconv.Quote(sug) + "?"
	}
	d.errs.Add(d.pos(n), "unknown %s %q (want one of: %s)%s", lastKey(key), s, strings.Join(allowed, ", "), msg)
	return false
}

// lastKey names a key path by its last element, for messages: "answer.status" -> "status".
func lastKey(key string) string {
	if i := strings.LastIndexAny(key, ".]"); i >= 0 && i+1 < len(key) {
		return key[i+1:]
	}
	return key
}

var intRE = regexp.MustCompile(`^[-+]?[0-9]+$`)

func (d *decoder) int(n *yaml.Node, s, key string) (int, bool) {
	if intRE.MatchString(s) {
		digits := strings.TrimLeft(s, "+-")
		if len(digits) > 1 && digits[0] == '0' {
			d.errs.Add(d.pos(n), "%q: %s has a leading zero, which YAML 1.1 reads as octal; write %s", key, s, strings.TrimLeft(digits, "0"))
			return 0, false
		}
		i, err := strconv.Atoi(s)
		if err != nil {
			d.errs.Add(d.pos(n), "%q: %s is too large", key, s)
			return 0, false
		}
		return i, true
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		d.errs.Add(d.pos(n), "%q: want a whole number, found %s", key, s)
		return 0, false
	}
	d.errs.Add(d.pos(n), "%q: want a whole number, found %q", key, s)
	return 0, false
}

var floatRE = regexp.MustCompile(`^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$`)

func (d *decoder) float(n *yaml.Node, s, key string) (float64, bool) {
	if !floatRE.MatchString(s) {
		if strings.Contains(s, ",") {
			d.errs.Add(d.pos(n), "%q: want a number, found %q; write decimals with a point (1.5), not a comma", key, s)
		} else {
			d.errs.Add(d.pos(n), "%q: want a number, found %q", key, s)
		}
		return 0, false
	}
	digits := strings.TrimLeft(s, "+-")
	if len(digits) > 1 && digits[0] == '0' && digits[1] != '.' && !strings.ContainsAny(digits, "eE") {
		d.errs.Add(d.pos(n), "%q: %s has a leading zero, which YAML 1.1 reads as octal; write %s", key, s, strings.TrimLeft(digits, "0"))
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		d.errs.Add(d.pos(n), "%q: %s is out of range", key, s)
		return 0, false
	}
	return x, true
}

func (d *decoder) inRange(n *yaml.Node, x float64, f *field, key string) bool {
	if f == nil || !f.ranged || (x >= f.lo && x <= f.hi) {
		return true
	}
	d.errs.Add(d.pos(n), "%q: %s is out of range (want %s to %s)", key, n.Value,
		strconv.FormatFloat(f.lo, 'f', -1, 64), strconv.FormatFloat(f.hi, 'f', -1, 64))
	return false
}

// date parses YYYY-MM-DD or RFC 3339. Dates are kept in UTC so that output never depends
// on the machine's time zone.
func (d *decoder) date(n *yaml.Node, key string) (time.Time, bool) {
	s, ok := d.scalar(n, key)
	if !ok {
		return time.Time{}, false
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse("2006-01-02 15:04:05", s); err == nil {
		return t, true
	}
	hint := "write it as YYYY-MM-DD, e.g. 2025-03-31"
	if len(s) == 10 && (s[2] == '/' || s[2] == '-' || s[2] == '.') {
		hint = "write it as YYYY-MM-DD (year first), e.g. " + s[6:10] + "-" + s[3:5] + "-" + s[0:2]
	}
	d.errs.Add(d.pos(n), "%q: %q is not a valid date; %s", key, s, hint)
	return time.Time{}, false
}

// Strings decodes a flat YAML mapping of strings, such as a translation file, reporting
// values that are not single strings and duplicate keys.
func Strings(file string, data []byte, errs *diag.List) map[string]string {
	out := map[string]string{}
	if !CheckText(file, data, errs) {
		return out
	}
	n := Parse(file, 1, data, errs)
	if n == nil {
		return out
	}
	d := decoder{file: file, errs: errs}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if _, dup := out[k.Value]; dup {
			d.errs.Add(d.pos(k), "duplicate key %q; keep only one", k.Value)
			continue
		}
		if s, ok := d.scalar(v, k.Value); ok {
			out[k.Value] = s
		}
	}
	return out
}

// KeyAt returns the position of the top-level key of the mapping n whose name, without
// case, is one of names, and the name as written; ok is false when there is none. It lets
// a caller refuse a key Decode would only warn about (personal data that must not be
// published, say).
func KeyAt(file string, n *yaml.Node, names ...string) (at diag.Pos, key string, ok bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return diag.Pos{}, "", false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		for _, name := range names {
			if k.Kind == yaml.ScalarNode && strings.EqualFold(k.Value, name) {
				return diag.Pos{File: file, Line: k.Line, Col: k.Column}, k.Value, true
			}
		}
	}
	return diag.Pos{}, "", false
}
