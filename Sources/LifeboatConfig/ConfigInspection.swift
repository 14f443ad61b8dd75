import Foundation
import LifeboatCore

/// A whole configuration read the way `run` reads it, but without stopping at the first fault: the
/// agent config, then every policy file on its own, so `config check` can list every file's problem
/// at once, and every fault within a file, each with its line.
package struct ConfigInspection: Sendable {
    /// The agent config, when it loaded.
    package var agent: AgentConfig?
    /// Every policy that loaded, in file order.
    package var policies: [Policy]
    /// Every fault found, in file order.
    package var problems: [LifeboatError]

    package static func inspect(file: String) -> ConfigInspection {
        var problems: [LifeboatError] = []
        let (config, faults) = AgentConfig.inspect(file: file)
        guard let agent = config else {
            return ConfigInspection(agent: nil, policies: [], problems: FaultList.byLine(faults))
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
            let (policy, faults) = PolicyParser.inspect(file: file)
            problems += FaultList.byLine(faults)
            guard let p = policy else { continue }
            if let other = seen[p.name] {
                problems.append(LifeboatError.badInput(file, "policy name '\(p.name)' is already used by \(other)"))
                continue
            }
            seen[p.name] = file
            policies.append(p)
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
