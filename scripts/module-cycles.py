#!/usr/bin/env python3
"""Module import cycles in a crate. A file uses another when it names an item of it: a path
`crate::a::b::Item`, `super::Item`, `self::x::Item` (brace groups expanded) or `child::Item`
beside a declared child. A name re-exported by a module (`pub use child::Item` or a glob) counts
as a use of the file that defines it. Cycles are strongly connected components of 2+ files."""
import os, re, sys
# Usage: scripts/module-cycles.py CRATE_SRC_DIR [-v]; exits 1 when there is a cycle.
root = sys.argv[1]
mods = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if not f.endswith('.rs'): continue
        rel = os.path.relpath(os.path.join(dirpath, f), root)
        parts = rel[:-3].split(os.sep)
        if parts[-1] in ('mod', 'lib', 'main'): parts = parts[:-1]
        mods[tuple(parts)] = rel
def strip(text):
    text = re.sub(r'//[^\n]*', '', text)
    text = re.sub(r'r#"(.|\n)*?"#', '""', text)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    i = text.find('#[cfg(test)]\nmod tests')
    return text[:i] if i >= 0 else text
texts = {m: strip(open(os.path.join(root, rel)).read()) for m, rel in mods.items()}
def expand(text):
    # `a::{b, c::{d, e}}` -> `a::b`, `a::c::d`, `a::c::e`
    out = []
    for mt in re.finditer(r'\b((?:crate|super|self|[a-z_][a-z0-9_]*)(?:::(?:super|[A-Za-z_][A-Za-z0-9_]*))*)::\{', text):
        prefix = mt.group(1); depth = 0; i = mt.end() - 1; start = i
        while i < len(text):
            if text[i] == '{': depth += 1
            elif text[i] == '}':
                depth -= 1
                if depth == 0: break
            i += 1
        inner = text[start + 1:i]
        for item in split_top(inner):
            item = item.strip()
            if not item or item == 'self': out.append(prefix); continue
            if '{' in item: out += [prefix + '::' + x for x in expand(item + ' ')] or []
            out.append(prefix + '::' + item.split(' as ')[0].strip())
    return out
def split_top(s):
    parts, depth, cur = [], 0, ''
    for c in s:
        if c == '{': depth += 1
        if c == '}': depth -= 1
        if c == ',' and depth == 0: parts.append(cur); cur = ''
        else: cur += c
    parts.append(cur); return parts
def defines(m, name):
    return re.search(r'\b(struct|enum|fn|trait|const|type|static|mod|macro_rules!)\s+' + re.escape(name) + r'\b', texts[m]) is not None
def reexport_source(m, name):
    for mt in re.finditer(r'pub(?:\([a-z]+\))?\s+use\s+([a-z_][a-z0-9_]*)::([^;]*);', texts[m]):
        child = m + (mt.group(1),)
        if child not in mods: continue
        names = mt.group(2).strip()
        if names == '*' and defines(child, name): return child
        if re.search(r'\b' + re.escape(name) + r'\b', names): return child
    return None
def target_of(m, path):
    segs = [s for s in path.split('::') if s]
    head, rest = segs[0], segs[1:]
    if head == 'crate': base = []
    elif head == 'self': base = list(m)
    elif head == 'super':
        base = list(m[:-1])
        while rest and rest[0] == 'super': base = base[:-1]; rest = rest[1:]
    elif m + (head,) in mods: base = list(m); rest = [head] + rest
    else: return None
    cur = tuple(base)
    for s in rest:
        if cur + (s,) in mods: cur = cur + (s,); continue
        src = reexport_source(cur, s) if cur in mods else None
        if src: cur = src
        break
    return cur if cur in mods else None
edges = {m: set() for m in mods}
for m, text in texts.items():
    paths = [mt.group(0) for mt in re.finditer(r'\b(?:crate|super|self|[a-z_][a-z0-9_]*)(?:::(?:super|[A-Za-z_][A-Za-z0-9_]*))+', text)]
    for p in paths + expand(text):
        t = target_of(m, p)
        if t and t != m: edges[m].add(t)
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index: visit(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
for v in mods:
    if v not in index: visit(v)
print(f"{root}: {len(mods)} files, {sum(len(e) for e in edges.values())} uses, {len(sccs)} cycles")
for comp in sccs:
    print("  cycle:", ", ".join(sorted(mods[c] for c in comp)))
if '-v' in sys.argv:
    for m in sorted(mods):
        print(mods[m], '->', sorted(mods[t] for t in edges[m]))
sys.exit(1 if sccs else 0)
