import Foundation
import LifeboatCore
import Synchronization

/// The agent config together with every policy it names, validated as a whole before anything runs.
package struct Configuration: Sendable {
    package var agent: AgentConfig
    package var policies: [Policy]

    /// Loads and validates everything; the first fault is thrown as one line with exit code 65.
    package static func load(file: String) throws -> Configuration {
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
        let files = names.sorted().filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .map { (directory as NSString).appendingPathComponent($0) }
        // Parsed on every core (a host may hold hundreds of policies and `run` reads them all each time);
        // faults are reported in file order, so the message does not depend on timing.
        let parsed = ParallelMap.run(files) { file in Result { try PolicyParser.parse(file: file) } }
        var policies: [Policy] = []
        var seen: [String: String] = [:]
        for (file, result) in zip(files, parsed) {
            let p = try result.get()
            if let other = seen[p.name] {
                throw LifeboatError.badInput(file, "policy name '\(p.name)' is already used by \(other)")
            }
            seen[p.name] = file
            policies.append(p)
        }
        return policies
    }

    /// The policies named on the command line (all when none), or a usage error naming the unknown one.
    package func select(_ names: [String]) throws -> [Policy] {
        if names.isEmpty { return policies }
        return try names.map { n in
            guard let p = policies.first(where: { $0.name == n }) else {
                throw LifeboatError(.usage, "no policy named '\(n)' in \(agent.policiesDirectory)")
            }
            return p
        }
    }
}

/// Maps an array on every core, keeping the order.
enum ParallelMap {
    static func run<T: Sendable, R: Sendable>(_ items: [T], _ body: @Sendable (T) -> R) -> [R] {
        guard items.count > 1 else { return items.map(body) }
        let out = Mutex([R?](repeating: nil, count: items.count))
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            let r = body(items[i])
            out.withLock { $0[i] = r }
        }
        return out.withLock { $0.compactMap { $0 } }
    }
}
