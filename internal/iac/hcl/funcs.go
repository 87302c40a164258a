package hcl

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// baseFunctions are Terraform's built-in functions that do not touch the
// file system, implemented with cty's standard library where it has them.
func baseFunctions() map[string]function.Function {
	fs := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"log": stdlib.LogFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,

		"chomp": stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc,
		"upper": stdlib.UpperFunc, "title": stdlib.TitleFunc, "trim": stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"trimspace": stdlib.TrimSpaceFunc, "strrev": opaque(stdlib.ReverseFunc),
		"substr": opaque(stdlib.SubstrFunc), "split": opaque(stdlib.SplitFunc),
		"regex": opaque(stdlib.RegexFunc), "regexall": opaque(stdlib.RegexAllFunc),
		"replace": opaque(replaceFunc),

		"chunklist": stdlib.ChunklistFunc, "coalesce": coalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
		"distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc,
		"flatten": stdlib.FlattenFunc, "index": stdlib.IndexFunc, "keys": stdlib.KeysFunc,
		"length": lengthFunc, "lookup": lookupFunc, "merge": stdlib.MergeFunc,
		"range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc, "setproduct": stdlib.SetProductFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc,
		"zipmap": stdlib.ZipmapFunc, "one": oneFunc, "sum": sumFunc,
		"alltrue": allTrueFunc, "anytrue": anyTrueFunc, "transpose": transposeFunc,
		"matchkeys": matchkeysFunc,

		"startswith": opaque(startsWithFunc), "endswith": opaque(endsWithFunc),
		"strcontains": opaque(strContainsFunc),

		"csvdecode": stdlib.CSVDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc,
		"jsondecode": stdlib.JSONDecodeFunc, "formatdate": stdlib.FormatDateFunc,
		"timeadd": stdlib.TimeAddFunc,

		"base64encode": opaque(base64EncodeFunc), "base64decode": opaque(base64DecodeFunc),
		"base64gzip": opaque(base64GzipFunc), "urlencode": opaque(urlEncodeFunc),
		"md5":          opaque(hashFunc(md5.New, hex.EncodeToString)),
		"sha1":         opaque(hashFunc(sha1.New, hex.EncodeToString)),
		"sha256":       opaque(hashFunc(sha256.New, hex.EncodeToString)),
		"sha512":       opaque(hashFunc(sha512.New, hex.EncodeToString)),
		"base64sha256": opaque(hashFunc(sha256.New, base64.StdEncoding.EncodeToString)),
		"base64sha512": opaque(hashFunc(sha512.New, base64.StdEncoding.EncodeToString)),

		"cidrhost": cidrHostFunc, "cidrnetmask": cidrNetmaskFunc,
		"cidrsubnet": cidrSubnetFunc, "cidrsubnets": cidrSubnetsFunc,

		"tobool": stdlib.MakeToFunc(cty.Bool), "tonumber": stdlib.MakeToFunc(cty.Number),
		"tostring": stdlib.MakeToFunc(cty.String),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"try":      tryfunc.TryFunc, "can": tryfunc.CanFunc,

		// Sensitivity and ephemerality do not change a value.
		"sensitive": identityFunc, "nonsensitive": identityFunc, "ephemeralasnull": identityFunc,
		"issensitive": constFunc(cty.False),

		"dirname":  pathFunc(func(p string) string { return filepath.ToSlash(filepath.Dir(p)) }),
		"basename": pathFunc(func(p string) string { return filepath.Base(p) }),
	}
	// Functions whose result differs on every run: unknown, like in a plan.
	for _, name := range []string{"timestamp", "plantimestamp", "uuid", "bcrypt"} {
		fs[name] = impureFunc(name)
	}
	return fs
}

// opaque wraps a function whose result would scramble a computed-reference
// placeholder: given one, it returns an unknown value instead.
func opaque(f function.Function) function.Function {
	spec := &function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type:        func(args []cty.Value) (cty.Type, error) { return f.ReturnTypeForValues(args) },
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			for _, a := range args {
				if hasPlaceholder(a) {
					return unknown(retType, "derived from a value known after apply"), nil
				}
			}
			return f.Call(args)
		},
	}
	return function.New(spec)
}

