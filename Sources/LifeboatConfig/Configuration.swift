import Foundation
import LifeboatCore

/// The agent config together with every policy it names, validated as a whole before anything runs.
public struct Configuration: Sendable {
    public var agent: AgentConfig
    public var policies: [Policy]

    /// Loads and validates everything; the first fault is thrown as one line with exit code 65.
    public static func load(file: String) throws -> Configuration {
        let agent = try AgentConfig.load(file: file)
        let policies = try loadPolicies(directory: agent.policiesDirectory)
        return Configuration(agent: agent, policies: policies)
    }

    static func loadPolicies(directory: String) throws -> [Policy] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw LifeboatError.badInput(directory, "cannot read the policies directory")
        }
        var policies: [Policy] = []
        var seen: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let file = (directory as NSString).appendingPathComponent(name)
            let p = try PolicyParser.parse(file: file)
            if let other = seen[p.name] {
                throw LifeboatError.badInput(file, "policy name '\(p.name)' is already used by \(other)")
            }
            seen[p.name] = file
            policies.append(p)
        }
        return policies
    }

    /// The policies named on the command line (all when none), or a usage error naming the unknown one.
    public func select(_ names: [String]) throws -> [Policy] {
        if names.isEmpty { return policies }
        return try names.map { n in
            guard let p = policies.first(where: { $0.name == n }) else {
                throw LifeboatError(.usage, "no policy named '\(n)' in \(agent.policiesDirectory)")
            }
            return p
        }
    }
}
