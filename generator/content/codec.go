package content

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/offheap"
)

// The codec writes plain data (the structs a Load reads files into) as bytes and reads them
// back, for the content cache (stored.go). It is driven by reflection over the Go types,
// every field included, so that a field added to the model is stored without a line here;
// a store made by a pspm whose types differ is told by the layout's hash (layoutHash) and
// ignored. It refuses what is not plain data (a non-nil interface, a function, a channel):
// such a value makes the cache unwritable, never wrong.
//
// The encoding keeps what reflect.DeepEqual tells apart: a nil slice or map from an empty
// one, a nil pointer from a pointer to the zero value, and a time's location.

// codecVersion changes whenever the encoding below changes.
const codecVersion = 1

// maxDepth bounds the nesting of pointers and containers a decoder follows: the model
// is a few levels deep, and a corrupt or hostile store must not recurse without end.
const maxDepth = 64

var errCorrupt = errors.New("corrupt content cache")

type encodeFunc func(e *encoder, v reflect.Value)
type decodeFunc func(d *decoder, v reflect.Value, depth int)

type codecFuncs struct {
	enc encodeFunc
	dec decodeFunc
}

// codecs holds the compiled functions of each type, made once per process; it is a cache
// of pure functions of the type, not state. Only complete functions are in it: a type is
// compiled, with the types it holds, under codecMu.
var (
	codecs  sync.Map // reflect.Type -> *codecFuncs
	codecMu sync.Mutex
)

var timeType = reflect.TypeFor[time.Time]()

func funcsOf(t reflect.Type) *codecFuncs {
	if f, ok := codecs.Load(t); ok {
		return f.(*codecFuncs)
	}
	codecMu.Lock()
	defer codecMu.Unlock()
	c := &compiler{pending: map[reflect.Type]*codecFuncs{}}
	f := c.funcs(t)
	for t, f := range c.pending {
		codecs.Store(t, f)
	}
	return f
}

// compiler compiles a type and the types it holds.
type compiler struct {
	pending map[reflect.Type]*codecFuncs
}

// funcs returns the functions of t, compiled or being compiled: a recursive type (a
// Feedback's Parent) refers to itself, and its functions are filled in before any runs.
func (c *compiler) funcs(t reflect.Type) *codecFuncs {
	if f, ok := codecs.Load(t); ok {
		return f.(*codecFuncs)
	}
	if f, ok := c.pending[t]; ok {
		return f
	}
	f := &codecFuncs{}
	c.pending[t] = f
	f.enc, f.dec = c.compile(t)
	return f
}

type encoder struct {
	buf     []byte
	scratch []byte // what a type that stores itself appended last
	err     error
}

func (e *encoder) uvarint(x uint64) { e.buf = binary.AppendUvarint(e.buf, x) }
func (e *encoder) varint(x int64)   { e.buf = binary.AppendVarint(e.buf, x) }
func (e *encoder) str(s string)     { e.uvarint(uint64(len(s))); e.buf = append(e.buf, s...) }
func (e *encoder) fail(t reflect.Type) {
	if e.err == nil {
		e.err = fmt.Errorf("content cache: cannot store a %v", t)
	}
}

type decoder struct {
	data []byte
	err  error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.data)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.data = d.data[n:]
	return x
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	x, n := binary.Varint(d.data)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.data = d.data[n:]
	return x
}

// length reads a length that at least min bytes each must follow.
func (d *decoder) length(min int) int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.data)/max(min, 1)) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

func (d *decoder) bytes() []byte {
	n := d.length(1)
	if d.err != nil {
		return nil
	}
	b := d.data[:n:n]
	d.data = d.data[n:]
	return b
}

func (d *decoder) str() string { return offheap.String(d.bytes()) }

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.data) == 0 {
		d.err = errCorrupt
		return 0
	}
	b := d.data[0]
	d.data = d.data[1:]
	return b
}

