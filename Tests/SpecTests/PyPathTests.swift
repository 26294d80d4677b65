import Foundation
import Testing

@testable import Spec

/// `PyPath.pathlibString` against CPython's own `str(pathlib.PurePosixPath(s))`: the form Python's errors name a
/// `requirements` path in (a differential run once found a trailing slash kept where Python drops it).
@Suite("PyPath: pathlib's string form")
struct PyPathTests {
    static let paths = [
        "", ".", "./", "a", "a/", "a//b", "a/./b", "a/../b", "/", "//", "///", "////a//", "//a/b/", "./a/./",
        "../a/..", "a/.", ".a/.b/", "/./a", "a拷İ\u{7f}`ρ/", "x y/ z/",
    ]

    @Test("every path renders as Python renders it")
    func matchesPython() throws {
        let expected = try #require(
            try ReferencePython.json(
                "import json, sys, pathlib\nprint(json.dumps([str(pathlib.PurePosixPath(p)) for p in json.load(sys.stdin)]))",
                input: Self.paths) as? [String])
        let ours = Self.paths.map { PyPath.string(PyPath.pathlibString(PyPath.from($0))) }
        #expect(ours == expected)
    }
}