// unsupportedFunc stands in for a function Parapet does not implement.
func unsupportedFunc(name string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true,
			AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
		Type: function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return unknown(cty.DynamicPseudoType, "function "+name+" is not supported"), nil
		},
	})
}

func impureFunc(name string) function.Function {
	return function.New(&function.Spec{
		VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true,
			AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
		Type: function.StaticReturnType(cty.String),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
			return unknown(cty.String, name+"() differs on every run"), nil
		},
	})
}

var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true,
		AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

func constFunc(v cty.Value) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowNull: true,
			AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
		Type: function.StaticReturnType(v.Type()),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return v, nil },
	})
}

func stringFunc(params []string, f func(args []string) (string, error)) function.Function {
	ps := make([]function.Parameter, len(params))
	for i, p := range params {
		ps[i] = function.Parameter{Name: p, Type: cty.String}
	}
	return function.New(&function.Spec{
		Params: ps,
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			ss := make([]string, len(args))
			for i, a := range args {
				ss[i] = a.AsString()
			}
			s, err := f(ss)
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(s), nil
		},
	})
}

func boolOfStrings(f func(a, b string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "sub", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

var (
	startsWithFunc  = boolOfStrings(strings.HasPrefix)
	endsWithFunc    = boolOfStrings(strings.HasSuffix)
	strContainsFunc = boolOfStrings(strings.Contains)

	base64EncodeFunc = stringFunc([]string{"str"}, func(a []string) (string, error) {
		return base64.StdEncoding.EncodeToString([]byte(a[0])), nil
	})
	base64DecodeFunc = stringFunc([]string{"str"}, func(a []string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(a[0])
		if err != nil {
			return "", fmt.Errorf("invalid base64: %w", err)
		}
		if !utf8.Valid(b) {
			return "", fmt.Errorf("the decoded bytes are not valid UTF-8")
		}
		return string(b), nil
	})
	base64GzipFunc = stringFunc([]string{"str"}, func(a []string) (string, error) {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		if _, err := w.Write([]byte(a[0])); err != nil {
			return "", err
		}
		if err := w.Close(); err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
	})
	urlEncodeFunc = stringFunc([]string{"str"}, func(a []string) (string, error) {
		return url.QueryEscape(a[0]), nil
	})
	pathFunc = func(f func(string) string) function.Function {
		return stringFunc([]string{"path"}, func(a []string) (string, error) { return f(a[0]), nil })
	}
)

func hashFunc(h func() hash.Hash, enc func([]byte) string) function.Function {
	return stringFunc([]string{"str"}, func(a []string) (string, error) {
		s := h()
		s.Write([]byte(a[0]))
		return enc(s.Sum(nil)), nil
	})
}

// replaceFunc is Terraform's replace: a substring wrapped in slashes is a
// regular expression.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String}},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		str, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(re.ReplaceAllString(str, rep)), nil
		}
		return cty.StringVal(strings.ReplaceAll(str, sub, rep)), nil
	},
})

// lengthFunc counts the elements of a collection or the characters of a
// string, like Terraform's length.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true,
		AllowUnknown: true, AllowMarked: true}},
	Type: function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		if v.Type() == cty.String {
			if !v.IsKnown() || hasPlaceholder(v) {
				return unknown(cty.Number, "length of a value known after apply").WithMarks(marks), nil
			}
			n, err := stdlib.Strlen(v)
			return n.WithMarks(marks), err
		}
		if v.Type() == cty.DynamicPseudoType || !v.IsKnown() {
			return cty.UnknownVal(cty.Number).WithMarks(marks), nil
		}
		if v.IsNull() {
			return cty.NilVal, fmt.Errorf("argument must not be null")
		}
		if !v.CanIterateElements() {
			return cty.NilVal, fmt.Errorf("length needs a string, a collection or an object, not %s", v.Type().FriendlyName())
		}
		n, err := cty.NumberIntVal(int64(v.LengthInt())), error(nil)
		return n.WithMarks(marks), err
	},
})