// settable makes v, a field that may be unexported, settable: the decoder writes into
// values it allocated itself.
func settable(v reflect.Value) reflect.Value {
	if v.CanSet() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

func (c *compiler) compile(t reflect.Type) (encodeFunc, decodeFunc) {
	if t == timeType {
		return encodeTime, decodeTime
	}
	if storesItself(t) {
		return encodeBinary, decodeBinary
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(e *encoder, v reflect.Value) {
				b := byte(0)
				if v.Bool() {
					b = 1
				}
				e.buf = append(e.buf, b)
			}, func(d *decoder, v reflect.Value, _ int) {
				switch d.byte() {
				case 0:
				case 1:
					settable(v).SetBool(true)
				default:
					d.err = errCorrupt
				}
			}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(e *encoder, v reflect.Value) { e.varint(v.Int()) },
			func(d *decoder, v reflect.Value, _ int) {
				x := d.varint()
				if v.OverflowInt(x) {
					d.err = errCorrupt
					return
				}
				settable(v).SetInt(x)
			}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(e *encoder, v reflect.Value) { e.uvarint(v.Uint()) },
			func(d *decoder, v reflect.Value, _ int) {
				x := d.uvarint()
				if v.OverflowUint(x) {
					d.err = errCorrupt
					return
				}
				settable(v).SetUint(x)
			}
	case reflect.Float32, reflect.Float64:
		return func(e *encoder, v reflect.Value) { e.uvarint(math.Float64bits(v.Float())) },
			func(d *decoder, v reflect.Value, _ int) {
				settable(v).SetFloat(math.Float64frombits(d.uvarint()))
			}
	case reflect.String:
		return func(e *encoder, v reflect.Value) { e.str(v.String()) },
			func(d *decoder, v reflect.Value, _ int) { settable(v).SetString(d.str()) }
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return func(e *encoder, v reflect.Value) {
					if v.IsNil() {
						e.uvarint(0)
						return
					}
					e.uvarint(uint64(v.Len()) + 1)
					e.buf = append(e.buf, v.Bytes()...)
				}, func(d *decoder, v reflect.Value, _ int) {
					n := d.uvarint()
					if n == 0 || d.err != nil {
						return
					}
					if n-1 > uint64(len(d.data)) {
						d.err = errCorrupt
						return
					}
					b := slices.Clone(d.data[:n-1])
					if b == nil {
						b = []byte{}
					}
					d.data = d.data[n-1:]
					settable(v).SetBytes(b)
				}
		}
		f := c.funcs(t.Elem()) // filled in later for a recursive type: the pointer holds
		return func(e *encoder, v reflect.Value) {
				if v.IsNil() {
					e.uvarint(0)
					return
				}
				e.uvarint(uint64(v.Len()) + 1)
				for i := range v.Len() {
					f.enc(e, v.Index(i))
				}
			}, func(d *decoder, v reflect.Value, depth int) {
				n := d.uvarint()
				if n == 0 || d.err != nil {
					return
				}
				if depth >= maxDepth || n-1 > uint64(len(d.data)) { // every element takes a byte at least
					d.err = errCorrupt
					return
				}
				s := reflect.MakeSlice(t, int(n-1), int(n-1))
				for i := range int(n - 1) {
					f.dec(d, s.Index(i), depth+1)
					if d.err != nil {
						return
					}
				}
				settable(v).Set(s)
			}
	case reflect.Array:
		f := c.funcs(t.Elem())
		return func(e *encoder, v reflect.Value) {
				for i := range v.Len() {
					f.enc(e, v.Index(i))
				}
			}, func(d *decoder, v reflect.Value, depth int) {
				for i := range v.Len() {
					f.dec(d, v.Index(i), depth+1)
				}
			}
	case reflect.Map:
		kf, vf := c.funcs(t.Key()), c.funcs(t.Elem())
		return encodeMap, func(d *decoder, v reflect.Value, depth int) {
			n := d.uvarint()
			if n == 0 || d.err != nil {
				return
			}
			if depth >= maxDepth || n-1 > uint64(len(d.data)) {
				d.err = errCorrupt
				return
			}
			m := reflect.MakeMapWithSize(t, int(n-1))
			for range int(n - 1) {
				k := reflect.New(t.Key()).Elem()
				kf.dec(d, k, depth+1)
				x := reflect.New(t.Elem()).Elem()
				vf.dec(d, x, depth+1)
				if d.err != nil {
					return
				}
				m.SetMapIndex(k, x)
			}
			if m.Len() != int(n-1) { // a key twice
				d.err = errCorrupt
				return
			}
			settable(v).Set(m)
		}
	case reflect.Pointer:
		elem := t.Elem()
		f := c.funcs(elem)
		return func(e *encoder, v reflect.Value) {
				if v.IsNil() {
					e.buf = append(e.buf, 0)
					return
				}
				e.buf = append(e.buf, 1)
				f.enc(e, v.Elem())
			}, func(d *decoder, v reflect.Value, depth int) {
				switch d.byte() {
				case 0:
				case 1:
					if depth >= maxDepth {
						d.err = errCorrupt
						return
					}
					p := reflect.New(elem)
					f.dec(d, p.Elem(), depth+1)
					settable(v).Set(p)
				default:
					d.err = errCorrupt
				}
			}
	case reflect.Struct:
		fields := make([]*codecFuncs, t.NumField())
		for i := range fields {
			fields[i] = c.funcs(t.Field(i).Type)
		}
		return func(e *encoder, v reflect.Value) {
				for i, f := range fields {
					f.enc(e, v.Field(i))
				}
			}, func(d *decoder, v reflect.Value, depth int) {
				for i, f := range fields {
					if d.err != nil {
						return
					}
					f.dec(d, v.Field(i), depth+1)
				}
			}
	case reflect.Interface:
		// Only a nil interface is plain data.
		return func(e *encoder, v reflect.Value) {
			if !v.IsNil() {
				e.fail(v.Elem().Type())
			}
		}, func(*decoder, reflect.Value, int) {}
	}
	return func(e *encoder, v reflect.Value) { e.fail(t) },
		func(d *decoder, _ reflect.Value, _ int) { d.err = errCorrupt }
}

