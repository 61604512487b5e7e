package ctiproto

import (
	"fmt"
	"math/bits"
	"reflect"
	"strconv"
	"time"

	"github.com/deskline/deskline/internal/cut"
)

// decoder fills a message struct from a frame, member by member, guided by
// the struct's json tags. Walking the members itself, rather than handing
// the frame to json.Unmarshal, lets it name the exact field at fault, find
// duplicate members and unknown ones at every depth, and apply the text
// rules as it goes.
type decoder struct {
	spec *spec
	// path is where the decoder is, e.g. calls, [2], other, number. It is
	// a fixed array so that keeping it costs no allocation; the deepest
	// value of any message (calls[2].other.number) needs 4 of its 8 slots,
	// and input cannot go deeper than the structs: unknown members are
	// rejected before they are entered.
	path  [8]pathElem
	depth int
}

// pathElem is a member name, or an array index when name is "".
type pathElem struct {
	name  string
	index int
}

func (d *decoder) push(name string, index int) {
	d.path[d.depth] = pathElem{name, index}
	d.depth++
}

func (d *decoder) pop() { d.depth-- }

// where formats the path, e.g. calls[2].other.number.
func (d *decoder) where() string {
	s := ""
	for _, e := range d.path[:d.depth] {
		switch {
		case e.name == "":
			s += "[" + strconv.Itoa(e.index) + "]"
		case s == "":
			s = e.name
		default:
			s += "." + e.name
		}
	}
	return s
}

// invalid reports a wrong value at the current path.
func (d *decoder) invalid(problem string) *DecodeError {
	return invalidField(d.where(), problem)
}

// object decodes the JSON object raw into the struct v.
func (d *decoder) object(raw []byte, v reflect.Value) *DecodeError {
	it, ok := openObject(raw)
	if !ok {
		return d.invalid("must be an object")
	}
	top := d.depth == 0
	info := infos[v.Type()]
	var seen uint64
	for {
		qname, val, ok := it.next()
		if !ok {
			break
		}
		name := memberName(qname)
		i, known := info.index[string(name)]
		if !known && top && string(name) == "type" {
			continue // read and checked by decode
		}
		if known && top && d.spec.allowed&(1<<i) == 0 {
			d.push(info.fields[i].name, 0)
			return &DecodeError{Code: CodeInvalidField, Field: d.where(),
				Msg: fmt.Sprintf("unknown field %q: %s has no such member", d.where(), d.spec.typ)}
		}
		var err *DecodeError
		if seen, err = d.member(info, i, known, name, val, v, seen); err != nil {
			return err
		}
	}
	required := info.required
	if top {
		required = d.spec.required
	}
	if missing := required &^ seen; missing != 0 {
		d.push(info.fields[bits.TrailingZeros64(missing)].name, 0)
		return missingField(d.where(), "")
	}
	return nil
}

// member decodes the value of the i-th member of info into v's field; seen
// marks the members decoded so far.
func (d *decoder) member(info *structInfo, i int, known bool, name, val []byte, v reflect.Value, seen uint64) (uint64, *DecodeError) {
	if !known {
		d.push(cut.Bytes(string(name), MaxIDLength), 0) // the error echoes it in a Field
		return seen, &DecodeError{Code: CodeInvalidField, Field: d.where(),
			Msg: "unknown field " + quoteShort(d.where())}
	}
	f := &info.fields[i]
	d.push(f.name, 0)
	if seen&(1<<i) != 0 {
		return seen, &DecodeError{Code: CodeInvalidField, Field: d.where(),
			Msg: fmt.Sprintf("duplicate field %q", d.where())}
	}
	if err := d.value(val, v.Field(f.index)); err != nil {
		return seen, err
	}
	d.pop()
	return seen | 1<<i, nil
}

// value decodes raw into v.
func (d *decoder) value(raw []byte, v reflect.Value) *DecodeError {
	if raw[0] == 'n' {
		return d.invalid("must not be null")
	}
	switch v.Kind() {
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		if err := d.value(raw, e.Elem()); err != nil {
			return err
		}
		v.Set(e)
	case reflect.Slice:
		return d.array(raw, v)
	case reflect.Struct:
		if v.Type() == timeType {
			return d.time(raw, v)
		}
		return d.object(raw, v)
	case reflect.String:
		s, ok := unquote(raw)
		if !ok {
			return d.invalid("must be a string")
		}
		if problem := d.rule().problem(s); problem != "" {
			return d.invalid(problem)
		}
		v.SetString(s)
	case reflect.Bool:
		switch string(raw) {
		case "true":
			v.SetBool(true)
		case "false":
			v.SetBool(false)
		default:
			return d.invalid("must be true or false")
		}
	case reflect.Uint64:
		n, err := strconv.ParseUint(string(raw), 10, 64)
		if err != nil {
			return d.invalid("must be an integer from 0 to 2^64-1")
		}
		v.SetUint(n)
	case reflect.Int:
		n, err := strconv.ParseUint(string(raw), 10, 31)
		if err != nil {
			return d.invalid("must be an integer from 0 to 2^31-1")
		}
		v.SetInt(int64(n))
	}
	return nil
}

// array decodes the JSON array raw into the slice v.
func (d *decoder) array(raw []byte, v reflect.Value) *DecodeError {
	it, ok := openArray(raw)
	if !ok {
		return d.invalid("must be an array")
	}
	n := 0
	for count := it; ; n++ {
		if _, ok := count.next(); !ok {
			break
		}
	}
	s := reflect.MakeSlice(v.Type(), n, n)
	for i := range n {
		val, _ := it.next()
		d.push("", i)
		if err := d.value(val, s.Index(i)); err != nil {
			return err
		}
		d.pop()
	}
	v.Set(s)
	return nil
}

// rule finds the text rule for the current string: by the name of the
// member it is in (or the array it is an element of).
func (d *decoder) rule() textRule {
	i := d.depth - 1
	for d.path[i].name == "" {
		i--
	}
	name := d.path[i].name
	if i == 0 {
		if r, ok := d.spec.text[name]; ok {
			return r
		}
	}
	if name == "id" && i > 0 && d.inContact(i) {
		return refRule
	}
	if r, ok := textRules[name]; ok {
		return r
	}
	return freeText
}

// time decodes an RFC 3339 time. The zero time is never valid: it is
// what a sender that forgot to set the time would encode.
func (d *decoder) time(raw []byte, v reflect.Value) *DecodeError {
	t := v.Addr().Interface().(*time.Time)
	if raw[0] != '"' || t.UnmarshalJSON(raw) != nil {
		return d.invalid("must be an RFC 3339 time")
	}
	if t.IsZero() {
		return d.invalid("must not be the zero time")
	}
	return nil
}
