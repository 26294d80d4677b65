import Foundation
import OCI
import Registry
import Support

/// Writing to standard output and standard error: text, exact bytes, one-line errors and JSON objects.
enum Console {
    /// Writes `text` and a newline to standard output.
    static func printLine(_ text: String) {
        write(Data((text + "\n").utf8), to: .standardOutput)
    }

    /// Writes `data` unchanged to standard output (used for `--raw` manifest bytes).
    static func writeBytes(_ data: Data) {
        write(data, to: .standardOutput)
    }

    /// Writes `error: <message>` on standard error as exactly one line, with secrets and URL user-info removed.
    static func printError(_ message: String) {
        let line = Redaction.text(Redaction.oneLine(message))
        write(Data("error: \(line)\n".utf8), to: .standardError)
    }

    /// Writes one log or warning line on standard error.
    static func printDiagnostic(_ text: String) {
        write(Data((Redaction.text(text) + "\n").utf8), to: .standardError)
    }

    /// Prints `value` as one JSON object on one line of standard output (sorted keys, slashes unescaped).
    static func printJSON(_ value: some Encodable) throws {
        var data = try CanonicalJSON.encode(value)
        data.append(UInt8(ascii: "\n"))
        write(data, to: .standardOutput)
    }

    private enum Stream {
        case standardOutput
        case standardError
    }

    private static func write(_ data: Data, to stream: Stream) {
        let descriptor: Int32 = stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO
        data.withUnsafeBytes { buffer in
            _ = POSIXIO.writeAll(descriptor, buffer)
        }
    }
}
