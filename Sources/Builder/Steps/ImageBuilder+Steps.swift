import Foundation
import Layers
import OCI
import Registry
import Runner
import Synchronization

/// The build of one platform as ordered steps, in flytekit's order: `apt_packages` → Python packages → files →
/// `commands` → config. Each step yields zero or more layers and has a ``StepKey`` chained from its parent, so an
/// unchanged prefix is never redone. The pure steps (packages, files) go through the layer cache as before; the steps
/// that run in the image (apt, commands) ask the run engine for the root file system of everything below them and
/// are recorded in the ``StepCache``.
extension ImageBuilder {
    /// One layer below a run step: a base layer (downloaded when needed) or a layer this build made.
    enum LowerLayer: Sendable {
        case base(Descriptor, diffID: Digest, from: Reference)
        case built(LayerBlob)
    }

    /// What one step did.
    struct StepResult: Sendable {
        var layers: [BuiltLayer]
        var outcome: BuiltImage.Step
    }

    func build(
        _ plan: BuildPlan, platform: Platform, base baseReference: Reference, installer: PythonInstaller,
        queue: BlobPushQueue?
    ) async throws(BuildError) -> BuiltImage {
        options.report(.step("\(platform): resolving base image \(baseReference)"))
        let base = try await ResolvedBase.resolve(
            baseReference, platform: platform, client: client, blobsDirectory: cache.blobsDirectory)
        try plan.checkPython(of: base)
        for layer in base.manifest.layers {
            queue?.enqueue(.base(layer, from: base.platformManifest.reference), platform: platform)
        }
        let diffIDs = base.config.rootfs.diffIDs
        guard diffIDs.count == base.manifest.layers.count else {
            throw BuildError(
                .registry,
                "base image \(baseReference) lists \(base.manifest.layers.count) layers but \(diffIDs.count) diff_ids "
                    + "in its config — the image is malformed; use another base image")
        }
        let baseLayers = zip(base.manifest.layers, diffIDs).map {
            LowerLayer.base($0, diffID: $1, from: base.platformManifest.reference)
        }
        let scratch = try makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let root = StepKey.root(
            baseManifest: base.platformManifest.raw.digest, platform: platform,
            layerOptions: String(describing: options.layerOptions))

        // apt runs in the image while uv installs on the host: the two do not depend on each other.
        var aptKey = root
        var aptTask: Task<Result<StepResult, BuildError>, Never>?
        if !plan.aptPackages.isEmpty {
            let step = RunStep.apt(
                packages: plan.aptPackages, baseEnvironment: base.config.config?.env ?? [],
                archives: options.cacheRoot + "/apt/\(platform.architecture)/archives")
            aptKey = root.chained(.apt, inputs: step.keyInputs)
            let key = aptKey
            aptTask = Task { [self] in
                do throws(BuildError) {
                    return .success(
                        try await runStep(
                            step, key: key, below: baseLayers, platform: platform, scratch: scratch + "/apt",
                            queue: queue))
                } catch {
                    return .failure(error)
                }
            }
        }
        let pure: (packages: StepResult, files: StepResult?)
        do {
            pure = try await buildPureSteps(
                plan, platform: platform, base: base, installer: installer,
                scratch: scratch, queue: queue)
        } catch {
            aptTask?.cancel()
            _ = await aptTask?.value
            throw error
        }
        var steps: [BuiltImage.Step] = []
        var layers: [BuiltLayer] = []
        if let aptTask {
            let apt = try await aptTask.value.get()
            steps.append(apt.outcome)
            layers += apt.layers
        }
        var key = aptKey.chained(.packages, inputs: pure.packages.layers.map(\.blob.diffID.description))
        steps.append(pure.packages.outcome)
        layers += pure.packages.layers
        if let files = pure.files {
            key = key.chained(.files, inputs: files.layers.map(\.blob.diffID.description))
            steps.append(files.outcome)
            layers += files.layers
        }
        if !plan.commands.isEmpty {
            let python = base.python.interpreter.map { $0.hasPrefix("/") ? $0 : "/" + $0 } ?? base.python.version
            let step = RunStep.commands(
                plan.commands, imageEnvironment: ImageAssembler.environment(plan: plan, base: base.config.config?.env),
                uv: installer.uv, python: python)
            let result = try await runStep(
                step, key: key.chained(.commands, inputs: step.keyInputs),
                below: baseLayers + layers.map { LowerLayer.built($0.blob) }, platform: platform,
                scratch: scratch + "/commands", queue: queue)
            steps.append(result.outcome)
            layers += result.layers
        }
        if base.manifest.layers.count + layers.count > 127 {
            throw BuildError(
                .layer,
                "the image would have \(base.manifest.layers.count + layers.count) layers, more than the 127 "
                    + "runtimes allow — use a base image with fewer layers")
        }
        let image = try ImageAssembler.assemble(
            plan: plan, baseConfig: base.config, baseManifest: base.manifest,
            baseReference: baseReference.description, baseDigest: base.platformManifest.raw.digest,
            layers: layers.map { ImageAssembler.NewLayer(blob: $0.blob, createdBy: $0.createdBy) },
            sourceDateEpoch: options.sourceDateEpoch)
        queue?.enqueue(.config(image.config), platform: platform)
        return BuiltImage(platform: platform, base: base, layers: layers, image: image, steps: steps)
    }

