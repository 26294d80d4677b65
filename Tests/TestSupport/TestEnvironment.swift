import Foundation

/// Where things are on a development or CI machine: the package root, the project's Python venv and the
/// `imagespec` binary. Every lookup honours an environment override first so CI and developers can redirect it.
public enum TestEnvironment {
    /// The package root (the directory holding `Package.swift`), located from this source file's path.
    ///
    /// `$IMAGESPEC_REPO_ROOT` overrides it (useful when the tests run from a copied build).
    public static let repoRoot: String = {
        if let override = ProcessInfo.processInfo.environment["IMAGESPEC_REPO_ROOT"], !override.isEmpty {
            return override
        }
        // #filePath = <root>/Tests/TestSupport/TestEnvironment.swift
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The Python interpreter that has flytekit, uv, pyyaml and cryptography installed: `$IMAGESPEC_PYTHON` if set,
    /// else `<repo>/.venv/bin/python` when it exists (created by `scripts/setup.sh`), else `nil`.
    public static var venvPython: String? {
        if let override = ProcessInfo.processInfo.environment["IMAGESPEC_PYTHON"], !override.isEmpty {
            return override
        }
        let candidate = repoRoot + "/.venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    /// `venvPython`, or an error telling the developer to run `scripts/setup.sh`.
    public static func requireVenvPython() throws -> String {
        guard let python = venvPython else {
            throw TestSupportError(
                "no project Python venv: \(repoRoot)/.venv/bin/python is missing and $IMAGESPEC_PYTHON is unset; "
                    + "run scripts/setup.sh")
        }
        return python
    }

    /// The `imagespec` executable the CLI tests run: `$IMAGESPEC_BINARY` if set, else `<repo>/.build/debug/imagespec`.
    ///
    /// It is not built by the tests: `scripts/test.sh` runs `swift build --build-tests` before `swift test`.
    public static var imagespecBinary: String {
        if let override = ProcessInfo.processInfo.environment["IMAGESPEC_BINARY"], !override.isEmpty {
            return override
        }
        return repoRoot + "/.build/debug/imagespec"
    }

    /// `imagespecBinary`, or an error telling the developer to build it first.
    public static func requireImagespecBinary() throws -> String {
        let path = imagespecBinary
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError(
                "\(path) does not exist: run `swift build` (or scripts/test.sh) before the CLI tests")
        }
        return path
    }

    /// A script of this repository, e.g. `script("token-server.py")` → `<repo>/scripts/token-server.py`.
    public static func script(_ name: String) -> String {
        repoRoot + "/scripts/" + name
    }
}

/// Creates a new, empty, private directory under the system temporary directory and returns its path.
///
/// The caller removes it (fixtures remove their own on `stop()`); `prefix` shows up in the name for debugging.
public func makeTemporaryDirectory(prefix: String = "imagespec-test") throws -> String {
    let base = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
    var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
    let result = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
    guard result != nil else {
        let reason = String(cString: strerror(errno))
        throw TestSupportError("cannot create a temporary directory under \(base): \(reason)")
    }
    return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
