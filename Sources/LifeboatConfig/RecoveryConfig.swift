import Foundation
import LifeboatCore

/// The recovery host's config (`role: recovery`): where the fleet's backups are read from, the secret
/// keys that open them (the only place they live), the signers whose word is trusted, and where drills
/// restore to. It needs nothing from the backup hosts: no catalog, no policies folder.
package struct RecoveryConfig: Sendable {
    /// One secret key and the file holding its passphrase, if it has one.
    package struct Identity: Sendable, Equatable {
        package var key: String
        package var passphraseFile: String?

        package init(key: String, passphraseFile: String?) {
            self.key = key
            self.passphraseFile = passphraseFile
        }
    }

    /// Servers a drill may create (and drop) its own scratch databases on.
    package struct ScratchDatabases: Sendable, Equatable {
        /// A libpq connection string (`host=... port=... user=...`), no password on it.
        package var postgres: String?
        /// The words the mariadb client takes (`socket=... user=...` or `host=... port=...`).
        package var mariadb: String?

        package init(postgres: String? = nil, mariadb: String? = nil) {
            self.postgres = postgres
            self.mariadb = mariadb
        }

        /// No scratch server: drills of database dumps fail, saying which key to set.
        package static let none = ScratchDatabases()
    }

    /// The recovery host's drill catalog.
    package var catalog: String
    /// The only folder drills write to; each drill makes and removes a folder of its own inside it.
    package var scratch: String
    package var destinations: [DestinationSpec]
    package var identities: [Identity]
    package var trustedSigners: [String]
    package var scratchDatabases: ScratchDatabases
    package var metricsTextfile: String?
    /// The config file, for messages.
    package var file: String

    /// The value of `role:` that marks a recovery host's config.
    package static let role = "recovery"

    package static func load(file: String) throws -> RecoveryConfig {
        let f = try YAMLValue.configFields(file: file, what: "the recovery config")
        let roleValue = try f.required("role")
        guard try roleValue.string("role") == role else {
            throw roleValue.error("role must be 'recovery' in a recovery host's config")
        }
        let base = (file as NSString).deletingLastPathComponent
        let resolve = { (p: String) in PathResolver.resolve(p, against: base) }
        let catalog = resolve(
            try f.optional("catalog")?.nonEmptyString("catalog") ?? "/var/lib/lifeboat/recovery.sqlite")
        let scratch = resolve(try f.optional("scratch")?.nonEmptyString("scratch") ?? "/var/lib/lifeboat/scratch")
        let destinations = try DestinationParser.parseList(try f.required("destinations"), resolve: resolve)
        let identitiesValue = try f.required("identities")
        let identities = try identitiesValue.list("identities").map { item -> Identity in
            let g = try item.fields("identities[]")
            let key = resolve(try g.required("key").nonEmptyString("key"))
            let pass = try g.optional("passphrase_file").map { resolve(try $0.nonEmptyString("passphrase_file")) }
            try g.finish()
            return Identity(key: key, passphraseFile: pass)
        }
        guard !identities.isEmpty else {
            throw identitiesValue.error("identities must name at least one secret key: drills decrypt with it")
        }
        let signersValue = try f.required("trusted_signers")
        let signers = try signersValue.stringList("trusted_signers").map(resolve)
        guard !signers.isEmpty else {
            throw signersValue.error(
                "trusted_signers must name at least one public key: nothing at a destination is believed unsigned")
        }
        var databases = ScratchDatabases()
        if let d = f.optional("scratch_databases") {
            let g = try d.fields("scratch_databases")
            databases.postgres = try g.optional("postgres")?.nonEmptyString("postgres")
            databases.mariadb = try g.optional("mariadb")?.nonEmptyString("mariadb")
            try g.finish()
        }
        let metrics = try f.optional("metrics_textfile").map { resolve(try $0.nonEmptyString("metrics_textfile")) }
        try f.finish()
        let config = RecoveryConfig(
            catalog: catalog, scratch: scratch, destinations: destinations, identities: identities,
            trustedSigners: signers, scratchDatabases: databases, metricsTextfile: metrics, file: file)
        try config.checkFiles()
        return config
    }

    /// Every file the config names must be readable now, not half-way through a drill at 3 a.m.
    func checkFiles() throws {
        for identity in identities {
            try Self.requireReadable(identity.key, "identity key")
            if let p = identity.passphraseFile { try Self.requireReadable(p, "passphrase file") }
        }
        for s in trustedSigners { try Self.requireReadable(s, "trusted signer") }
    }

    static func requireReadable(_ path: String, _ what: String) throws {
        guard access(path, R_OK) == 0 else {
            throw LifeboatError.badInput(path, "cannot read this \(what): \(String(cString: strerror(errno)))")
        }
    }
}

/// Which kind of config a file is, read from its `role:` key before either loader runs, so each command
/// can say plainly that it was handed the other kind.
package enum ConfigRole: String, Sendable {
    case agent
    case recovery

    /// The role a config file declares (`agent` when it has no `role:` key or cannot be read: the agent
    /// loader then reports what is wrong with it).
    package static func of(file: String) -> ConfigRole {
        guard let doc = try? YAMLValue.load(file: file, displayName: file),
            let f = try? doc.fields("config", top: true), let v = f.optional("role"),
            let s = try? v.string("role")
        else { return .agent }
        return s == RecoveryConfig.role ? .recovery : .agent
    }
}
