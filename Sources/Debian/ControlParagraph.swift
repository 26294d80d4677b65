import Foundation

/// One deb822 paragraph (a `control` file, a `status` stanza, a `.sources` entry): fields in their original order,
/// each value as written after `Name:` with continuation lines kept verbatim (leading space included), so a paragraph
/// that is parsed and written again is byte-identical.
public struct ControlParagraph: Sendable, Hashable {
    /// The fields in order: name as written, value without the separating space after the colon.
    public var fields: [(name: String, value: String)]

    public init(fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public static func == (lhs: ControlParagraph, rhs: ControlParagraph) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }

    /// The value of the field named `name` (case-insensitive), or nil.
    public subscript(name: String) -> String? {
        get {
            let lowered = name.lowercased()
            return fields.first { $0.name.lowercased() == lowered }?.value
        }
        set {
            let lowered = name.lowercased()
            if let index = fields.firstIndex(where: { $0.name.lowercased() == lowered }) {
                if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
            } else if let newValue {
                fields.append((name, newValue))
            }
        }
    }

    /// The first line of a field's value, trimmed (the whole value for single-line fields).
    public func simple(_ name: String) -> String? {
        self[name].map { String($0.split(separator: "\n", omittingEmptySubsequences: false).first ?? "") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The paragraph as text, each line ending in `\n`, without the blank line that separates paragraphs.
    public var text: String {
        fields.map { "\($0.name):" + ($0.value.isEmpty || $0.value.hasPrefix("\n") ? "" : " ") + $0.value + "\n" }
            .joined()
    }

    /// Parses every paragraph of `text` (blank lines separate paragraphs; `#` comment lines are skipped as apt and
    /// dpkg allow in `.sources` files).
    ///
    /// - Throws: ``DebianError`` naming the line for a line that is neither a field nor a continuation.
    public static func parseAll(_ text: String, file: String) throws(DebianError) -> [ControlParagraph] {
        var paragraphs: [ControlParagraph] = []
        var current: [(name: String, value: String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { paragraphs.append(ControlParagraph(fields: current)) }
                current = []
                continue
            }
            if line.hasPrefix("#") { continue }
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                guard !current.isEmpty else {
                    throw DebianError(.malformed, "\(file) line \(index + 1): a continuation line with no field before it")
                }
                current[current.count - 1].value += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw DebianError(.malformed, "\(file) line \(index + 1): expected `Field: value`, got `\(line.prefix(60))`")
            }
            var value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") || value.hasPrefix("\t") { value = value.dropFirst() }
            current.append((String(line[..<colon]), String(value).trimmingTrailingWhitespace()))
        }
        if !current.isEmpty { paragraphs.append(ControlParagraph(fields: current)) }
        return paragraphs
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var result = Substring(self)
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return String(result)
    }
}
