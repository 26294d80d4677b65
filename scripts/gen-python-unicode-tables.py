#!/usr/bin/env python3
"""Generate Sources/Spec/Python/PythonUnicodeTables.swift from CPython 3.11's own Unicode database.

flytekit hashes CPython's ``repr()`` of the ImageSpec fields and lower-cases ``name``/``registry`` with
``str.lower()``. Both depend on CPython's built-in Unicode tables (UCD 14.0.0 in CPython 3.11), not on the newer
tables of the Swift standard library. This script asks the running interpreter, code point by code point, and writes
the answers as compact Swift tables, so the Swift side never consults its own (newer) Unicode data:

* ``printableRanges``: maximal ranges of code points where ``chr(c).isprintable()`` is true;
* ``lowercaseRuns``: ``str.lower()`` of single code points that map to one other code point, as runs
  ``(start, count, stride, delta)``; the one multi-code-point mapping (U+0130) and the Final_Sigma context rule for
  U+03A3 are handled in code;
* ``decimalZeros``: the code points whose ``unicodedata.decimal`` is 0 (decimal digits come in runs 0…9), which
  ``str.format`` accepts as digits in field indexes, widths and precisions;
* ``caseIgnorableRanges`` / ``casedRanges``: the two properties CPython's Final_Sigma rule looks at (``casedRanges``
  only lists code points that are not case-ignorable, which is all the rule ever asks about).

Regenerate (needs CPython 3.11, i.e. ``unicodedata.unidata_version == '14.0.0'``):

    python3 scripts/gen-python-unicode-tables.py > Sources/Spec/Python/PythonUnicodeTables.swift
"""

import sys
import unicodedata

EXPECTED_UCD = "14.0.0"
if unicodedata.unidata_version != EXPECTED_UCD:
    sys.exit(f"gen-python-unicode-tables.py: error: needs CPython 3.11 (UCD {EXPECTED_UCD}), "
             f"this is {sys.version.split()[0]} with UCD {unicodedata.unidata_version}")

MAX = 0x110000
SURROGATES = range(0xD800, 0xE000)


def ranges(predicate):
    out = []
    start = None
    for c in range(MAX):
        if predicate(c):
            if start is None:
                start = c
        elif start is not None:
            out.append((start, c - 1))
            start = None
    if start is not None:
        out.append((start, MAX - 1))
    return out


def printable(c):
    return chr(c).isprintable()


def sigma_after(prefix):
    """True when U+03A3 lowers to final sigma at the end of ``prefix + 'Σ'``."""
    return (prefix + "\u03a3").lower()[-1] == "\u03c2"


def case_ignorable(c):
    if c in SURROGATES:
        return False
    ch = chr(c)
    # 'A' + ch + 'Σ' is final iff ch is ignorable or cased; 'AΣ' + ch is final iff ch is ignorable or not cased.
    return sigma_after("A" + ch) and ("A\u03a3" + ch).lower()[1] == "\u03c2"


def cased_not_ignorable(c):
    if c in SURROGATES or case_ignorable(c):
        return False
    return sigma_after("A" + chr(c))


def lowercase_runs():
    entries = []
    for c in range(MAX):
        if c in SURROGATES or c == 0x130:
            continue
        low = chr(c).lower()
        if low != chr(c):
            assert len(low) == 1, hex(c)
            entries.append((c, ord(low) - c))
    runs = []  # [start, count, stride, delta]
    for c, delta in entries:
        if runs:
            start, count, stride, rdelta = runs[-1]
            last = start + (count - 1) * stride
            if rdelta == delta:
                if count == 1 and c - last in (1, 2):
                    runs[-1] = [start, 2, c - last, delta]
                    continue
                if count > 1 and c - last == stride:
                    runs[-1][1] += 1
                    continue
        runs.append([c, 1, 1, delta])
    return runs


def check_special_lowercase():
    assert "\u0130".lower() == "i\u0307"
    for c in range(MAX):
        if c in SURROGATES or c == 0x130:
            continue
        assert len(chr(c).lower()) == 1, hex(c)


def emit_pairs(name, doc, pairs):
    print(f"    /// {doc}")
    print(f"    static let {name}: [UInt32] = [")
    line = "       "
    for lo, hi in pairs:
        item = f" 0x{lo:X}, 0x{hi:X},"
        if len(line) + len(item) > 118:
            print(line)
            line = "       "
        line += item
    print(line)
    print("    ]")


def main():
    check_special_lowercase()
    printable_ranges = ranges(printable)
    ignorable = ranges(case_ignorable)
    cased = ranges(cased_not_ignorable)
    runs = lowercase_runs()
    zeros = [c for c in range(MAX) if c not in SURROGATES and unicodedata.decimal(chr(c), -1) == 0]
    for z in zeros:
        assert all(unicodedata.decimal(chr(z + d), -1) == d for d in range(10)), hex(z)
    digits = sum(1 for c in range(MAX) if c not in SURROGATES and unicodedata.decimal(chr(c), -1) >= 0)
    assert digits == 10 * len(zeros)

    print("// swift-format-ignore-file")
    print("// GENERATED FILE: do not edit. Regenerate with")
    print("//     python3 scripts/gen-python-unicode-tables.py > Sources/Spec/Python/PythonUnicodeTables.swift")
    print(f"// Source: CPython {sys.version.split()[0]}, "
          f"unicodedata.unidata_version == '{unicodedata.unidata_version}'.")
    print("// These tables make the Swift port answer exactly as CPython 3.11 does, whatever Unicode version the Swift")
    print("// standard library ships.")
    print()
    print("/// CPython 3.11 Unicode facts (UCD 14.0.0) used by `PythonUnicode`.")
    print("enum PythonUnicodeTables {")
    emit_pairs("printableRanges",
               f"Inclusive ranges where `str.isprintable()` is true ({len(printable_ranges)} ranges, "
               "flattened lo, hi).",
               printable_ranges)
    print()
    emit_pairs("caseIgnorableRanges",
               f"Inclusive ranges of Case_Ignorable code points ({len(ignorable)} ranges, flattened lo, hi).",
               ignorable)
    print()
    emit_pairs("casedRanges",
               f"Inclusive ranges of Cased code points that are not Case_Ignorable ({len(cased)} ranges).",
               cased)
    print()
    print(f"    /// Code points with `unicodedata.decimal(c) == 0` ({len(zeros)}); "
          "each starts a run of the digits 0…9.")
    print("    static let decimalZeros: [UInt32] = [")
    line = "       "
    for z in zeros:
        item = f" 0x{z:X},"
        if len(line) + len(item) > 118:
            print(line)
            line = "       "
        line += item
    print(line)
    print("    ]")
    print()
    print(f"    /// `str.lower()` of single code points as runs ({len(runs)} runs, "
          "flattened start, count, stride, delta):")
    print("    /// code point `start + i * stride` (0 ≤ i < count) lowers to itself + delta.")
    print("    static let lowercaseRuns: [Int32] = [")
    line = "       "
    for start, count, stride, delta in runs:
        item = f" 0x{start:X}, {count}, {stride}, {delta},"
        if len(line) + len(item) > 118:
            print(line)
            line = "       "
        line += item
    print(line)
    print("    ]")
    print("}")


if __name__ == "__main__":
    main()
