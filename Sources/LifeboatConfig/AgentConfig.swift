import Foundation
import LifeboatCore

/// The agent's own settings: this host's name and where its policies, catalog and spool live.
package struct AgentConfig: Sendable {
    package var host: String
    package var policiesDirectory: String
    package var catalog: String
    package var spool: String
    package var spoolMax: ByteSize?
    package var metricsTextfile: String?
    package var heartbeatURL: String?
    /// The host's own signing key (secret, 0600): made the first time a backup is shipped.
    package var signingKey: String
    /// Public keys whose signatures readers accept on a backup's manifest, besides the host's own key.
    package var trustedSigners: [String]
    /// The config file, for messages.
    package var file: String

    /// Where the config is looked for when `--config` is not given.
    package static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["LIFEBOAT_CONFIG"], !p.isEmpty { return p }
        return "/etc/lifeboat/lifeboat.yaml"
    }

    /// The config in `file`, or the first fault found in it.
    package static func load(file: String) throws -> AgentConfig {
        let (config, faults) = inspect(file: file)
        if let first = faults.first { throw first }
        guard let config else { throw LifeboatError.badInput(file, "could not be read") }
        return config
    }

    /// The config in `file` and every fault found in it, each key checked on its own.
    package static func inspect(file: String) -> (config: AgentConfig?, faults: [LifeboatError]) {
        let faults = FaultList()
        let config = faults.attempt { try read(file: file, faults: faults) } ?? nil
        return (faults.isEmpty ? config : nil, faults.faults)
    }

    private static func read(file: String, faults: FaultList) throws -> AgentConfig? {
        let f = try YAMLValue.configFields(file: file, what: "the agent config", faults: faults)
        if let r = f.optional("role") {
            let role = try r.string("role")
            if role == RecoveryConfig.role {
                throw r.error(
                    "this is a recovery host's config (role: recovery): it drills, plans and watches the fleet (fleet, drill, plan); backups are made by a backup host's config"
                )
            }
            guard role == "agent" else { throw r.error("role must be 'agent' (the default) or 'recovery'") }
        }
        let base = (file as NSString).deletingLastPathComponent
        let resolve = { (p: String) in PathResolver.resolve(p, against: base) }
        let path = { (key: String, fallback: String) in
            faults.attempt { resolve(try f.optional(key)?.nonEmptyString(key) ?? fallback) }
        }
        let host = faults.attempt { () throws -> String in
            guard let h = f.optional("host") else {
                return ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
            }
            let host = try h.nonEmptyString("host")
            guard !host.contains("/"), host != ".", host != ".." else {
                throw h.error("host '\(host)' must not contain /")
            }
            return host
        }
        let policies = path("policies", "policies")
        let catalog = path("catalog", "/var/lib/lifeboat/catalog.sqlite")
        let spool = path("spool", "/var/lib/lifeboat/spool")
        let spoolMax = faults.attempt { try f.optional("spool_max")?.size("spool_max") }
        let metrics = faults.attempt {
            try f.optional("metrics_textfile").map { resolve(try $0.nonEmptyString("metrics_textfile")) }
        }
        let heartbeat = faults.attempt { () throws -> String? in
            guard let h = f.optional("heartbeat_url") else { return nil }
            let s = try h.nonEmptyString("heartbeat_url")
            guard let u = URL(string: s), u.scheme == "http" || u.scheme == "https" else {
                // Not repeated: its path is a secret token.
                throw h.error("heartbeat_url must be an http or https URL")
            }
            return s
        }
        // Beside the catalog by default: the state folder, which the host's backups already depend on.
        let signingKey = path(
            "signing_key",
            ((catalog ?? "/var/lib/lifeboat/catalog.sqlite") as NSString).deletingLastPathComponent + "/signing-key.asc"
        )
        let trusted = faults.attempt {
            try f.optional("trusted_signers")?.stringList("trusted_signers").map(resolve) ?? []
        }
        faults.attempt { try f.finish() }
        guard let host, let policies, let catalog, let spool, let spoolMax, let metrics, let heartbeat, let signingKey,
            let trusted
        else { return nil }
        return AgentConfig(
            host: host, policiesDirectory: policies, catalog: catalog, spool: spool, spoolMax: spoolMax,
            metricsTextfile: metrics, heartbeatURL: heartbeat, signingKey: signingKey, trustedSigners: trusted,
            file: file)
    }
}

extension YAMLValue {
    /// The top-level keys of a config file (the agent's or the recovery host's); a missing file is one
    /// line saying how the config is found.
    static func configFields(file: String, what: String, faults: FaultList? = nil) throws -> Fields {
        guard FileManager.default.fileExists(atPath: file) else {
            throw LifeboatError.badInput(
                file,
                "no such file: the config is given by --config FILE, else $LIFEBOAT_CONFIG, else /etc/lifeboat/lifeboat.yaml"
            )
        }
        var doc = try YAMLValue.load(file: file, displayName: file)
        doc.faults = faults
        return try doc.fields(what, top: true)
    }
}
