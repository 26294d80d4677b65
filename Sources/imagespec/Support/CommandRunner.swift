import ArgumentParser
import OCI
import Registry

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
