import ArgumentParser
import Dispatch
import Foundation
import OCI
import Registry
import Synchronization

/// Runs a command body and turns every failure into the CLI's contract: ONE line on standard error naming the
/// problem, and exit status 2 (or the status a ``CLIFailure`` asks for).
enum CommandRunner {
    /// Runs `body`; any error is printed as one `error: …` line and becomes an `ExitCode`.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch let failure as CLIFailure {
            Console.printError(failure.message)
            throw ExitCode(failure.exitCode)
        } catch {
            Console.printError(describe(error))
            throw ExitCode(2)
        }
    }

    /// Like ``run(_:)``, but SIGINT and SIGTERM cancel `body` instead of ending the process at once, so whatever it
    /// started (a step running in the image and every process of it, an upload) is stopped and cleaned up first; a
    /// second signal ends the process immediately.
    static func runStoppingOnSignals(_ body: () async throws -> Void) async throws {
        try await withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            let task = Task { try await run(body) }
            let sources = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                let seen = ManagedAtomicFlag()
                source.setEventHandler {
                    if seen.testAndSet() {
                        signal(number, SIG_DFL)
                        raise(number)
                    }
                    task.cancel()
                }
                source.resume()
                return source
            }
            defer {
                for source in sources { source.cancel() }
            }
            try await task.value
        }
    }

    /// The one-line text for any error the libraries throw.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as RegistryError: error.description
        case let error as OCIError: error.description
        case is CancellationError: "cancelled"
        case let error as CustomStringConvertible: error.description
        default: String(describing: error)
        }
    }
}

/// A flag set once, safe to use from a signal source's handler.
final class ManagedAtomicFlag: Sendable {
    private let value = Mutex(false)

    /// Sets the flag; returns whether it was already set.
    func testAndSet() -> Bool {
        value.withLock { set in
            defer { set = true }
            return set
        }
    }
}