    /// The Python packages (uv on the host, one layer per package) and the files, compressed side by side through
    /// the layer cache.
    func buildPureSteps(
        _ plan: BuildPlan, platform: Platform, base: ResolvedBase, installer: PythonInstaller, scratch: String,
        queue: BlobPushQueue?
    ) async throws(BuildError) -> (packages: StepResult, files: StepResult?) {
        let started = ContinuousClock.now
        let staging = scratch + "/target"
        let what =
            plan.lockFile.map { "the packages locked in \(($0 as NSString).lastPathComponent)" }
            ?? "\(plan.requirements.count) requirement(s)"
        options.report(.step("\(platform): installing \(what) with uv (Python \(base.python.version))"))
        try await installer.install(plan: plan, python: base.python, platform: platform, staging: staging)
        let tree = try StagingTree(root: staging, python: base.python)
        let runLayers = (plan.aptPackages.isEmpty ? 0 : 1) + (plan.commands.isEmpty ? 0 : 1)
        let limit = 127 - base.manifest.layers.count - StagingTree.groupCount - 3 - runLayers
        var planned = try tree.layers(maxOwnLayers: min(60, max(0, limit)))
        let packageCount = planned.count
        if !plan.files.isEmpty {
            do {
                planned.append(
                    PlannedLayer(
                        kind: .files, createdBy: "imagespec: COPY source_root/copy files to /root", packages: [],
                        source: try LayerSource(items: plan.files)))
            } catch {
                throw BuildError(.layer, "copy/source_root files: \(error.message)")
            }
        }
        options.report(.step("\(platform): building \(planned.count) layer(s)"))
        let results: [LayerBuildResult]
        let options = self.options
        do {
            results = try await cache.layers(
                for: planned.map(\.source), options: options.layerOptions, maxConcurrency: options.concurrency
            ) { [planned] index, result in
                let contents =
                    planned[index].packages.isEmpty
                    ? planned[index].kind.rawValue : planned[index].packages.joined(separator: " ")
                options.report(
                    .layer(
                        platform: platform, digest: result.blob.digest, size: result.blob.size,
                        cached: result.cacheHit, contents: contents))
                queue?.enqueue(.built(result.blob), platform: platform)
            }
        } catch {
            throw BuildError(.layer, error.message)
        }
        let seconds = started.duration(to: .now).seconds
        let layers = zip(planned, results).map { plannedLayer, result in
            BuiltLayer(
                blob: result.blob, kind: plannedLayer.kind, createdBy: plannedLayer.createdBy,
                packages: plannedLayer.packages, cacheHit: result.cacheHit)
        }
        let packageLayers = Array(layers.prefix(packageCount))
        let packages = StepResult(
            layers: packageLayers,
            outcome: BuiltImage.Step(
                kind: .packages, cacheHit: packageLayers.allSatisfy(\.cacheHit), seconds: seconds,
                layers: packageLayers.count))
        guard layers.count > packageCount else { return (packages, nil) }
        let fileLayers = Array(layers.dropFirst(packageCount))
        return (
            packages,
            StepResult(
                layers: fileLayers,
                outcome: BuiltImage.Step(
                    kind: .files, cacheHit: fileLayers.allSatisfy(\.cacheHit), seconds: seconds,
                    layers: fileLayers.count))
        )
    }

