import Foundation

/// Runs blocking file and CPU work on a dedicated thread and bridges the result back to async code.
enum BlockingWork {
    /// Runs `body` on a new thread; cancelling the calling task sets the flag `body` receives.
    static func run<T: Sendable>(
        _ body: @escaping @Sendable (CancellationFlag) throws(LayerError) -> T
    ) async throws(LayerError) -> T {
        let flag = CancellationFlag()
        let result: Result<T, LayerError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, LayerError>, Never>) in
                let thread = Thread {
                    do throws(LayerError) {
                        continuation.resume(returning: .success(try body(flag)))
                    } catch {
                        continuation.resume(returning: .failure(error))
                    }
                }
                thread.name = "imagespec-layer"
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
        return try result.get()
    }
}
