package validation

import (
	"encoding"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/problemkit/problemkit/problem"
)

// The struct tags Params binds parameters from. Their value is the
// parameter's name: `query:"page"`, `path:"id"`, `header:"If-Match"`.
const (
	TagQuery  = "query"
	TagPath   = "path"
	TagHeader = "header"
)

var durationType = reflect.TypeFor[time.Duration]()

// Params binds the query, path and header parameters of r into the fields
// of v, a non-nil pointer to a struct whose fields carry a query, path or
// header tag (see TagQuery), then validates v. Path parameters are read with
// r.PathValue, which chi and net/http's ServeMux both fill.
//
// A field may be a string, bool, integer, float, time.Duration, a type
// implementing encoding.TextUnmarshaler (time.Time, netip.Addr, UUIDs), a
// pointer to one of these (left nil when the parameter is absent) or a slice
// of them (one element per repeated query parameter or header line). An
// absent parameter leaves the field as it is, so set defaults before the
// call; an empty one counts as absent except for strings.
//
// It returns nil, INVALID_PARAMETER (400) listing every parameter that
// cannot be parsed or breaks a rule — each field detail names the parameter
// in Field and says where it lives in In, with no Pointer — or
// INTERNAL_ERROR (500) when v is not a pointer to a struct or a tagged field
// has a type Params cannot fill.
func (d *Decoder) Params(r *http.Request, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return problem.InternalError.New().Wrap(&validator.InvalidValidationError{Type: reflect.TypeOf(v)})
	}
	b := binder{d: d, r: r, query: r.URL.Query(), root: rv.Type()}
	if err := b.bind(rv.Elem()); err != nil {
		return problem.InternalError.New().Wrap(err)
	}
	verr := d.validate.StructCtx(r.Context(), v)
	var verrs validator.ValidationErrors
	if verr != nil && !errors.As(verr, &verrs) {
		return problem.InternalError.New().Wrap(verr)
	}
	var s splitter
	for _, fe := range verrs {
		loc, rest := s.locate(b.root, fe.Namespace(), fe.StructField())
		var name, in string
		if loc.first != nil {
			name, in = loc.first.param, loc.first.in
		}
		if b.failed[name+"\x00"+in] {
			continue // already reported as unparsable
		}
		out := d.convert(loc, rest, fe)
		out.Pointer = ""
		if in != "" {
			out.Field, out.In = name, in
			out.Message.Data["field"] = paramLabel(name)
		}
		b.errs = append(b.errs, paramError{out, slices.Clone(loc.order)})
	}
	if len(b.errs) == 0 {
		return nil
	}
	slices.SortStableFunc(b.errs, func(a, b paramError) int { return compareOrder(a.order, b.order) })
	fields := make([]problem.FieldError, len(b.errs))
	for i, e := range b.errs {
		fields[i] = e.fe
	}
	e := InvalidParameter.New().With("count", len(fields)).WithFields(fields...)
	if len(verrs) > 0 {
		e.Wrap(&RulesError{Errors: verrs, fields: fields})
	}
	return e
}

// paramLabel is the localizable name of a parameter: "param.<name>".
func paramLabel(name string) problem.Message {
	return problem.Label("param."+name, name)
}

type paramError struct {
	fe    problem.FieldError
	order []order
}

// binder fills one struct from one request.
type binder struct {
	d      *Decoder
	r      *http.Request
	query  url.Values
	root   reflect.Type
	errs   []paramError
	failed map[string]bool // name + "\x00" + in of parameters that did not parse
}

