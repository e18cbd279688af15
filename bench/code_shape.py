"""Method sizes and parameter counts of a source tree: how readable the code is, in two numbers.

usage: /usr/bin/python3 bench/code_shape.py [DIR ...] [--exclude PATH_PART]

For every method and constructor of the Java files under each DIR (default: knng-core's main
sources, the SIMD kernels excluded, where primitive arrays and offsets are the point), prints
the largest parameter count and the methods over 7 parameters, and the longest methods in lines.
A simple brace-matching scan, not a parser: good enough for code formatted like this project's.
"""
import argparse
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECL = re.compile(r"^\s*(?:(?:public|protected|private|static|final|abstract|synchronized|default)\s+)*"
                  r"(?:<[^>]+>\s+)?(?:[\w.<>\[\], ?]+\s+)?(\w+)\s*\(([^)]*)\)\s*(?:throws [\w., ]+)?\s*\{")
KEYWORDS = {"if", "for", "while", "switch", "catch", "synchronized", "return", "new", "else", "try"}


def methods(path):
    text = path.read_text()
    lines = text.split("\n")
    joined = text
    for m in re.finditer(DECL.pattern, joined, re.M):
        name, params = m.group(1), m.group(2)
        if name in KEYWORDS:
            continue
        depth = 0
        count = 0 if not params.strip() else 1
        for ch in params:
            depth += ch in "<("
            depth -= ch in ">)"
            count += ch == "," and depth == 0
        start = joined.count("\n", 0, m.start()) + 1
        # body length: from the opening brace to its match
        i = m.end() - 1
        level = 0
        for j in range(i, len(joined)):
            if joined[j] == "{":
                level += 1
            elif joined[j] == "}":
                level -= 1
                if level == 0:
                    break
        end = joined.count("\n", 0, j) + 1
        yield name, count, end - start + 1, start


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dirs", nargs="*", default=[str(ROOT / "knng-core" / "src" / "main" / "java")])
    p.add_argument("--exclude", default="/simd/")
    args = p.parse_args()
    rows = []
    for d in args.dirs:
        for f in sorted(Path(d).rglob("*.java")):
            if args.exclude and args.exclude in str(f):
                continue
            for name, params, size, line in methods(f):
                rows.append((f.name, name, params, size, line))
    print(f"{len(rows)} methods and constructors")
    print(f"most parameters: {max(r[2] for r in rows)}")
    over = [r for r in rows if r[2] > 7]
    print(f"over 7 parameters: {len(over)}" + "".join(f"\n  {r[0]}:{r[4]} {r[1]} ({r[2]})" for r in over))
    longest = sorted(rows, key=lambda r: -r[3])[:5]
    print("longest methods (lines):" + "".join(f"\n  {r[0]}:{r[4]} {r[1]} ({r[3]})" for r in longest))
    print(f"methods over 60 lines: {sum(r[3] > 60 for r in rows)}")


if __name__ == "__main__":
    main()
