package tfmap

import (
	"sort"

	"github.com/parapet-dev/parapet/internal/iac/tfmodel"
)

// linkIndex finds the resources of one type that configure another
// through one argument: aws_s3_bucket_versioning.bucket names a bucket,
// aws_security_group_rule.security_group_id a group. The argument is a
// reference (before apply: aws_s3_bucket.logs.id) or a literal (a name or
// ID, as in a state or when the parent is not managed here); lists of
// either work too (aws_iam_policy_attachment.users).
type linkIndex struct {
	attr    string
	byAddr  map[string][]*tfmodel.Resource
	byLit   map[string][]*tfmodel.Resource
	unknown []unknownLink
}

type unknownLink struct {
	r      *tfmodel.Resource
	reason string
}

func (ix *index) linkIndex(childType, attr string) *linkIndex {
	key := childType + "\x00" + attr
	if li, ok := ix.links[key]; ok {
		return li
	}
	li := &linkIndex{attr: attr, byAddr: map[string][]*tfmodel.Resource{}, byLit: map[string][]*tfmodel.Resource{}}
	ix.links[key] = li
	for _, c := range ix.byType[childType] {
		v := ix.arg(c, attr)
		items, isList := listOf(v)
		if !isList {
			items = []any{v}
		}
		for _, e := range items {
			if u, ok := isUnknown(e); ok {
				li.unknown = append(li.unknown, unknownLink{c, u.Reason})
				continue
			}
			if ref, ok := asRef(e); ok {
				li.byAddr[ref.Address] = appendOnce(li.byAddr[ref.Address], c)
				continue
			}
			if s, ok := e.(string); ok && s != "" {
				li.byLit[s] = appendOnce(li.byLit[s], c)
			}
		}
	}
	return li
}

func appendOnce(list []*tfmodel.Resource, r *tfmodel.Resource) []*tfmodel.Resource {
	for _, e := range list {
		if e == r {
			return list
		}
	}
	return append(list, r)
}

// linked returns the resources of childType whose attr names parent: a
// reference to its address, or a literal equal to one of ids (its name,
// ID or ARN as far as known). Module order is kept.
func (ix *index) linked(childType, attr string, parent *tfmodel.Resource, ids ...string) []*tfmodel.Resource {
	li := ix.linkIndex(childType, attr)
	out := append([]*tfmodel.Resource(nil), li.byAddr[parent.Address]...)
	for _, id := range ids {
		if id == "" {
			continue
		}
		for _, c := range li.byLit[id] {
			out = appendOnce(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return ix.pos[out[i]] < ix.pos[out[j]] })
	return out
}

// reportUnjoined warns about configuring resources whose target is
// unknown: what they configure cannot be told, so they are left out.
func (ix *index) reportUnjoined() {
	keys := make([]string, 0, len(ix.links))
	for k := range ix.links {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		li := ix.links[k]
		for _, u := range li.unknown {
			ix.warnOnce("unjoined\x00"+u.r.Address+"\x00"+li.attr, u.r,
				"%s is known only at apply time (%s): the resource it configures cannot be told, so it is not checked", li.attr, u.reason)
		}
	}
}

// idsOf lists the known identifying values of a resource (the arguments
// given), for literal joins.
func idsOf(r *tfmodel.Resource, names ...string) []string {
	var out []string
	for _, n := range names {
		if s, ok := r.Attributes[n].(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

// attrOf returns an argument of the resource a value refers to, when v is
// a reference to a resource of the module and the argument is set there
// (e.g. the vpc_id of the subnet an instance is placed in).
func (ix *index) attrOf(v any, name string) (any, bool) {
	t, _, ok := ix.resolve(v)
	if !ok {
		return nil, false
	}
	a := ix.arg(t, name)
	return a, a != nil
}

// nameOf renders a reference to a resource by its name argument when the
// module sets it (an IAM group's name), else like any string.
func (ix *index) nameOf(v any, nameAttr string) (string, bool) {
	if t, _, ok := ix.resolve(v); ok {
		if s, ok := t.Attributes[nameAttr].(string); ok && s != "" {
			return s, true
		}
	}
	if _, ok := isUnknown(v); ok {
		return "", false
	}
	return stringOf(v)
}
