import Foundation
import Yams

/// Reads a YAML spec file into `SourceNode`s exactly as flytekit's `yaml.safe_load` would type the values
/// (PyYAML, YAML 1.1), keeping line and column of every value for error messages.
///
/// Libyaml (through Yams) does the parsing; typing follows `PyYAMLScalarResolver`; merge keys (`<<`) follow
/// PyYAML's `flatten_mapping`. Problems are collected, not thrown one by one, so `imagespec validate` can list all.
/// Before any of that, ``YAMLAliasBudget`` bounds what aliases expand to, so an alias bomb is one error, not a hang.
struct YAMLSpecReader {
    /// The file name used in diagnostics.
    let file: String?
    /// Problems found so far.
    private(set) var problems: [SpecDiagnostic] = []
    /// The top-level key whose value is being converted (named in diagnostics).
    private var currentField: String?
    /// Mapping nesting depth (0 outside the root mapping).
    private var depth = 0

    /// The tag Yams gives untagged plain scalars, so they can be told apart from quoted and explicitly tagged ones.
    private static let plainTag = Tag.Name(rawValue: "tag:imagespec.invalid,2025:plain")
    // The pattern "^" matches every string, so every implicit scalar gets `plainTag`.
    // swiftlint:disable:next force_try
    private static let resolver = Resolver.basic.appending(try! Resolver.Rule(plainTag, "^"))

    /// Creates a reader.
    init(file: String?) {
        self.file = file
    }

