/// flytekit's `StandardIgnore`: Python `fnmatch.fnmatch(path, p)` against
/// `["*.pyc", ".cache", ".cache/*", "__pycache__/*", "**/__pycache__/*"]`. In Python's `fnmatch`, `*` matches any
/// run of characters including `/` and newlines, and the match is anchored at both ends (POSIX: case-sensitive).
enum StandardIgnore {
    static let patterns: [PyStr] = ["*.pyc", ".cache", ".cache/*", "__pycache__/*", "**/__pycache__/*"]
        .map(PyPath.from)

    static func isIgnored(_ path: PyStr) -> Bool {
        patterns.contains { fnmatch(path[...], $0[...]) }
    }

    /// Python `fnmatch` for patterns made of literals, `*` and `?` (the only ones above).
    static func fnmatch(_ name: ArraySlice<UInt32>, _ pattern: ArraySlice<UInt32>) -> Bool {
        var n = name.startIndex
        var p = pattern.startIndex
        var starPattern: Int?
        var starName = n
        while n < name.endIndex {
            if p < pattern.endIndex && pattern[p] == 0x2A {
                while p < pattern.endIndex && pattern[p] == 0x2A { p += 1 }
                starPattern = p
                starName = n
            } else if p < pattern.endIndex && (pattern[p] == 0x3F || pattern[p] == name[n]) {
                p += 1
                n += 1
            } else if let resume = starPattern {
                starName += 1
                n = starName
                p = resume
            } else {
                return false
            }
        }
        while p < pattern.endIndex && pattern[p] == 0x2A { p += 1 }
        return p == pattern.endIndex
    }
}
