import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts libFuzzer from a Swift `@main`.
///
/// SwiftPM links an executable's entry point as `main` itself, so libFuzzer's own `main` is never used; each target's
/// `@main` calls ``run(_:)`` with its `LLVMFuzzerTestOneInput`, and libFuzzer's command line works as usual.
public enum FuzzDriver {
    /// The signature of `LLVMFuzzerTestOneInput`.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

    /// Runs libFuzzer on `testOneInput` with the process's arguments; never returns.
    public static func run(_ testOneInput: TestOneInput) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
        exit(status)
    }
}
