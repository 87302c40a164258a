package hcl

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/parapet-dev/parapet/internal/iac"
)

// buildGraph finds reference cycles among the locals and resources of a
// module the way Terraform does, at the granularity of whole resources:
// aws_security_group.a referring to aws_security_group.b.id while b
// refers to a.id is a cycle even though neither id is configured. Values
// inside a cycle become unknown (see scope.inCycle) and each cycle is
// reported once.
func (l *loader) buildGraph(src *modSource) {
	if src.cycles != nil {
		return
	}
	src.cycles, src.scc = map[string]string{}, map[string]int{}
	edges := map[string][]string{}
	where := map[string]hcl.Range{}
	collect := func(from string, n hclsyntax.Node) {
		seen := map[string]bool{}
		_ = hclsyntax.VisitAll(n, func(n hclsyntax.Node) hcl.Diagnostics {
			e, ok := n.(*hclsyntax.ScopeTraversalExpr)
			if !ok {
				return nil
			}
			if to := src.nodeOf(e.Traversal); to != "" && !seen[to] {
				seen[to] = true
				edges[from] = append(edges[from], to)
			}
			return nil
		})
	}
	var nodes []string
	for _, name := range sortedKeys(src.locals) {
		k := "local." + name
		nodes = append(nodes, k)
		where[k] = src.locals[name].attr.NameRange
		collect(k, src.locals[name].attr)
	}
	for _, r := range src.resources {
		nodes = append(nodes, r.key)
		where[r.key] = r.block.DefRange()
		collect(r.key, r.block.Body)
	}

	// Tarjan's strongly connected components.
	index, low := map[string]int{}, map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	next, comp := 0, 0
	var strong func(v string)
	strong = func(v string) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		for _, w := range edges[v] {
			if _, done := index[w]; !done {
				strong(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] != index[v] {
			return
		}
		var members []string
		for {
			w := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[w] = false
			members = append(members, w)
			if w == v {
				break
			}
		}
		if len(members) == 1 && !contains(edges[v], v) {
			return
		}
		comp++
		sort.Strings(members)
		msg := "reference cycle: " + cyclePath(members, edges)
		for _, m := range members {
			src.cycles[m] = msg
			src.scc[m] = comp
		}
		r := where[members[0]]
		l.addDiag(iac.Diagnostic{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column,
			Severity: iac.SevWarning, Message: msg + "; the values involved are unknown"})
	}
	for _, n := range nodes {
		if _, done := index[n]; !done {
			strong(n)
		}
	}
}

// nodeOf maps a traversal to the local or resource it refers to.
func (src *modSource) nodeOf(t hcl.Traversal) string {
	root := t.RootName()
	attr := func(i int) string {
		if len(t) > i {
			if a, ok := t[i].(hcl.TraverseAttr); ok {
				return a.Name
			}
		}
		return ""
	}
	switch root {
	case "var", "module", "count", "each", "path", "terraform", "self":
		return ""
	case "local":
		if n := attr(1); n != "" {
			if _, ok := src.locals[n]; ok {
				return "local." + n
			}
		}
		return ""
	case "data":
		k := "data." + attr(1) + "." + attr(2)
		if _, ok := src.resByKey[k]; ok {
			return k
		}
		return ""
	}
	k := root + "." + attr(1)
	if _, ok := src.resByKey[k]; ok {
		return k
	}
	return ""
}

// cyclePath spells a cycle as a path from its first member back to
// itself, following references within the cycle.
func cyclePath(members []string, edges map[string][]string) string {
	in := map[string]bool{}
	for _, m := range members {
		in[m] = true
	}
	start := members[0]
	prev := map[string]string{}
	queue := []string{start}
	seen := map[string]bool{}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range edges[v] {
			if !in[w] {
				continue
			}
			if w == start {
				path := []string{start}
				for x := v; x != start; x = prev[x] {
					path = append(path, x)
				}
				path = append(path, start)
				// path is start, v, ..., start reversed after the first.
				for i, j := 1, len(path)-2; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return strings.Join(path, " → ")
			}
			if !seen[w] {
				seen[w] = true
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	return strings.Join(members, ", ")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
