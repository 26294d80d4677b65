#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads a child's combined output line by line until every writer has closed the pipe, then reaps the child.
enum OutputReader {
    /// Lines longer than this are passed on in pieces (progress bars without newlines).
    static let maximumLine = 64 << 10

    static func readAndWait(
        descriptor: Int32, child: ChildProcess, onOutput: @escaping @Sendable (String) -> Void
    ) async -> (ChildProcess.Termination, [String]) {
        let result = try? await OffloadedWork.run { () throws(RunError) in
            var tail: [String] = []
            var pending: [UInt8] = []
            func emit(_ bytes: ArraySlice<UInt8>) {
                var line = String(decoding: bytes, as: UTF8.self)
                if line.hasSuffix("\r") { line.removeLast() }
                onOutput(line)
                tail.append(line)
                if tail.count > RunEngine.tailLength { tail.removeFirst(tail.count - RunEngine.tailLength) }
            }
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    break
                }
                if count == 0 { break }
                pending += buffer[0..<count]
                var start = pending.startIndex
                while let newline = pending[start...].firstIndex(of: 0x0a) {
                    emit(pending[start..<newline])
                    start = newline + 1
                }
                pending.removeSubrange(..<start)
                if pending.count > maximumLine {
                    emit(pending[...])
                    pending.removeAll()
                }
            }
            if !pending.isEmpty { emit(pending[...]) }
            return (child.wait(), tail)
        }
        // The closure does not throw; a missing result cannot happen.
        return result ?? (child.wait(), [])
    }
}
