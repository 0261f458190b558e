#!/usr/bin/env python3
"""Counts the store seam: protocols declared under Sources (front-end helper protocols and
transport protocols aside) and their requirements (func/var/subscript/associatedtype lines at
the protocol's top level). Used for issue 11's before/after figures."""
import re, sys, pathlib
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "Sources")
skip = {"JifenCommand", "HTTPTransport", "PostgresBindable"}
total_p = total_r = 0
for path in sorted(root.rglob("*.swift")):
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r'\s*(public\s+)?protocol\s+(\w+)', lines[i])
        if m and m.group(2) not in skip:
            depth = lines[i].count("{") - lines[i].count("}")
            reqs = 0; j = i + 1
            while depth > 0 and j < len(lines):
                l = lines[j]
                if depth == 1 and re.match(r'\s*(func|var|static func|static var|subscript|associatedtype|init)\b', l):
                    reqs += 1
                depth += l.count("{") - l.count("}")
                j += 1
            print(f"{reqs:4d}  {m.group(2):28s} {path}")
            total_p += 1; total_r += reqs
            i = j
        else:
            i += 1
print(f"protocols={total_p} requirements={total_r}")
