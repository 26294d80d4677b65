/// A Python `str` as code points. File names come from the file system as bytes and Python decodes them with
/// `surrogateescape` (each byte of an invalid UTF-8 sequence becomes U+DC80…U+DCFF), so a plain Swift `String`
/// cannot represent every path Python sees; this can.
typealias PyStr = [UInt32]

/// `os.path` (posixpath) and `pathlib` operations on `PyStr`, as CPython 3.11 implements them.
enum PyPath {
    static let slash: UInt32 = 0x2F
    static let dot: UInt32 = 0x2E

    /// `os.fsdecode(bytes)`: UTF-8 with `surrogateescape`.
    static func decode(_ bytes: some Collection<UInt8>) -> PyStr {
        let input = Array(bytes)
        var out = PyStr()
        out.reserveCapacity(input.count)
        var i = 0
        while i < input.count {
            let b0 = input[i]
            if b0 < 0x80 {
                out.append(UInt32(b0))
                i += 1
                continue
            }
            if let (value, length) = decodeSequence(input, at: i) {
                out.append(value)
                i += length
            } else {
                out.append(0xDC00 + UInt32(b0))
                i += 1
            }
        }
        return out
    }

    /// One strict UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF) starting at `i`.
    private static func decodeSequence(_ s: [UInt8], at i: Int) -> (UInt32, Int)? {
        let b0 = s[i]
        func cont(_ k: Int) -> UInt32? {
            guard i + k < s.count, s[i + k] & 0xC0 == 0x80 else { return nil }
            return UInt32(s[i + k] & 0x3F)
        }
        switch b0 {
        case 0xC2...0xDF:
            guard let c1 = cont(1) else { return nil }
            return (UInt32(b0 & 0x1F) << 6 | c1, 2)
        case 0xE0...0xEF:
            guard let c1 = cont(1), let c2 = cont(2) else { return nil }
            let value = UInt32(b0 & 0x0F) << 12 | c1 << 6 | c2
            guard value >= 0x800, !(0xD800...0xDFFF).contains(value) else { return nil }
            return (value, 3)
        case 0xF0...0xF4:
            guard let c1 = cont(1), let c2 = cont(2), let c3 = cont(3) else { return nil }
            let value = UInt32(b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
            guard value >= 0x10000, value <= 0x10FFFF else { return nil }
            return (value, 4)
        default:
            return nil
        }
    }

    /// `s.encode("utf-8")`; `nil` when `s` holds a lone surrogate (Python raises `UnicodeEncodeError`).
    static func utf8(_ s: PyStr) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(s.count)
        for value in s {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            out.append(contentsOf: UTF8.encode(scalar)!)
        }
        return out
    }

