import Foundation
import Spec

/// The decisions `imagespec build` makes before a build, for library users to make the same way: whether to force
/// the build, which flytekit to add, which local Python a spec without a base image is built for, and where the
/// image goes when nothing is said.
///
/// ```swift
/// let python = await BuildRules.localPythonVersion(for: loaded, document: nil)
/// let options = try BuildOptions(flytekit: BuildRules.flytekit(version: nil, document: nil),
///                                localPythonVersion: python)
/// var plan = try BuildPlan(loaded, options: options)
/// let (destination, note) = BuildRules.defaultDestination(for: plan, spec: loaded)
/// let report = try await ImageBuilder(client: client, options: options)
///     .run(plan, destination: destination, force: BuildRules.forcePush(requested: false))
/// ```
public enum BuildRules {
    /// Whether the build runs even when the image exists: asked for by the caller, by
    /// `FLYTE_FORCE_PUSH_IMAGE_SPEC` (flytekit's true/false rule, ``FlytekitSettings/forcePush(environment:)``)
    /// or by the flytekit plugin's document.
    public static func forcePush(
        requested: Bool, environment: [String: String] = ProcessInfo.processInfo.environment,
        document: FlytekitDocument? = nil
    ) -> Bool {
        requested || FlytekitSettings.forcePush(environment: environment) || document?.forcePush == true
    }

    /// The flytekit requirement to add: none when `add` is false, else `flytekit==version` when a version is
    /// given, else what flytekit's default builder would add for `document` (its local flytekit version), else
    /// plain `flytekit`. (The plan adds nothing when the spec names flytekit or union itself.)
    public static func flytekit(add: Bool = true, version: String?, document: FlytekitDocument?)
        -> FlytekitRequirement
    {
        guard add else { return .none }
        if let version { return .version(version) }
        return document?.flytekitPin.map(FlytekitRequirement.version) ?? .latest
    }

    /// The Python a spec without `base_image` and `python_version` is built for, as flytekit does: the document's
    /// local Python, else the `python3` on `PATH` (``LocalPython/version()``); nil when the spec decides itself.
    public static func localPythonVersion(for loaded: LoadedSpec, document: FlytekitDocument?) async -> String? {
        guard loaded.spec.baseImage == nil && loaded.spec.pythonVersion == nil else { return nil }
        if let python = document?.pythonMajorMinor { return python }
        return await LocalPython.version()
    }

    /// Where the image goes when no destination is given: the spec's registry, else an OCI layout
    /// `./<name>.oci` tagged with the plan's tag — with a note saying how to use that layout.
    public static func defaultDestination(for plan: BuildPlan, spec loaded: LoadedSpec)
        -> (destination: BuildDestination, note: String?)
    {
        if let target = plan.target { return (.registry(target), nil) }
        let destination = BuildDestination.ociLayout(path: loaded.spec.name + ".oci", tag: plan.tag)
        let note =
            "no registry in the spec: wrote an OCI layout; load it with `podman pull \(destination)` or push "
            + "it with `skopeo copy \(destination) docker://REGISTRY/\(loaded.spec.name):\(plan.tag)`"
        return (destination, note)
    }
}
