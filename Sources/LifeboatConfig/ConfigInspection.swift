import Foundation
import LifeboatCore

/// A whole configuration read the way `run` reads it, but without stopping at the first fault: the
/// agent config, then every policy file on its own, so `config check` can list every file's problem
/// at once (within one file, the first fault found, with its line).
package struct ConfigInspection: Sendable {
    /// The agent config, when it loaded.
    package var agent: AgentConfig?
    /// Every policy that loaded, in file order.
    package var policies: [Policy]
    /// Every fault found, in file order.
    package var problems: [LifeboatError]

    package static func inspect(file: String) -> ConfigInspection {
        var problems: [LifeboatError] = []
        let agent: AgentConfig
        do {
            agent = try AgentConfig.load(file: file)
        } catch {
            return ConfigInspection(agent: nil, policies: [], problems: [Self.asProblem(error)])
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: agent.policiesDirectory)
        } catch {
            let e = LifeboatError.badInput(agent.policiesDirectory, "cannot read the policies directory")
            return ConfigInspection(agent: agent, policies: [], problems: [e])
        }
        let files = names.sorted().filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .map { (agent.policiesDirectory as NSString).appendingPathComponent($0) }
        var policies: [Policy] = []
        var seen: [String: String] = [:]
        for file in files {
            do {
                let p = try PolicyParser.parse(file: file)
                if let other = seen[p.name] {
                    throw LifeboatError.badInput(file, "policy name '\(p.name)' is already used by \(other)")
                }
                seen[p.name] = file
                policies.append(p)
            } catch {
                problems.append(Self.asProblem(error))
            }
        }
        if files.isEmpty {
            problems.append(
                LifeboatError(
                    .badInput, "no policy files (*.yaml) in \(agent.policiesDirectory): nothing would be backed up"))
        }
        return ConfigInspection(agent: agent, policies: policies, problems: problems)
    }

    /// Any error as the one-line problem it is reported as.
    package static func asProblem(_ error: Error) -> LifeboatError {
        if let e = error as? LifeboatError { return e }
        return LifeboatError(.badInput, String(describing: error))
    }
}