    /// `os.fsencode(s)`: the bytes a `surrogateescape`-decoded string came from.
    static func fsencode(_ s: PyStr) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(s.count)
        for value in s {
            if value >= 0xDC80 && value <= 0xDCFF {
                out.append(UInt8(value - 0xDC00))
            } else if let scalar = Unicode.Scalar(value) {
                out.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
        return out
    }

    static func string(_ s: PyStr) -> String {
        String(decoding: fsencode(s), as: UTF8.self)
    }

    static func from(_ string: String) -> PyStr { string.unicodeScalars.map(\.value) }

    static func isAbsolute(_ s: PyStr) -> Bool { s.first == slash }

    /// `os.path.join(a, b)`.
    static func join(_ a: PyStr, _ b: PyStr) -> PyStr {
        if isAbsolute(b) { return b }
        if a.isEmpty || a.last == slash { return a + b }
        return a + [slash] + b
    }

    /// `s.split("/")`.
    static func split(_ s: PyStr) -> [PyStr] {
        s.split(separator: slash, omittingEmptySubsequences: false).map(Array.init)
    }

    /// `os.path.normpath(s)`.
    static func normpath(_ s: PyStr) -> PyStr {
        if s.isEmpty { return [dot] }
        var initialSlashes = s.prefix(while: { $0 == slash }).count
        if initialSlashes > 2 { initialSlashes = 1 }
        var components: [PyStr] = []
        for component in split(s) {
            if component.isEmpty || component == [dot] { continue }
            if component == [dot, dot] {
                if initialSlashes == 0 && components.isEmpty || components.last == [dot, dot] {
                    components.append(component)
                } else if !components.isEmpty {
                    components.removeLast()
                }
                continue
            }
            components.append(component)
        }
        var out = PyStr(repeating: slash, count: initialSlashes)
        out += Array(components.joined(separator: [slash]))
        return out.isEmpty ? [dot] : out
    }

    /// `str(pathlib.PurePosixPath(s))`: empty and `.` components dropped (`..` kept), a trailing slash removed, and
    /// exactly two leading slashes kept (three or more become one); an empty result is `.`.
    static func pathlibString(_ s: PyStr) -> PyStr {
        let leading = s.prefix(while: { $0 == slash }).count
        let root = PyStr(repeating: slash, count: leading == 2 ? 2 : min(leading, 1))
        let parts = split(s).filter { !$0.isEmpty && $0 != [dot] }
        let out = root + Array(parts.joined(separator: [slash]))
        return out.isEmpty ? [dot] : out
    }

    /// `os.path.abspath(s)` with `cwd` standing for `os.getcwd()`.
    static func abspath(_ s: PyStr, cwd: PyStr) -> PyStr {
        normpath(isAbsolute(s) ? s : join(cwd, s))
    }

    /// `os.path.relpath(path, start)` with `cwd` standing for `os.getcwd()`.
    static func relpath(_ path: PyStr, _ start: PyStr, cwd: PyStr) -> PyStr {
        let startList = split(abspath(start, cwd: cwd)).filter { !$0.isEmpty }
        let pathList = split(abspath(path, cwd: cwd)).filter { !$0.isEmpty }
        var common = 0
        while common < startList.count && common < pathList.count && startList[common] == pathList[common] {
            common += 1
        }
        let rel = Array(repeating: [dot, dot], count: startList.count - common) + pathList[common...]
        if rel.isEmpty { return [dot] }
        return Array(rel.joined(separator: [slash]))
    }

    /// `os.path.commonpath([a, b]) == b`, with `ValueError` (absolute mixed with relative) as false: flytekit's
    /// `_file_is_in_directory(a, b)`.
    static func isInDirectory(_ file: PyStr, _ directory: PyStr) -> Bool {
        guard isAbsolute(file) == isAbsolute(directory) else { return false }
        let a = split(file).filter { !$0.isEmpty && $0 != [dot] }
        let b = split(directory).filter { !$0.isEmpty && $0 != [dot] }
        var common = 0
        while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
        var result: PyStr = isAbsolute(file) ? [slash] : []
        result += Array(a[..<common].joined(separator: [slash]))
        return result == directory
    }

    /// `os.path.dirname(s)`.
    static func dirname(_ s: PyStr) -> PyStr {
        guard let last = s.lastIndex(of: slash) else { return [] }
        let head = Array(s[...last])
        if head.allSatisfy({ $0 == slash }) { return head }
        return Array(head.reversed().drop(while: { $0 == slash }).reversed())
    }

    /// `os.path.basename(s)`.
    static func basename(_ s: PyStr) -> PyStr {
        guard let last = s.lastIndex(of: slash) else { return s }
        return Array(s[(last + 1)...])
    }

    /// `pathlib.PurePosixPath(s).as_posix()`.
    static func asPosix(_ s: PyStr) -> PyStr {
        var root: PyStr = []
        if s.first == slash {
            let leading = s.prefix(while: { $0 == slash }).count
            root = leading == 2 ? [slash, slash] : [slash]
        }
        let parts = split(s).filter { !$0.isEmpty && $0 != [dot] }
        let joined = root + Array(parts.joined(separator: [slash]))
        return joined.isEmpty ? [dot] : joined
    }
}