// storesItself says whether the encoding of a struct of type t is its own: a type that
// appends it (encoding.BinaryAppender) and reads it back (encoding.BinaryUnmarshaler),
// such as an item's text, which the model may hold in a temporary file of this process.
func storesItself(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Kind() == reflect.Struct && p.Implements(binaryAppender) && p.Implements(binaryUnmarshaler)
}

var (
	binaryAppender    = reflect.TypeFor[encoding.BinaryAppender]()
	binaryUnmarshaler = reflect.TypeFor[encoding.BinaryUnmarshaler]()
)

// encodeBinary writes what a type that stores itself appends, as a byte string.
func encodeBinary(e *encoder, v reflect.Value) {
	if !v.CanAddr() {
		e.fail(v.Type()) // never in the model: its values are in structs and slices
		return
	}
	var err error
	e.scratch, err = settable(v).Addr().Interface().(encoding.BinaryAppender).AppendBinary(e.scratch[:0])
	if err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("content cache: %w", err)
		}
		return
	}
	e.str(unsafe.String(unsafe.SliceData(e.scratch), len(e.scratch)))
}

// decodeBinary reads back what encodeBinary wrote: a value the type refuses makes the
// store corrupt.
func decodeBinary(d *decoder, v reflect.Value, _ int) {
	b := d.bytes()
	if d.err != nil {
		return
	}
	if err := settable(v).Addr().Interface().(encoding.BinaryUnmarshaler).UnmarshalBinary(b); err != nil {
		d.err = errCorrupt
	}
}

