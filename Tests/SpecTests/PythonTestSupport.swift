import Foundation
import TestSupport

/// The CPython 3.11 the Python-faithfulness tests compare against, run once per test.
enum ReferencePython {
    /// `$IMAGESPEC_PYTHON`, else the project venv's python, else `python3` on `PATH`.
    static func executable() throws -> String {
        if let python = TestEnvironment.venvPython { return python }
        return try ExternalTool.require("python3")
    }

    /// Runs `script` (Python source) with `input` on stdin; returns stdout. The interpreter must be CPython 3.11
    /// (Unicode 14.0.0), the version flytekit users run and the tables were generated from.
    static func run(_ script: String, input: Data? = nil) throws -> Data {
        let python = try executable()
        let prelude = """
            import sys, unicodedata
            if unicodedata.unidata_version != '14.0.0':
                sys.exit('reference python must be CPython 3.11 (UCD 14.0.0), got ' + sys.version)

            """
        let result = try ExternalTool.run(python, ["-c", prelude + script], input: input, timeout: .seconds(120))
        return try result.check().stdoutData
    }

    /// `run` with a JSON-encodable input and a JSON result.
    static func json(_ script: String, input: Any) throws -> Any {
        let data = try JSONSerialization.data(withJSONObject: input)
        return try JSONSerialization.jsonObject(with: try run(script, input: data))
    }
}