// lookupFunc accepts Terraform's two- and three-argument forms.
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "inputMap", Type: cty.DynamicPseudoType, AllowMarked: true},
		{Name: "key", Type: cty.String, AllowMarked: true}},
	VarParam: &function.Parameter{Name: "default", Type: cty.DynamicPseudoType, AllowMarked: true,
		AllowNull: true, AllowUnknown: true, AllowDynamicType: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) > 3 {
			return cty.NilType, fmt.Errorf("lookup takes at most three arguments")
		}
		if len(args) == 3 {
			return stdlib.LookupFunc.ReturnTypeForValues(args)
		}
		ty := args[0].Type()
		switch {
		case ty.IsMapType():
			return ty.ElementType(), nil
		case ty.IsObjectType():
			key, _ := args[1].Unmark()
			if key.IsKnown() && ty.HasAttribute(key.AsString()) {
				return ty.AttributeType(key.AsString()), nil
			}
			return cty.DynamicPseudoType, nil
		}
		return cty.DynamicPseudoType, nil
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		if len(args) == 3 {
			return stdlib.LookupFunc.Call(args)
		}
		m, mm := args[0].Unmark()
		k, km := args[1].Unmark()
		if !m.IsKnown() || !k.IsKnown() {
			return cty.UnknownVal(retType).WithMarks(mm, km), nil
		}
		key := k.AsString()
		switch {
		case m.IsNull():
			return cty.NilVal, fmt.Errorf("lookup needs a map or an object, not null")
		case m.Type().IsObjectType():
			if !m.Type().HasAttribute(key) {
				return cty.NilVal, fmt.Errorf("the map has no key %q and no default was given", key)
			}
			return m.GetAttr(key).WithMarks(mm, km), nil
		case m.Type().IsMapType():
			if !m.HasIndex(cty.StringVal(key)).True() {
				return cty.NilVal, fmt.Errorf("the map has no key %q and no default was given", key)
			}
			return m.Index(cty.StringVal(key)).WithMarks(mm, km), nil
		}
		return cty.NilVal, fmt.Errorf("lookup needs a map or an object")
	},
})

// coalesceFunc is Terraform's coalesce: the first argument that is
// neither null nor an empty string.
var coalesceFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "vals", Type: cty.DynamicPseudoType, AllowNull: true,
		AllowUnknown: true, AllowDynamicType: true},
	Type: func(args []cty.Value) (cty.Type, error) {
		types := make([]cty.Type, len(args))
		for i, a := range args {
			types[i] = a.Type()
		}
		ty, _ := convert.UnifyUnsafe(types)
		if ty == cty.NilType {
			return cty.NilType, fmt.Errorf("all arguments must have the same type")
		}
		return ty, nil
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		for _, a := range args {
			if !a.IsKnown() {
				return cty.UnknownVal(retType), nil
			}
			if a.IsNull() {
				continue
			}
			v, err := convert.Convert(a, retType)
			if err != nil {
				return cty.NilVal, err
			}
			if retType == cty.String && v.AsString() == "" {
				continue
			}
			return v, nil
		}
		return cty.NilVal, fmt.Errorf("no non-null, non-empty-string arguments")
	},
})

var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType, AllowDynamicType: true}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			switch len(ty.TupleElementTypes()) {
			case 0:
				return cty.DynamicPseudoType, nil
			case 1:
				return ty.TupleElementTypes()[0], nil
			}
			return cty.NilType, fmt.Errorf("must be a list, set or tuple with zero or one elements")
		case ty == cty.DynamicPseudoType:
			return cty.DynamicPseudoType, nil
		}
		return cty.NilType, fmt.Errorf("must be a list, set or tuple")
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		if v.IsNull() || v.LengthInt() == 0 {
			return cty.NullVal(retType), nil
		}
		if v.LengthInt() > 1 {
			return cty.NilVal, fmt.Errorf("must have zero or one elements, not %d", v.LengthInt())
		}
		it := v.ElementIterator()
		it.Next()
		_, e := it.Element()
		return e, nil
	},
})

