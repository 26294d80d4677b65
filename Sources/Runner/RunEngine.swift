import Dispatch
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Runs `/bin/sh -c COMMAND` inside an image's root file system and turns what changed into layer entries.
///
/// Each run gets private mount, PID, UTS and IPC namespaces (`unshare --fork --kill-child`): an overlay of the
/// request's lower directories with a fresh upper directory, `/proc`, a minimal `/dev`, tmpfs `/tmp`, the host's
/// `/etc/resolv.conf` and CA bundle (read-only), then the request's binds and tmpfs mounts, and finally
/// `env -i … chroot`. The mounts live only in the namespace, so none survives the run; killing `unshare` takes
/// the namespace's PID 1 and with it every process of the run. See ``RunScript`` for the set-up itself.
public struct RunEngine: Sendable {
    /// The number of output lines kept for results and errors.
    public static let tailLength = 20

    private let logger: Logger?

    /// Creates an engine; `logger` receives debug lines about each run.
    public init(logger: Logger? = nil) {
        self.logger = logger
    }

    /// Checks, before any work, that this host can run steps: Linux, root, overlay in `/proc/filesystems` (after
    /// one `modprobe overlay` if needed) and the tools `unshare`, `mount`, `chroot`, `env`.
    ///
    /// - Throws: ``RunError`` naming what is missing and how to get it.
    public static func checkPrerequisites() throws(RunError) {
        #if !os(Linux)
            throw RunError(.notLinux, "running commands in images needs Linux (overlayfs and namespaces)")
        #else
            if geteuid() != 0 {
                let userNamespaces = (Posix.readText("/proc/sys/user/max_user_namespaces") ?? "0")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let note =
                    userNamespaces == "0"
                    ? "unprivileged user namespaces are disabled here too"
                    : "unprivileged user namespaces are available, but rootless runs are not supported yet"
                throw RunError(
                    .notPrivileged, "running commands in images needs root (overlay mounts, namespaces); \(note)")
            }
            for tool in ["unshare", "mount", "chroot", "env"] where Posix.findTool(tool) == nil {
                throw RunError(.missingTool, "\(tool) not found: install util-linux and coreutils")
            }
            if !hasOverlay() {
                if let modprobe = Posix.findTool("modprobe"),
                    let child = try? ChildProcess.spawn(
                        modprobe, ["overlay"], environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                        fileDescriptors: [:])
                {
                    _ = child.wait()
                }
                if !hasOverlay() {
                    throw RunError(
                        .noOverlay, "the kernel has no overlay file system: load it with `modprobe overlay`")
                }
            }
        #endif
    }

    static func hasOverlay() -> Bool {
        (Posix.readText("/proc/filesystems") ?? "").split(separator: "\n").contains { $0.hasSuffix("\toverlay") }
    }

    /// Runs the request's command and returns the changes as a layer.
    ///
    /// Combined standard output and error are passed to `onOutput` line by line (without the newline) as they
    /// arrive.
    ///
    /// - Throws: ``RunError``: `.commandFailed` with the status and the output tail for a non-zero exit,
    ///   `.timedOut` / `.cancelled` after killing every process of the run, `.noShell`, `.unknownUser`,
    ///   `.noOverlay`, `.invalidRequest` or `.io` when the run could not be set up.
    public func run(
        _ request: RunRequest, onOutput: @escaping @Sendable (String) -> Void
    ) async throws(RunError) -> RunResult {
        let started = ContinuousClock.now
        let plan = try RunPlan(request)
        try Task.checkCancellation(or: "preparing a run")
        logger?.debug("run: \(request.command)", metadata: ["scratch": "\(request.scratchDirectory)"])

        let output = try Posix.pipe()
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                plan.unshare, plan.arguments, environment: plan.environment,
                fileDescriptors: [0: plan.nullInput, 1: output.write, 2: output.write])
        } catch {
            close(output.read)
            close(output.write)
            close(plan.nullInput)
            throw error
        }
        close(output.write)
        close(plan.nullInput)

        let stop = Mutex<RunError.Kind?>(nil)
        var timer: DispatchWorkItem?
        if let timeout = request.timeout {
            let item = DispatchWorkItem {
                stop.withLock { if $0 == nil { $0 = .timedOut } }
                child.kill(SIGKILL)
            }
            let nanoseconds =
                timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            DispatchQueue.global().asyncAfter(
                deadline: .now() + .nanoseconds(Int(clamping: nanoseconds)), execute: item)
            timer = item
        }
        let readFD = output.read
        let (termination, tail) = await withTaskCancellationHandler {
            await OutputReader.readAndWait(descriptor: readFD, child: child, onOutput: onOutput)
        } onCancel: {
            stop.withLock { if $0 == nil { $0 = .cancelled } }
            child.kill(SIGKILL)
        }
        timer?.cancel()
        close(readFD)

        if let reason = stop.withLock({ $0 }) {
            if reason == .timedOut {
                throw RunError(
                    .timedOut,
                    "`\(plan.shortCommand)` did not finish within \(request.timeout.map { "\($0)" } ?? "") and was "
                        + "killed; raise the timeout or make the command finish sooner", outputTail: tail)
            }
            throw RunError(.cancelled, "`\(plan.shortCommand)` was cancelled and killed", outputTail: tail)
        }
        let scratch = request.scratchDirectory
        let setupStatus = Posix.readText(scratch + "/status")?.trimmingCharacters(in: .whitespacesAndNewlines)
        let setupReason = tail.last { $0.hasPrefix("imagespec-run: ") }.map { String($0.dropFirst(15)) }
        switch setupStatus {
        case "noshell":
            throw RunError(
                .noShell, "the image has no runnable /bin/sh; RUN steps need a shell in the image", outputTail: tail)
        case "nouser":
            throw RunError(
                .unknownUser, "\(setupReason ?? "the user is unknown"); add it to the image or use a numeric id",
                outputTail: tail)
        case "nooverlay":
            throw RunError(
                .noOverlay,
                "cannot mount the overlay of \(request.lowerDirectories.count) layers: \(tail.last ?? "")",
                outputTail: tail)
        case .some(let other):
            throw RunError(
                .io, "setting up the run failed (\(other)): \(setupReason ?? tail.last ?? "no output")",
                outputTail: tail)
        case nil:
            break
        }
        if termination != .exited(0) {
            if Posix.readText(scratch + "/started") == nil {
                throw RunError(
                    .io, "setting up the run failed (status \(termination.shellStatus)): \(tail.last ?? "no output")",
                    outputTail: tail)
            }
            throw RunError(
                .commandFailed(status: termination.shellStatus),
                "`\(plan.shortCommand)` failed with status \(termination.shellStatus): \(tail.last ?? "no output")",
                outputTail: tail)
        }

        let created = Set(
            (Posix.readText(scratch + "/created") ?? "").split(separator: "\n").map(String.init))
        let upper = UpperDirectory(
            path: plan.upper, lowerDirectories: request.lowerDirectories, excluded: plan.excluded, created: created)
        let (layer, changed) = try await OffloadedWork.run { () throws(RunError) in try upper.layer() }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        logger?.debug("run finished", metadata: ["seconds": "\(seconds)", "entries": "\(layer.entries.count)"])
        return RunResult(layer: layer, outputTail: tail, seconds: seconds, changed: changed)
    }
}
