import CYaml

/// Bounds what YAML aliases expand to before anything builds or walks the tree (a "billion laughs" alias bomb
/// is a few hundred bytes that expand to billions of values).
///
/// Runs libyaml's event parser once over the text (linear in its size) and adds up, for every alias, the values and
/// scalar bytes of the node it names: the totals are what the fully expanded document holds, which is what any
/// recursive walk of it (Yams' duplicate-key check, the conversion to `SourceNode`s, hashing) has to visit.
/// Syntax errors are left to the real parse, which reports them.
struct YAMLAliasBudget {
    /// The most values (scalars, sequences, mappings) the expanded document may hold.
    static let maximumValues = 100_000
    /// The most scalar bytes the expanded document may hold.
    static let maximumBytes = 8 << 20
    /// The most aliases one document may use.
    static let maximumAliases = 10_000

    /// Where and how the budget ran out.
    struct Exceeded: Error {
        /// 1-based line and column of the alias that went over the budget.
        var line: Int
        var column: Int
        /// What ran out, for the message ("100000 values").
        var what: String
    }

    /// The size of a node: values and scalar bytes, aliases expanded.
    private struct Size {
        var values = 0
        var bytes = 0

        static func + (lhs: Size, rhs: Size) -> Size {
            Size(values: lhs.values + rhs.values, bytes: lhs.bytes + rhs.bytes)
        }
    }

    /// Checks `text`; throws ``Exceeded`` when its aliases expand past a limit.
    static func check(_ text: String) throws(Exceeded) {
        var bytes = Array(text.utf8)
        if bytes.isEmpty || !bytes.contains(UInt8(ascii: "*")) { return }  // no alias, nothing to expand
        bytes.append(0)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        try bytes.withUnsafeBufferPointer { buffer throws(Exceeded) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            try walk(&parser)
        }
    }

    private static func walk(_ parser: inout yaml_parser_t) throws(Exceeded) {
        var anchors: [String: Size] = [:]
        // Open sequences and mappings: their anchor and their size so far.
        var open: [(anchor: String?, size: Size)] = []
        var total = Size()
        var aliases = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return }  // a syntax error: the real parse says it
            defer { yaml_event_delete(&event) }
            let mark = event.start_mark
            var added: Size?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_DOCUMENT_START_EVENT:
                anchors = [:]
            case YAML_SCALAR_EVENT:
                let size = Size(values: 1, bytes: event.data.scalar.length)
                if let anchor = string(event.data.scalar.anchor) { anchors[anchor] = size }
                added = size
            case YAML_ALIAS_EVENT:
                aliases += 1
                guard aliases <= maximumAliases else {
                    throw Exceeded(
                        line: Int(mark.line) + 1, column: Int(mark.column) + 1, what: "\(maximumAliases) aliases")
                }
                added = string(event.data.alias.anchor).flatMap { anchors[$0] } ?? Size(values: 1, bytes: 0)
            case YAML_SEQUENCE_START_EVENT:
                open.append((string(event.data.sequence_start.anchor), Size(values: 1, bytes: 0)))
                total.values += 1
            case YAML_MAPPING_START_EVENT:
                open.append((string(event.data.mapping_start.anchor), Size(values: 1, bytes: 0)))
                total.values += 1
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return }
                if let anchor = closed.anchor { anchors[anchor] = closed.size }
                if !open.isEmpty { open[open.count - 1].size = open[open.count - 1].size + closed.size }
            default:
                break
            }
            guard let added else { continue }
            if !open.isEmpty { open[open.count - 1].size = open[open.count - 1].size + added }
            total = total + added
            if total.values > maximumValues || total.bytes > maximumBytes {
                let what = total.values > maximumValues ? "\(maximumValues) values" : "\(maximumBytes >> 20) MiB"
                throw Exceeded(line: Int(mark.line) + 1, column: Int(mark.column) + 1, what: what)
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
