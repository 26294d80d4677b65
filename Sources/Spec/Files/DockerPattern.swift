/// One `.dockerignore` pattern as docker-py 7 (`docker.utils.build.Pattern`) handles it, the matcher flytekit's
/// `DockerIgnore` uses: a leading `!` negates; the rest is `str.strip()`ped, split on `/`, empty and `.` parts
/// dropped and `..` resolved lexically. Matching is docker-py's own `fnmatch`: both sides lower-cased with
/// `str.lower()`, `*` and `?` do not cross `/`, `**` (optionally followed by `/`) crosses directories, `[...]`/`[!...]`
/// classes, anchored with Python `re`'s `^…$` (so `.` never matches a newline and `$` also matches before a trailing
/// newline).
struct DockerPattern {
    /// A piece of the regular expression docker-py's `translate` builds.
    enum Token: Equatable {
        case literal(UInt32)
        /// `[^/]` (from `?`).
        case anyButSlash
        /// `[^/]*` (from `*`).
        case starButSlash
        /// `.*` (from a trailing `**`).
        case starButNewline
        /// `(?:.*/)?` (from `**` or `**/` not at the end); expanded to skip(2), starButNewline, literal("/").
        case optionalSkip(Int)
        /// `[...]`.
        case set(CharacterSet)
    }

    /// A Python `re` character class: literals and inclusive ranges, possibly negated.
    struct CharacterSet: Equatable {
        var negated: Bool
        var ranges: [ClosedRange<UInt32>]

        func contains(_ c: UInt32) -> Bool {
            ranges.contains(where: { $0.contains(c) }) != negated
        }
    }

    let exclusion: Bool
    let dirs: [PyStr]
    let tokens: [Token]
    /// Set when Python's `re` would refuse to compile the translated pattern (e.g. `[z-a]`).
    let compileError: String?
    /// The pattern when it has no wildcards (the common case): matching is then a comparison.
    let literal: PyStr?

    init(_ text: PyStr) {
        var body = text
        exclusion = body.first == 0x21
        if exclusion { body.removeFirst() }
        dirs = DockerPattern.normalize(body)
        let cleaned = Array(dirs.joined(separator: [PyPath.slash]))
        var error: String?
        tokens = DockerPattern.translate(PythonUnicode.lower(codePoints: cleaned), error: &error)
        compileError = error
        var literal: PyStr? = []
        for token in tokens {
            if case .literal(let value) = token { literal?.append(value) } else { literal = nil }
        }
        self.literal = literal
    }

    /// docker-py `Pattern.normalize`.
    static func normalize(_ pattern: PyStr) -> [PyStr] {
        var parts = splitPath(stripRaw(pattern))
        var i = 0
        while i < parts.count {
            if parts[i] == [PyPath.dot, PyPath.dot] {
                parts.remove(at: i)
                if i > 0 {
                    parts.remove(at: i - 1)
                    i -= 1
                }
            } else {
                i += 1
            }
        }
        return parts
    }

    /// `str.strip()` on code points (lone surrogates are not whitespace).
    static func stripRaw(_ s: PyStr) -> PyStr {
        guard let first = s.firstIndex(where: { !PythonUnicode.isSpace($0) }) else { return [] }
        let last = s.lastIndex(where: { !PythonUnicode.isSpace($0) })!
        return Array(s[first...last])
    }

    /// docker-py `split_path`: split on `/`, drop empty parts and `.`.
    static func splitPath(_ s: PyStr) -> [PyStr] {
        PyPath.split(s).filter { !$0.isEmpty && $0 != [PyPath.dot] }
    }

