import Foundation
import Synchronization
import Testing

@testable import Runner

/// Children are killed when imagespec dies (`PR_SET_PDEATHSIG` through `setpriv`), and the kernel sends that signal
/// when the *thread* that forked ends: a child started from a short-lived thread must still run to its end.
@Suite struct ChildProcessLifetimeTests {
    @Test func aChildOutlivesTheThreadThatStartedIt() throws {
        let started = Mutex<ChildProcess?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            started.withLock {
                $0 = try? ChildProcess.spawn(
                    "/bin/sh", ["-c", "sleep 0.5"], environment: ["PATH=/usr/bin:/bin"], fileDescriptors: [:])
            }
            done.signal()
        }
        thread.start()
        done.wait()
        let child = try #require(started.withLock { $0 })
        // The thread has ended (it only spawned); the child still exits by itself.
        #expect(child.wait() == .exited(0))
    }
}
