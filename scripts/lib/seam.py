#!/usr/bin/env python3
"""Counts the store seam: protocols declared under Sources (front-end helper protocols and
transport protocols aside) and their requirements (func/var/subscript/associatedtype/init lines at
the protocol's top level). A protocol that only composes others (`ReadTransaction`) counts 0.
Prints one line per protocol, then the totals and the largest."""
import re, sys, pathlib
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "Sources")
skip = {"JifenCommand", "HTTPTransport", "PostgresBindable"}
found = []
for path in sorted(root.rglob("*.swift")):
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r'\s*(public\s+)?protocol\s+(\w+)', lines[i])
        if m and m.group(2) not in skip:
            # The body opens on the declaration's line or on a later one (a long list of inherited protocols).
            j = i
            while "{" not in lines[j]:
                j += 1
            depth = lines[j].count("{") - lines[j].count("}")
            reqs = 0; j += 1
            while depth > 0 and j < len(lines):
                l = lines[j]
                if depth == 1 and re.match(r'\s*(func|var|static func|static var|subscript|associatedtype|init)\b', l):
                    reqs += 1
                depth += l.count("{") - l.count("}")
                j += 1
            print(f"{reqs:4d}  {m.group(2):28s} {path}")
            found.append((reqs, m.group(2)))
            i = j
        else:
            i += 1
largest = max(found, default=(0, "-"))
print(f"protocols={len(found)} requirements={sum(r for r, _ in found)} largest={largest[1]} ({largest[0]})")
