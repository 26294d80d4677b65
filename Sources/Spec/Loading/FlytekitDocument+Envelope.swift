import Foundation

extension FlytekitDocument {
    /// Reads the document's top level (everything but `spec`, which ``SpecInterpreter`` reads) and collects every
    /// problem with its line and column.
    struct Envelope {
        let file: String?
        let root: SourceNode
        private var problems: [SpecDiagnostic] = []

        init(file: String?, root: SourceNode) {
            self.file = file
            self.root = root
        }

        mutating func document(environment: [String: String]) throws(SpecError) -> FlytekitDocument {
            guard case .mapping(let pairs) = root.content else {
                throw SpecError(diagnostics: [
                    problem(root, nil, "the flytekit document must be a JSON object written by the imagespec plugin")
                ])
            }
            var values: [String: SourceNode] = [:]
            for pair in pairs {
                if case .scalar(.str(let key)) = pair.key.content { values[key] = pair.value }
            }
            let format = string(values, "format", required: true)
            if let format, format != FlytekitDocument.format {
                problems.append(
                    problem(
                        values["format"], "format",
                        "is \(format), this imagespec reads \(FlytekitDocument.format) — install matching versions "
                            + "of the imagespec binary and the flytekitplugins-imagespec package"))
            }
            let flytekit = mapping(values, "flytekit")
            let imageName = string(flytekit, "image_name", required: true, prefix: "flytekit.")
            let tag = string(flytekit, "tag", required: true, prefix: "flytekit.")
            let id = string(flytekit, "id", required: true, prefix: "flytekit.")
            let cwd = string(values, "cwd", required: true)
            if let cwd, !cwd.hasPrefix("/") {
                problems.append(problem(values["cwd"], "cwd", "must be an absolute directory (got \(cwd))"))
            }
            let hostMachine = string(values, "host_machine") ?? HostMachine.current
            let files = strings(values, "source_root_files")
            for file in files ?? [] where !file.hasPrefix("/") {
                problems.append(
                    problem(values["source_root_files"], "source_root_files", "holds a relative path (\(file))"))
                break
            }
            let pythonTypes = mapping(values, "python_types")
            let forcePush = bool(values, "force_push") ?? false
            let pythonVersion = string(values, "python_version")
            let flytekitVersion = string(values, "flytekit_version")
            let pluginVersion = string(values, "plugin_version")

            var interpreter = SpecInterpreter(format: .json, file: file, hostMachine: hostMachine)
            var spec: ImageSpec?
            if let node = values["spec"] {
                spec = interpreter.interpret(node, fieldPrefix: "")
            } else {
                problems.append(problem(root, "spec", "is missing — the document must hold the ImageSpec fields"))
            }
            problems += interpreter.errors
            if var current = spec, let mode = string(pythonTypes, "source_copy_mode", prefix: "python_types.") {
                guard mode == "str" else {
                    problems.append(
                        problem(
                            pythonTypes["source_copy_mode"], "python_types.source_copy_mode",
                            "must be \"str\" (got \(mode))"))
                    throw SpecError(diagnostics: problems, warnings: interpreter.warnings)
                }
                if case .enumMember(_, let name, _)? = current.value(of: .sourceCopyMode) {
                    do {
                        current = try current.replacing(.sourceCopyMode, with: .str(name), hostMachine: hostMachine)
                    } catch {
                        problems.append(problem(values["spec"], "spec.source_copy_mode", error.message))
                    }
                }
                spec = current
            }
            guard problems.isEmpty, let spec, let imageName, let tag, let id, let cwd else {
                throw SpecError(
                    diagnostics: problems.isEmpty ? [problem(root, nil, "unreadable")] : problems,
                    warnings: interpreter.warnings)
            }
            let context = NamingContext(
                workingDirectory: cwd, hostMachine: hostMachine, loadedModuleFiles: nil, sourceRootFiles: files,
                environment: environment)
            let loaded = LoadedSpec(
                spec: spec, file: file, format: .json, warnings: interpreter.warnings, context: context,
                locations: interpreter.locations)
            return FlytekitDocument(
                loaded: loaded, imageName: imageName, tag: tag, id: id, pythonVersion: pythonVersion,
                flytekitVersion: flytekitVersion, forcePush: forcePush, pluginVersion: pluginVersion)
        }

        // MARK: - Fields

        private mutating func string(
            _ values: [String: SourceNode], _ key: String, required: Bool = false, prefix: String = ""
        ) -> String? {
            guard let node = values[key], !isNull(node) else {
                if required { problems.append(problem(root, prefix + key, "is missing")) }
                return nil
            }
            guard case .scalar(.str(let text)) = node.content else {
                problems.append(problem(node, prefix + key, "must be a string"))
                return nil
            }
            return text
        }

        private mutating func strings(_ values: [String: SourceNode], _ key: String) -> [String]? {
            guard let node = values[key], !isNull(node) else { return nil }
            guard case .sequence(let items) = node.content else {
                problems.append(problem(node, key, "must be a list of paths or null"))
                return nil
            }
            var result: [String] = []
            for item in items {
                guard case .scalar(.str(let text)) = item.content else {
                    problems.append(problem(item, key, "must be a list of paths or null"))
                    return nil
                }
                result.append(text)
            }
            return result
        }

        private mutating func bool(_ values: [String: SourceNode], _ key: String) -> Bool? {
            guard let node = values[key], !isNull(node) else { return nil }
            guard case .scalar(.bool(let value)) = node.content else {
                problems.append(problem(node, key, "must be true or false"))
                return nil
            }
            return value
        }

        private mutating func mapping(_ values: [String: SourceNode], _ key: String) -> [String: SourceNode] {
            guard let node = values[key], !isNull(node) else { return [:] }
            guard case .mapping(let pairs) = node.content else {
                problems.append(problem(node, key, "must be an object"))
                return [:]
            }
            var result: [String: SourceNode] = [:]
            for pair in pairs {
                if case .scalar(.str(let name)) = pair.key.content { result[name] = pair.value }
            }
            return result
        }

        private func isNull(_ node: SourceNode) -> Bool {
            if case .scalar(.none) = node.content { return true }
            return false
        }

        private func problem(_ node: SourceNode?, _ field: String?, _ message: String) -> SpecDiagnostic {
            SpecDiagnostic(.error, file: file, location: node?.location, field: field, message: message)
        }
    }
}