// bind fills the tagged fields of struct value sv, recursing into embedded
// structs.
func (b *binder) bind(sv reflect.Value) error {
	t := sv.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, in := paramTag(f)
		if in == "" {
			if f.Anonymous && indirect(f.Type).Kind() == reflect.Struct && f.IsExported() {
				fv := sv.Field(i)
				if fv.Kind() == reflect.Pointer {
					if fv.IsNil() {
						fv.Set(reflect.New(f.Type.Elem()))
					}
					fv = fv.Elem()
				}
				if err := b.bind(fv); err != nil {
					return err
				}
			}
			continue
		}
		if !f.IsExported() {
			return errors.New("validation: parameter field " + f.Name + " is not exported")
		}
		var vals []string
		switch in {
		case TagQuery:
			vals = b.query[name]
		case TagHeader:
			vals = b.r.Header.Values(name)
		case TagPath:
			if pv := b.r.PathValue(name); pv != "" {
				vals = []string{pv}
			}
		}
		rule, want, err := set(sv.Field(i), vals)
		if err != nil {
			return err
		}
		if rule == "" {
			continue
		}
		key := rule
		switch rule {
		case "type":
			key = "type." + want
		case "range":
			rule, key = "type", "type.range"
		}
		m := b.d.message(paramLabel(name), rule, want, key, nil, nil)
		var o []order
		if pf := fieldsOf(indirect(b.root)).byName[tagName(f)]; pf != nil {
			o = []order{{n: pf.rank}} // where validator would report it
		}
		b.errs = append(b.errs, paramError{problem.FieldError{
			Field: name, In: in, Rule: rule, Param: want, Message: m,
		}, o})
		if b.failed == nil {
			b.failed = make(map[string]bool)
		}
		b.failed[name+"\x00"+in] = true
	}
	return nil
}

// paramTag returns the parameter a struct field is bound from.
func paramTag(f reflect.StructField) (name, in string) {
	for _, in := range []string{TagQuery, TagPath, TagHeader} {
		if name, ok := f.Tag.Lookup(in); ok && name != "" && name != "-" {
			return name, in
		}
	}
	return "", ""
}

// set stores the parameter values vals in field fv. For input it cannot
// parse it returns the rule ("type" or "format") and the expected type; an
// error means the field's type cannot hold a parameter at all.
func set(fv reflect.Value, vals []string) (rule, want string, err error) {
	if len(vals) == 0 || len(vals) == 1 && vals[0] == "" && indirect(fv.Type()).Kind() != reflect.String {
		return "", "", nil
	}
	t := fv.Type()
	if t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8 && !custom(t) {
		s := reflect.MakeSlice(t, len(vals), len(vals))
		for i, v := range vals {
			if rule, want, err := setOne(s.Index(i), v); rule != "" || err != nil {
				return rule, want, err
			}
		}
		fv.Set(s)
		return "", "", nil
	}
	return setOne(fv, vals[0])
}

func setOne(fv reflect.Value, s string) (rule, want string, err error) {
	if fv.Kind() == reflect.Pointer {
		nv := reflect.New(fv.Type().Elem())
		if rule, want, err := setOne(nv.Elem(), s); rule != "" || err != nil {
			return rule, want, err
		}
		fv.Set(nv)
		return "", "", nil
	}
	if u, ok := fv.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if u.UnmarshalText([]byte(s)) != nil {
			return "format", "", nil
		}
		return "", "", nil
	}
	if fv.Type() == durationType {
		dur, perr := time.ParseDuration(s)
		if perr != nil {
			return "type", "duration", nil
		}
		fv.SetInt(int64(dur))
		return "", "", nil
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Bool:
		v, perr := strconv.ParseBool(s)
		if perr != nil {
			return "type", "boolean", nil
		}
		fv.SetBool(v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v, perr := strconv.ParseInt(s, 10, fv.Type().Bits())
		if perr != nil {
			return rangeOr(perr, "integer")
		}
		fv.SetInt(v)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v, perr := strconv.ParseUint(s, 10, fv.Type().Bits())
		if perr != nil {
			return rangeOr(perr, "integer")
		}
		fv.SetUint(v)
	case reflect.Float32, reflect.Float64:
		v, perr := strconv.ParseFloat(s, fv.Type().Bits())
		if perr != nil {
			return rangeOr(perr, "number")
		}
		fv.SetFloat(v)
	default:
		return "", "", errors.New("validation: cannot bind a parameter to a field of type " + fv.Type().String())
	}
	return "", "", nil
}

// rangeOr reports a number out of range apart from one that is no number.
func rangeOr(err error, want string) (string, string, error) {
	if errors.Is(err, strconv.ErrRange) {
		return "range", want, nil
	}
	return "type", want, nil
}