var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		ty := v.Type()
		if !ty.IsListType() && !ty.IsSetType() && !ty.IsTupleType() {
			return cty.NilVal, fmt.Errorf("sum needs a list or set of numbers")
		}
		if v.LengthInt() == 0 {
			return cty.NilVal, fmt.Errorf("cannot sum an empty list")
		}
		total := new(big.Float)
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !e.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			n, err := convert.Convert(e, cty.Number)
			if err != nil || n.IsNull() {
				return cty.NilVal, fmt.Errorf("sum needs numbers")
			}
			total.Add(total, n.AsBigFloat())
		}
		return cty.NumberVal(total), nil
	},
})

func boolFold(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			sawUnknown := false
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				switch {
				case !e.IsKnown():
					sawUnknown = true
				case e.IsNull():
					if all {
						return cty.False, nil
					}
				case e.True() != all:
					return cty.BoolVal(!all), nil
				}
			}
			if sawUnknown {
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(all), nil
		},
	})
}

var (
	allTrueFunc = boolFold(true)
	anyTrueFunc = boolFold(false)
)

var transposeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "values", Type: cty.Map(cty.List(cty.String))}},
	Type:   function.StaticReturnType(cty.Map(cty.List(cty.String))),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		out := map[string][]cty.Value{}
		for it := args[0].ElementIterator(); it.Next(); {
			k, l := it.Element()
			if l.IsNull() {
				continue
			}
			for li := l.ElementIterator(); li.Next(); {
				_, v := li.Element()
				if v.IsNull() {
					return cty.NilVal, fmt.Errorf("lists must not contain null")
				}
				out[v.AsString()] = append(out[v.AsString()], k)
			}
		}
		m := make(map[string]cty.Value, len(out))
		for k, vs := range out {
			m[k] = cty.ListVal(vs)
		}
		if len(m) == 0 {
			return cty.MapValEmpty(cty.List(cty.String)), nil
		}
		return cty.MapVal(m), nil
	},
})

var matchkeysFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "values", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "keys", Type: cty.List(cty.DynamicPseudoType)},
		{Name: "searchset", Type: cty.List(cty.DynamicPseudoType)}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		vals, keys, search := args[0], args[1], args[2]
		if vals.LengthInt() != keys.LengthInt() {
			return cty.NilVal, fmt.Errorf("values and keys must have the same length")
		}
		var out []cty.Value
		ki := keys.ElementIterator()
		for vi := vals.ElementIterator(); vi.Next() && ki.Next(); {
			_, v := vi.Element()
			_, k := ki.Element()
			for si := search.ElementIterator(); si.Next(); {
				_, s := si.Element()
				eq := k.Equals(s)
				if !eq.IsKnown() {
					return cty.UnknownVal(retType), nil
				}
				if eq.True() {
					out = append(out, v)
					break
				}
			}
		}
		if len(out) == 0 {
			return cty.ListValEmpty(retType.ElementType()), nil
		}
		return cty.ListVal(out), nil
	},
})

// fileFuncs are the functions that read files. Relative paths resolve
// against the root module directory, as Terraform resolves them against
// its working directory; when nothing is there, against the calling
// module's directory. Reads never leave the allowed directories (the
// scanned tree and the modules it loads), so a scanned configuration
// cannot pull arbitrary local files into a report.
type fileFuncs struct {
	root, modDir string
	allowed      func(abs string) bool
	funcs        func() map[string]function.Function // for templatefile
}