    /// docker-py `fnmatch.translate`, as tokens.
    static func translate(_ pat: PyStr, error: inout String?) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        let n = pat.count
        while i < n {
            let c = pat[i]
            i += 1
            switch c {
            case 0x2A:  // *
                if i < n && pat[i] == 0x2A {
                    i += 1
                    if i < n && pat[i] == PyPath.slash { i += 1 }
                    if i >= n {
                        tokens.append(.starButNewline)
                    } else {
                        tokens.append(.optionalSkip(2))
                        tokens.append(.starButNewline)
                        tokens.append(.literal(PyPath.slash))
                    }
                } else {
                    tokens.append(.starButSlash)
                }
            case 0x3F:  // ?
                tokens.append(.anyButSlash)
            case 0x5B:  // [
                var j = i
                if j < n && pat[j] == 0x21 { j += 1 }
                if j < n && pat[j] == 0x5D { j += 1 }
                while j < n && pat[j] != 0x5D { j += 1 }
                if j >= n {
                    tokens.append(.literal(0x5B))
                } else {
                    let stuff = Array(pat[i..<j])
                    i = j + 1
                    switch parseSet(stuff) {
                    case .success(let set): tokens.append(.set(set))
                    case .failure(let failure):
                        if error == nil { error = failure.text }
                    }
                }
            default:
                tokens.append(.literal(c))
            }
        }
        return tokens
    }

    struct SetError: Error { var text: String }

    /// Parses `[stuff]` the way docker-py writes it for `re` (`!` → `^`, leading `^` escaped, backslashes doubled)
    /// and `re`'s parser reads it back: a `]` first is literal, `a-z` is a range, a `-` last is literal, and a
    /// reversed range is an error.
    static func parseSet(_ stuff: PyStr) -> Result<CharacterSet, SetError> {
        var items = stuff
        var negated = false
        if items.first == 0x21 {
            negated = true
            items.removeFirst()
        }
        var ranges: [ClosedRange<UInt32>] = []
        var k = 0
        while k < items.count {
            let low = items[k]
            k += 1
            if k < items.count && items[k] == 0x2D {  // '-'
                if k + 1 >= items.count {
                    ranges.append(low...low)
                    ranges.append(0x2D...0x2D)
                    k += 1
                    break
                }
                let high = items[k + 1]
                k += 2
                guard low <= high else {
                    return .failure(SetError(text: "bad character range \(PyPath.string([low, 0x2D, high]))"))
                }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        return .success(CharacterSet(negated: negated, ranges: ranges))
    }

    /// `re.match("^" + regex + "$", name)` where `name` is already lower-cased (`$` also matches before a final
    /// newline).
    func match(lowered name: PyStr) -> Bool {
        if let literal {
            return name == literal
                || (name.count == literal.count + 1 && name.last == 0x0A && name.starts(with: literal))
        }
        if tokens.count < 64 { return matchSmall(name) }
        return matchLarge(name)
    }

    /// NFA simulation with the states in a bit set (`bit i`: about to match `tokens[i]`; bit `count`: accept).
    private func matchSmall(_ name: PyStr) -> Bool {
        let count = tokens.count
        let accept = UInt64(1) << UInt64(count)
        var current = closure(1)
        for (position, c) in name.enumerated() {
            if position == name.count - 1 && c == 0x0A && current & accept != 0 { return true }
            var next: UInt64 = 0
            var states = current & (accept - 1)
            while states != 0 {
                let index = states.trailingZeroBitCount
                states &= states - 1
                switch tokens[index] {
                case .literal(let value):
                    if value == c { next |= 1 << UInt64(index + 1) }
                case .anyButSlash:
                    if c != PyPath.slash { next |= 1 << UInt64(index + 1) }
                case .starButSlash:
                    if c != PyPath.slash { next |= 1 << UInt64(index) }
                case .starButNewline:
                    if c != 0x0A { next |= 1 << UInt64(index) }
                case .optionalSkip:
                    break
                case .set(let set):
                    if set.contains(c) { next |= 1 << UInt64(index + 1) }
                }
            }
            if next == 0 { return false }
            current = closure(next)
        }
        return current & accept != 0
    }

    /// Epsilon closure of a bit set: stars may match nothing, an optional group may be skipped.
    private func closure(_ states: UInt64) -> UInt64 {
        var result = states
        for index in 0..<tokens.count where result & (1 << UInt64(index)) != 0 {
            switch tokens[index] {
            case .starButSlash, .starButNewline:
                result |= 1 << UInt64(index + 1)
            case .optionalSkip(let length):
                result |= 1 << UInt64(index + 1)
                result |= 1 << UInt64(index + 1 + length)
            default:
                break
            }
        }
        return result
    }

    /// The same simulation with an array of states, for patterns of 64 tokens or more.
    private func matchLarge(_ name: PyStr) -> Bool {
        let count = tokens.count
        var current = [Bool](repeating: false, count: count + 1)
        var next = current
        current[0] = true
        close(&current)
        for (position, c) in name.enumerated() {
            if position == name.count - 1 && c == 0x0A && current[count] { return true }
            for index in 0..<(count + 1) { next[index] = false }
            var any = false
            for index in 0..<count where current[index] {
                switch tokens[index] {
                case .literal(let value):
                    if value == c { next[index + 1] = true; any = true }
                case .anyButSlash:
                    if c != PyPath.slash { next[index + 1] = true; any = true }
                case .starButSlash:
                    if c != PyPath.slash { next[index] = true; any = true }
                case .starButNewline:
                    if c != 0x0A { next[index] = true; any = true }
                case .optionalSkip:
                    break
                case .set(let set):
                    if set.contains(c) { next[index + 1] = true; any = true }
                }
            }
            guard any else { return false }
            swap(&current, &next)
            close(&current)
        }
        return current[count]
    }

    /// Epsilon closure: stars may match nothing, an optional group may be skipped.
    private func close(_ states: inout [Bool]) {
        for index in 0..<tokens.count where states[index] {
            switch tokens[index] {
            case .starButSlash, .starButNewline:
                states[index + 1] = true
            case .optionalSkip(let length):
                states[index + 1] = true
                states[index + 1 + length] = true
            default:
                break
            }
        }
    }
}