    /// Reads raw file bytes. Returns `nil` (with `problems` set) if they are not UTF-8 or not valid YAML; returns a
    /// node with `.scalar(.none)` content for an empty document.
    mutating func read(bytes: [UInt8]) -> SourceNode? {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) {
            body = body.dropFirst(3)
        }
        if let offset = Self.firstInvalidUTF8Offset(body) {
            let location = SourceLocation.of(offset: offset + (bytes.count - body.count), in: bytes)
            let byte = String(format: "0x%02X", body[body.startIndex + offset])
            report(
                location, field: nil,
                "the file is not UTF-8 text (byte \(byte)) — save it as UTF-8 (flytekit reads spec files as UTF-8)")
            return nil
        }
        return read(text: String(decoding: body, as: UTF8.self))
    }

    /// Reads YAML text (see `read(bytes:)`).
    mutating func read(text: String) -> SourceNode? {
        do {
            try YAMLAliasBudget.check(text)
        } catch {
            report(
                SourceLocation(line: error.line, column: error.column), field: nil,
                "YAML aliases (*name) here expand the document past \(error.what) (an alias bomb?) — write the "
                    + "values out instead of nesting aliases")
            return nil
        }
        let root: Node?
        do {
            let parser = try Parser(yaml: text, resolver: Self.resolver, constructor: .default, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let error as YamlError {
            reportYAMLError(error, text: text)
            return nil
        } catch {
            report(nil, field: nil, "cannot parse YAML: \(error)")
            return nil
        }
        guard let root else {
            return SourceNode(content: .scalar(.none), location: SourceLocation(line: 1, column: 1))
        }
        return convert(root)
    }

    // MARK: - Node conversion

    private mutating func convert(_ node: Node, asKey: Bool = false) -> SourceNode {
        let location = node.mark.map { SourceLocation(line: $0.line, column: $0.column) }
        switch node {
        case .scalar(let scalar):
            return convertScalar(scalar, location: location, asKey: asKey)
        case .alias:
            return SourceNode(content: .invalid, location: location)
        case .sequence(let sequence):
            let tag = sequence.tag.rawValue
            guard Self.isImplicit(tag) || tag == Tag.Name.seq.rawValue else {
                report(
                    location, field: nil,
                    "the tag \(tag) is not supported here — remove it (flytekit reads "
                        + "spec files with yaml.safe_load)")
                return SourceNode(content: .invalid, location: location)
            }
            return SourceNode(content: .sequence(sequence.map { convert($0) }), location: location)
        case .mapping(let mapping):
            let tag = mapping.tag.rawValue
            guard Self.isImplicit(tag) || tag == Tag.Name.map.rawValue else {
                report(
                    location, field: nil,
                    "the tag \(tag) is not supported here — remove it (flytekit reads "
                        + "spec files with yaml.safe_load)")
                return SourceNode(content: .invalid, location: location)
            }
            return convertMapping(mapping, location: location)
        }
    }

    private static func isImplicit(_ tag: String) -> Bool {
        tag.isEmpty || tag == "!" || tag == plainTag.rawValue
    }

    private mutating func convertScalar(_ scalar: Node.Scalar, location: SourceLocation?, asKey: Bool) -> SourceNode {
        let tagName = scalar.tag.rawValue
        let plain = scalar.style == .plain || scalar.style == .any
        let resolution: PyYAMLScalarResolver.Resolution
        if tagName.isEmpty || tagName == Self.plainTag.rawValue {
            resolution = PyYAMLScalarResolver.resolve(scalar.string, plain: plain, tag: nil)
        } else {
            resolution = PyYAMLScalarResolver.resolve(scalar.string, plain: plain, tag: tagName)
        }
        let text = scalar.string
        switch resolution {
        case .value(let value):
            return SourceNode(content: .scalar(value), location: location, sourceText: text)
        case .merge:
            // Only meaningful as a key; `convertMapping` looks at the text before converting.
            report(location, field: nil, "'<<' (a YAML merge key) cannot be a value — quote it: \"<<\"")
        case .valueKey:
            if asKey {
                return SourceNode(content: .scalar(.str(text)), location: location, sourceText: text)
            }
            report(location, field: nil, "'=' cannot be read by yaml.safe_load — quote it: \"=\"")
        case .timestamp:
            report(
                location, field: nil,
                "\(text) is read as a date/time, which no ImageSpec field can hold — quote it: \"\(text)\"")
        case .invalid(let reason):
            report(location, field: nil, "\(reason) — remove the tag or fix the value")
        case .unsupportedTag(let tag):
            report(
                location, field: nil,
                "the tag \(tag) is not supported (flytekit reads spec files with "
                    + "yaml.safe_load) — remove it")
        }
        return SourceNode(content: .invalid, location: location, sourceText: text)
    }

    /// PyYAML's `flatten_mapping` + `construct_mapping`: merged pairs first (a sequence of mappings in reverse, so
    /// earlier ones win), then the mapping's own pairs; a repeated key keeps its first position and takes the last
    /// value. Unlike PyYAML, a key repeated among the mapping's own pairs is reported as an error.
    private mutating func convertMapping(_ mapping: Node.Mapping, location: SourceLocation?) -> SourceNode {
        var merged: [SourceNode.Pair] = []
        var own: [SourceNode.Pair] = []
        depth += 1
        defer { depth -= 1 }
        for (keyNode, valueNode) in mapping {
            if case .scalar(let keyScalar) = keyNode, isMergeKey(keyScalar) {
                let value = convert(valueNode)
                merged.append(contentsOf: mergePairs(value))
                continue
            }
            let key = convert(keyNode, asKey: true)
            if depth == 1 {
                currentField = key.pyValue.map(PyValueDescription.str)
            }
            own.append(SourceNode.Pair(key: key, value: convert(valueNode)))
            if depth == 1 {
                currentField = nil
            }
        }
        var result: [(pair: SourceNode.Pair, isOwn: Bool)] = []
        for (pair, isOwn) in merged.map({ ($0, false) }) + own.map({ ($0, true) }) {
            guard let key = pair.key.pyValue else {
                result.append((pair, isOwn))
                continue
            }
            guard PythonKeyEquality.isHashable(key) else {
                report(pair.key.location, field: nil, "a list or mapping cannot be a mapping key — use a string")
                continue
            }
            if let index = result.firstIndex(where: { existing in
                existing.pair.key.pyValue.map { PythonKeyEquality.same($0, key) } ?? false
            }) {
                if isOwn && result[index].isOwn {
                    let first = result[index].pair.key.location.map { " (first at line \($0.line))" } ?? ""
                    report(
                        pair.key.location, field: nil,
                        "duplicate key \(PythonRepr.repr(key))\(first) — keep only one (flytekit would silently "
                            + "use the last)")
                }
                result[index].pair.value = pair.value
                result[index].isOwn = result[index].isOwn || isOwn
            } else {
                result.append((pair, isOwn))
            }
        }
        return SourceNode(content: .mapping(result.map(\.pair)), location: location)
    }

    private func isMergeKey(_ scalar: Node.Scalar) -> Bool {
        let tagName = scalar.tag.rawValue
        if tagName == "tag:yaml.org,2002:merge" {
            return true
        }
        let plain = scalar.style == .plain || scalar.style == .any
        return plain && (tagName.isEmpty || tagName == Self.plainTag.rawValue) && scalar.string == "<<"
    }

    private mutating func mergePairs(_ value: SourceNode) -> [SourceNode.Pair] {
        switch value.content {
        case .mapping(let pairs):
            return pairs
        case .sequence(let items):
            var groups: [[SourceNode.Pair]] = []
            for item in items {
                guard case .mapping(let pairs) = item.content else {
                    report(item.location, field: nil, "'<<' (merge) expects mappings — fix the merged value")
                    continue
                }
                groups.append(pairs)
            }
            return groups.reversed().flatMap { $0 }
        case .invalid:
            return []
        case .scalar:
            report(value.location, field: nil, "'<<' (merge) expects a mapping or a list of mappings")
            return []
        }
    }

    // MARK: - Errors

    private mutating func report(_ location: SourceLocation?, field: String?, _ message: String) {
        problems.append(
            SpecDiagnostic(.error, file: file, location: location, field: field ?? currentField, message: message))
    }

    private mutating func reportYAMLError(_ error: YamlError, text: String) {
        switch error {
        case let .reader(problem, offset, value, _):
            var location: SourceLocation?
            if let offset {
                location = SourceLocation.of(offset: offset, in: Array(text.utf8))
            }
            let character = value >= 0 ? String(format: " (U+%04X)", value) : ""
            report(location, field: nil, "invalid YAML: \(problem)\(character) — remove or escape that character")
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let contextText = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            report(
                SourceLocation(line: mark.line, column: mark.column), field: nil,
                "invalid YAML: \(problem)\(contextText) — fix the YAML syntax")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            report(
                SourceLocation(line: context.mark.line, column: context.mark.column), field: nil,
                "duplicate key \(keys) in this mapping — keep only one (flytekit would silently use the last)")
        default:
            report(nil, field: nil, "invalid YAML: \(error)")
        }
    }

    /// The offset of the first byte that is not part of valid UTF-8, if any.
    static func firstInvalidUTF8Offset(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let length: Int
            let minimum: UInt32
            switch byte {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2; minimum = 0x80
            case 0xE0...0xEF: length = 3; minimum = 0x800
            case 0xF0...0xF4: length = 4; minimum = 0x10000
            default: return index - bytes.startIndex
            }
            guard index + length <= bytes.endIndex else {
                return index - bytes.startIndex
            }
            var scalar = UInt32(byte) & (0xFF >> (length + 1))
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else {
                    return index - bytes.startIndex
                }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                return index - bytes.startIndex
            }
            index += length
        }
        return nil
    }
}
