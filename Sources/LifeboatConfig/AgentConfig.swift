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

    package static func load(file: String) throws -> AgentConfig {
        let f = try YAMLValue.configFields(file: file, what: "the agent config")
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
        var host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        if let h = f.optional("host") {
            host = try h.nonEmptyString("host")
            guard !host.contains("/"), host != ".", host != ".." else {
                throw h.error("host '\(host)' must not contain /")
            }
        }
        let policies = resolve(try f.optional("policies")?.nonEmptyString("policies") ?? "policies")
        let catalog = resolve(
            try f.optional("catalog")?.nonEmptyString("catalog") ?? "/var/lib/lifeboat/catalog.sqlite")
        let spool = resolve(try f.optional("spool")?.nonEmptyString("spool") ?? "/var/lib/lifeboat/spool")
        let spoolMax = try f.optional("spool_max")?.size("spool_max")
        let metrics = try f.optional("metrics_textfile").map { resolve(try $0.nonEmptyString("metrics_textfile")) }
        var heartbeat: String?
        if let h = f.optional("heartbeat_url") {
            let s = try h.nonEmptyString("heartbeat_url")
            guard let u = URL(string: s), u.scheme == "http" || u.scheme == "https" else {
                // Not repeated: its path is a secret token.
                throw h.error("heartbeat_url must be an http or https URL")
            }
            heartbeat = s
        }
        // Beside the catalog by default: the state folder, which the host's backups already depend on.
        let signingKey = resolve(
            try f.optional("signing_key")?.nonEmptyString("signing_key")
                ?? ((catalog as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
                    "signing-key.asc"))
        let trusted = try f.optional("trusted_signers")?.stringList("trusted_signers").map(resolve) ?? []
        try f.finish()
        return AgentConfig(
            host: host, policiesDirectory: policies, catalog: catalog, spool: spool, spoolMax: spoolMax,
            metricsTextfile: metrics, heartbeatURL: heartbeat, signingKey: signingKey, trustedSigners: trusted,
            file: file)
    }
}

extension YAMLValue {
    /// The top-level keys of a config file (the agent's or the recovery host's); a missing file is one
    /// line saying how the config is found.
    static func configFields(file: String, what: String) throws -> Fields {
        guard FileManager.default.fileExists(atPath: file) else {
            throw LifeboatError.badInput(
                file,
                "no such file: the config is given by --config FILE, else $LIFEBOAT_CONFIG, else /etc/lifeboat/lifeboat.yaml"
            )
        }
        return try YAMLValue.load(file: file, displayName: file).fields(what, top: true)
    }
}
