package hcl

import (
	"fmt"
	"math/big"
	"net/netip"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// The cidr* functions follow Terraform's documented behaviour: addresses
// are computed from the network address of the prefix, IPv4 and IPv6
// alike.

func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("invalid CIDR %q: %w", s, err)
	}
	return p.Masked(), nil
}

func addrToInt(a netip.Addr) *big.Int {
	return new(big.Int).SetBytes(a.AsSlice())
}

func intToAddr(i *big.Int, v4 bool) netip.Addr {
	n := 16
	if v4 {
		n = 4
	}
	b := i.FillBytes(make([]byte, n))
	a, _ := netip.AddrFromSlice(b)
	return a
}

// subnet returns the num-th subnet of prefix with newBits more bits.
func subnet(p netip.Prefix, newBits int, num *big.Int) (netip.Prefix, error) {
	bits := p.Addr().BitLen()
	newLen := p.Bits() + newBits
	if newBits < 0 || newLen > bits {
		return netip.Prefix{}, fmt.Errorf("%d additional bits do not fit in %s", newBits, p)
	}
	if num.Sign() < 0 || num.BitLen() > newBits {
		return netip.Prefix{}, fmt.Errorf("subnet number %s does not fit in %d bits", num, newBits)
	}
	base := addrToInt(p.Addr())
	base.Add(base, new(big.Int).Lsh(num, uint(bits-newLen)))
	return netip.PrefixFrom(intToAddr(base, p.Addr().Is4()), newLen), nil
}

func bigOf(v cty.Value) (*big.Int, error) {
	f := v.AsBigFloat()
	if !f.IsInt() {
		return nil, fmt.Errorf("%s is not a whole number", f.Text('f', -1))
	}
	i, _ := f.Int(nil)
	return i, nil
}

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number},
		{Name: "netnum", Type: cty.Number}},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		nb, err := bigOf(args[1])
		if err != nil {
			return cty.NilVal, err
		}
		num, err := bigOf(args[2])
		if err != nil {
			return cty.NilVal, err
		}
		if !nb.IsInt64() || nb.Int64() > 128 {
			return cty.NilVal, fmt.Errorf("newbits %s is too large", nb)
		}
		s, err := subnet(p, int(nb.Int64()), num)
		if err != nil {
			return cty.NilVal, err
		}
		return cty.StringVal(s.String()), nil
	},
})

var cidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}
		bits := p.Addr().BitLen()
		start := addrToInt(p.Addr())
		end := new(big.Int).Add(start, new(big.Int).Lsh(big.NewInt(1), uint(bits-p.Bits())))
		cur := new(big.Int).Set(start)
		out := make([]cty.Value, 0, len(args)-1)
		for _, a := range args[1:] {
			nb, err := bigOf(a)
			if err != nil {
				return cty.NilVal, err
			}
			newLen := int64(p.Bits()) + nb.Int64()
			if !nb.IsInt64() || nb.Int64() < 1 || newLen > int64(bits) {
				return cty.NilVal, fmt.Errorf("%s additional bits do not fit in %s", nb, p)
			}
			size := new(big.Int).Lsh(big.NewInt(1), uint(int64(bits)-newLen))
			// Align to the subnet's own size, as consecutive allocation does.
			if r := new(big.Int).Mod(cur, size); r.Sign() != 0 {
				cur.Add(cur, new(big.Int).Sub(size, r))
			}
			if new(big.Int).Add(cur, size).Cmp(end) > 0 {
				return cty.NilVal, fmt.Errorf("not enough room in %s for the requested subnets", p)
			}
			out = append(out, cty.StringVal(netip.PrefixFrom(intToAddr(cur, p.Addr().Is4()), int(newLen)).String()))
			cur.Add(cur, size)
		}
		return cty.ListVal(out), nil
	},
})

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		num, err := bigOf(args[1])
		if err != nil {
			return cty.NilVal, err
		}
		size := new(big.Int).Lsh(big.NewInt(1), uint(p.Addr().BitLen()-p.Bits()))
		if num.Sign() < 0 {
			num = new(big.Int).Add(size, num)
		}
		if num.Sign() < 0 || num.Cmp(size) >= 0 {
			return cty.NilVal, fmt.Errorf("host number %s does not fit in %s", args[1].AsBigFloat().Text('f', -1), p)
		}
		a := addrToInt(p.Addr())
		a.Add(a, num)
		return cty.StringVal(intToAddr(a, p.Addr().Is4()).String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parsePrefix(args[0].AsString())
		if err != nil {
			return cty.NilVal, err
		}
		if !p.Addr().Is4() {
			return cty.NilVal, fmt.Errorf("cidrnetmask only supports IPv4 prefixes")
		}
		m := ^uint32(0) << (32 - p.Bits())
		if p.Bits() == 0 {
			m = 0
		}
		return cty.StringVal(fmt.Sprintf("%d.%d.%d.%d", byte(m>>24), byte(m>>16), byte(m>>8), byte(m))), nil
	},
})