    /// Runs `step` on the root file system of `lowers` (unless the step cache has `key`), and turns what changed into
    /// at most one layer.
    func runStep(
        _ step: RunStep, key: StepKey, below lowers: [LowerLayer], platform: Platform, scratch: String,
        queue: BlobPushQueue?
    ) async throws(BuildError) -> StepResult {
        let started = ContinuousClock.now
        let stepCache = StepCache(cacheRoot: options.cacheRoot, blobsDirectory: cache.blobsDirectory)
        func finish(_ layers: [BuiltLayer], hit: Bool) -> StepResult {
            for layer in layers {
                options.report(
                    .layer(
                        platform: platform, digest: layer.blob.digest, size: layer.blob.size, cached: hit,
                        contents: step.kind.rawValue))
                queue?.enqueue(.built(layer.blob), platform: platform)
            }
            return StepResult(
                layers: layers,
                outcome: BuiltImage.Step(
                    kind: step.kind, cacheHit: hit, seconds: started.duration(to: .now).seconds, layers: layers.count))
        }
        let kind = step.layerKind
        if let record = stepCache.record(for: key) {
            options.report(.step("\(platform): \(step.kind.rawValue) step cached"))
            return finish(
                record.layers.map {
                    BuiltLayer(blob: $0.blob, kind: kind, createdBy: $0.createdBy, packages: [], cacheHit: true)
                }, hit: true)
        }
        let emulator = try Self.emulator(for: platform)
        var rootfsLayers: [RootfsLayer] = []
        for lower in lowers {
            switch lower {
            case .base(let descriptor, let diffID, let repository):
                let path = try await BlobStore(directory: cache.blobsDirectory).fetch(
                    descriptor, from: repository, client: client)
                rootfsLayers.append(RootfsLayer(diffID: diffID, blobPath: path, mediaType: descriptor.mediaType))
            case .built(let blob):
                rootfsLayers.append(RootfsLayer(diffID: blob.diffID, blobPath: blob.path, mediaType: blob.mediaType))
            }
        }
        let what = step.field
        let directories: [String]
        do {
            directories = try await RootfsStore(root: options.cacheRoot + "/rootfs").materialise(rootfsLayers)
        } catch {
            throw BuildError(.runFailed, "\(what): preparing the image's file system: \(error.message)")
        }
        if step.kind == .apt, !Self.hasAptGet(directories) {
            throw BuildError(
                .invalidSpec,
                "apt_packages: the base image has no apt-get (apt_packages needs a Debian or Ubuntu based image) — "
                    + "use such a base image, or install the packages with commands")
        }
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            for bind in step.binds where !bind.readOnly {
                try FileManager.default.createDirectory(atPath: bind.source, withIntermediateDirectories: true)
            }
        } catch {
            throw BuildError(.io, "\(what): cannot create \(scratch): \(error.localizedDescription)")
        }
        let lock =
            try step.kind == .apt ? HostLock(path: options.cacheRoot + "/apt/\(platform.architecture).lock") : nil
        defer { lock?.release() }
        options.report(.step("\(platform): running \(what): \(step.shellCommand)"))
        let request = RunRequest(
            lowerDirectories: directories, command: step.markedCommand, environment: step.environment,
            workingDirectory: "/", user: nil, binds: step.binds, tmpfsMounts: step.tmpfsMounts,
            excludedPaths: step.excludedPaths, timeout: options.stepTimeout, emulator: emulator,
            scratchDirectory: scratch)
        let current = Mutex(0)
        let reporter = self.options
        let result: RunResult
        do {
            result = try await RunEngine().run(request) { line in
                if let index = RunStep.marker(line) {
                    current.withLock { $0 = index }
                } else {
                    reporter.report(.output(platform: platform, step: step.kind, line: line))
                }
            }
        } catch {
            let index = current.withLock { $0 }
            throw Self.failure(error, step: step, commandIndex: index)
        }
        var layers: [BuiltLayer] = []
        if result.changed {
            let blob: LayerBlob
            do {
                blob = try await LayerBuilder.build(
                    result.layer, options: options.layerOptions, blobsDirectory: cache.blobsDirectory)
            } catch {
                throw BuildError(.layer, "\(what): \(error.message)")
            }
            layers.append(BuiltLayer(blob: blob, kind: kind, createdBy: step.createdBy, packages: [], cacheHit: false))
        }
        try stepCache.store(
            StepCache.Record(
                key: key.description, kind: step.kind,
                layers: layers.map { StepCache.Layer(blob: $0.blob, createdBy: $0.createdBy) }))
        return finish(layers, hit: false)
    }

    /// The one-line error for a failed run: which command, its exit status and the last lines of its output.
    static func failure(_ error: RunError, step: RunStep, commandIndex: Int) -> BuildError {
        let tail = error.outputTail.filter {
            RunStep.marker($0) == nil && !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        switch error.kind {
        case .commandFailed(let status):
            let command = step.commands[min(commandIndex, step.commands.count - 1)]
            if step.kind == .apt {
                // apt's own reason ("E: Unable to locate package foo") says it best.
                let reasons = tail.filter { $0.hasPrefix("E: ") }
                let reason = (reasons.isEmpty ? Array(tail.suffix(3)) : reasons).joined(separator: " | ")
                return BuildError(
                    .runFailed,
                    "apt_packages: `\(command)` failed (exit status \(status)): \(reason) — check the package names "
                        + "for the base image's distribution")
            }
            let last = tail.suffix(5).joined(separator: " | ")
            return BuildError(
                .runFailed,
                "commands[\(commandIndex)] `\(command)` failed with exit status \(status)"
                    + (last.isEmpty ? " (no output)" : ": \(last)") + " — fix the command; nothing was pushed")
        case .notLinux, .notPrivileged, .noOverlay, .missingTool, .noEmulator:
            return BuildError(.cannotRun, "\(step.field): \(error.message)")
        default:
            return BuildError(.runFailed, "\(step.field): \(error.message)")
        }
    }

    /// Whether the root made of `directories` (bottom first) has `apt-get`.
    static func hasAptGet(_ directories: [String]) -> Bool {
        for directory in directories.reversed() {
            for path in ["usr/bin/apt-get", "bin/apt-get"] {
                var status = stat()
                if lstat(directory + "/" + path, &status) == 0 {
                    // A character device here is an overlay whiteout: deleted by that layer.
                    return (status.st_mode & S_IFMT) != S_IFCHR
                }
            }
        }
        return false
    }

    /// The emulator for a run on `platform`: nil when this host runs it natively.
    static func emulator(for platform: Platform) throws(BuildError) -> RunEmulator? {
        guard platform.architecture != HostPlatform.architecture else { return nil }
        do {
            return try RunEmulator.forArchitecture(platform.architecture)
        } catch {
            throw BuildError(.cannotRun, error.message)
        }
    }

    /// Checks, before any work, that this host can run the steps of `plan` that execute in the image.
    static func checkRunPrerequisites(_ plan: BuildPlan) throws(BuildError) {
        guard !plan.aptPackages.isEmpty || !plan.commands.isEmpty else { return }
        let what = plan.aptPackages.isEmpty ? "commands" : "apt_packages"
        do {
            try RunEngine.checkPrerequisites()
        } catch {
            throw BuildError(.cannotRun, "\(what) run in the image, but \(error.message)")
        }
        for platform in plan.platforms {
            _ = try emulator(for: platform)
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