// encodeMap writes a map's entries in the order of their encoded keys, so that the same
// map is always the same bytes.
func encodeMap(e *encoder, v reflect.Value) {
	if v.IsNil() {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(v.Len()) + 1)
	t := v.Type()
	kf, vf := funcsOf(t.Key()), funcsOf(t.Elem())
	type entry struct{ key, val []byte }
	entries := make([]entry, 0, v.Len())
	sub := &encoder{}
	for it := v.MapRange(); it.Next(); {
		sub.buf = sub.buf[:0]
		kf.enc(sub, it.Key())
		k := slices.Clone(sub.buf)
		sub.buf = sub.buf[:0]
		vf.enc(sub, it.Value())
		entries = append(entries, entry{k, slices.Clone(sub.buf)})
	}
	if sub.err != nil && e.err == nil {
		e.err = sub.err
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(string(a.key), string(b.key)) })
	for _, en := range entries {
		e.buf = append(e.buf, en.key...)
		e.buf = append(e.buf, en.val...)
	}
}

// Times keep their instant and their location: UTC, Local, or a fixed zone by name and
// offset (what parsing a date gives).
const (
	zoneUTC = iota
	zoneLocal
	zoneFixed
)

func encodeTime(e *encoder, v reflect.Value) {
	var t time.Time
	switch {
	case v.CanInterface():
		t = v.Interface().(time.Time)
	case v.CanAddr():
		t = *(*time.Time)(unsafe.Pointer(v.UnsafeAddr()))
	default:
		e.fail(timeType)
		return
	}
	e.varint(t.Unix())
	e.uvarint(uint64(t.Nanosecond()))
	switch t.Location() {
	case time.UTC:
		e.buf = append(e.buf, zoneUTC)
	case time.Local:
		e.buf = append(e.buf, zoneLocal)
	default:
		name, off := t.Zone()
		e.buf = append(e.buf, zoneFixed)
		e.str(name)
		e.varint(int64(off))
	}
}

func decodeTime(d *decoder, v reflect.Value, _ int) {
	sec := d.varint()
	nsec := d.uvarint()
	var loc *time.Location
	switch d.byte() {
	case zoneUTC:
		loc = time.UTC
	case zoneLocal:
		loc = time.Local
	case zoneFixed:
		name := d.str()
		off := d.varint()
		if off < -1<<20 || off > 1<<20 {
			d.err = errCorrupt
		}
		loc = time.FixedZone(name, int(off))
	default:
		d.err = errCorrupt
	}
	if d.err != nil || nsec >= 1e9 {
		d.err = errCorrupt
		return
	}
	t := time.Unix(sec, int64(nsec)).In(loc)
	if sec == (time.Time{}).Unix() && nsec == 0 && loc == time.UTC {
		t = time.Time{} // the zero time, as it was
	}
	settable(v).Set(reflect.ValueOf(t))
}

// layoutHash is a hash of the layout of the types given (every field's name and type,
// down to the basic kinds) and of the codec's version: a store is read only by a pspm
// whose types have the same layout.
func layoutHash(types ...reflect.Type) [32]byte {
	var b strings.Builder
	fmt.Fprintf(&b, "codec %d\n", codecVersion)
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		fmt.Fprintf(&b, "%s %s %s;", t.PkgPath(), t.String(), t.Kind())
		if seen[t] || t == timeType {
			return
		}
		if storesItself(t) {
			b.WriteString("stores itself;")
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Pointer:
			if t.Kind() == reflect.Array {
				fmt.Fprintf(&b, "[%d]", t.Len())
			}
			walk(t.Elem())
		case reflect.Map:
			walk(t.Key())
			walk(t.Elem())
		case reflect.Struct:
			for i := range t.NumField() {
				f := t.Field(i)
				fmt.Fprintf(&b, "{%s ", f.Name)
				walk(f.Type)
				b.WriteString("}")
			}
		}
	}
	for _, t := range types {
		walk(t)
		b.WriteString("\n")
	}
	return sha256.Sum256([]byte(b.String()))
}

// encodeValue appends the encoding of *p to buf.
func encodeValue[T any](buf []byte, p *T) ([]byte, error) {
	e := &encoder{buf: buf}
	funcsOf(reflect.TypeFor[T]()).enc(e, reflect.ValueOf(p).Elem())
	return e.buf, e.err
}