func (f fileFuncs) resolve(p string) (string, error) {
	cands := []string{p}
	if !filepath.IsAbs(p) {
		cands = []string{filepath.Join(f.root, p), filepath.Join(f.modDir, p)}
	}
	var firstErr error
	for _, c := range cands {
		c = filepath.Clean(c)
		real, err := filepath.EvalSymlinks(c)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("no file %s", p)
			}
			continue
		}
		if !f.allowed(real) {
			return "", fmt.Errorf("file %s is outside the scanned directory", p)
		}
		return real, nil
	}
	return "", firstErr
}

func (f fileFuncs) read(p string) ([]byte, error) {
	abs, err := f.resolve(p)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", p)
	}
	if st.Size() > 16<<20 {
		return nil, fmt.Errorf("%s is larger than 16 MiB", p)
	}
	return os.ReadFile(abs)
}

func (f fileFuncs) add(m map[string]function.Function) {
	m["file"] = stringFunc([]string{"path"}, func(a []string) (string, error) {
		b, err := f.read(a[0])
		if err != nil {
			return "", err
		}
		if !utf8.Valid(b) {
			return "", fmt.Errorf("%s is not valid UTF-8; use filebase64", a[0])
		}
		return string(b), nil
	})
	m["abspath"] = pathFunc(func(p string) string {
		if !filepath.IsAbs(p) {
			p = filepath.Join(f.root, p)
		}
		return filepath.ToSlash(filepath.Clean(p))
	})
	m["filebase64"] = stringFunc([]string{"path"}, func(a []string) (string, error) {
		b, err := f.read(a[0])
		return base64.StdEncoding.EncodeToString(b), err
	})
	m["fileexists"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			abs, err := f.resolve(args[0].AsString())
			if err != nil {
				return cty.False, nil
			}
			st, err := os.Stat(abs)
			return cty.BoolVal(err == nil && st.Mode().IsRegular()), nil
		},
	})
	fileHash := func(h func() hash.Hash, enc func([]byte) string) function.Function {
		return stringFunc([]string{"path"}, func(a []string) (string, error) {
			b, err := f.read(a[0])
			if err != nil {
				return "", err
			}
			s := h()
			s.Write(b)
			return enc(s.Sum(nil)), nil
		})
	}
	m["filemd5"] = fileHash(md5.New, hex.EncodeToString)
	m["filesha1"] = fileHash(sha1.New, hex.EncodeToString)
	m["filesha256"] = fileHash(sha256.New, hex.EncodeToString)
	m["filesha512"] = fileHash(sha512.New, hex.EncodeToString)
	m["filebase64sha256"] = fileHash(sha256.New, base64.StdEncoding.EncodeToString)
	m["filebase64sha512"] = fileHash(sha512.New, base64.StdEncoding.EncodeToString)
	m["templatefile"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowMarked: true}},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return f.template(args[0].AsString(), args[1])
		},
	})
}

func (f fileFuncs) template(path string, vars cty.Value) (cty.Value, error) {
	src, err := f.read(path)
	if err != nil {
		return cty.NilVal, err
	}
	expr, diags := hclsyntax.ParseTemplate(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("template %s: %s", path, diags.Error())
	}
	vars, marks := vars.Unmark()
	if !vars.IsKnown() {
		return cty.UnknownVal(cty.String).WithMarks(marks), nil
	}
	if !vars.Type().IsObjectType() && !vars.Type().IsMapType() {
		return cty.NilVal, fmt.Errorf("templatefile vars must be a map or an object")
	}
	vm := map[string]cty.Value{}
	if !vars.IsNull() {
		for it := vars.ElementIterator(); it.Next(); {
			k, v := it.Element()
			vm[k.AsString()] = v
		}
	}
	fns := map[string]function.Function{}
	for k, v := range f.funcs() {
		if k != "templatefile" { // no recursion through templates
			fns[k] = v
		}
	}
	val, diags := expr.Value(&hcl.EvalContext{Variables: vm, Functions: fns})
	if diags.HasErrors() {
		return cty.NilVal, fmt.Errorf("template %s: %s", path, diags.Error())
	}
	return val.WithMarks(marks), nil
}
