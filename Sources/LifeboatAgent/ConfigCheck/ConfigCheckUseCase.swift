import Foundation
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatS3
import LifeboatSources
import LifeboatStorage

/// The `config check` use case: everything `run` (or, for a recovery host, `drill`) would find wrong
/// with the configuration, found now and all at once: every file's fault with its line, keys that do
/// not load, credentials files that cannot be read, and with `connect` every destination that cannot be
/// reached. Nothing is written anywhere.
package struct ConfigCheckUseCase {
    /// What was checked and what was found.
    package struct Report: Sendable {
        package var role: ConfigRole
        /// The policies that loaded (a backup host) or the destinations read (a recovery host).
        package var checked: [String]
        package var problems: [LifeboatError]
        /// The folders Lifeboat writes to: on a backup host state, spool, metrics, local destinations,
        /// SQLite databases' folders and btrfs volumes; on a recovery host its catalog's folder, the
        /// scratch folder and the metrics folder (it only reads the destinations). What a hardened
        /// service unit must leave writable.
        package var writePaths: [String] = []
    }

    package let file: String
    package let connect: Bool

    package init(file: String, connect: Bool) {
        self.file = file
        self.connect = connect
    }

    package func run() async -> Report {
        ConfigRole.of(file: file) == .recovery ? await recoveryHost() : await backupHost()
    }

    func backupHost() async -> Report {
        let inspection = ConfigInspection.inspect(file: file)
        var problems = inspection.problems
        if let agent = inspection.agent {
            record(&problems) { _ = try HostSigningKey.load(path: agent.signingKey) }
            for path in agent.trustedSigners {
                record(&problems) { _ = try Self.verifyingKey(path) }
            }
        }
        for policy in inspection.policies {
            record(&problems, in: policy.file) { _ = try KeyLoading.recipients(of: policy) }
            for spec in policy.destinations {
                await checkDestination(spec, in: policy.file, problems: &problems)
            }
            if connect, policy.binlog != nil, case .mariadb(let source) = policy.source {
                // Binary log archiving needs the server's log on and the right to list it.
                record(&problems, in: policy.file) {
                    do {
                        _ = try MariaDBBinlogServer(endpoint: PayloadSource.endpoint(source)).logs()
                    } catch {
                        throw LifeboatError.failed(
                            "binlog: the server's binary logs cannot be listed: \(BinlogArchiver.text(error))",
                            hint: "turn log_bin on and grant BINLOG MONITOR, RELOAD and REPLICATION SLAVE")
                    }
                }
            }
        }
        var report = Report(role: .agent, checked: inspection.policies.map(\.name), problems: problems)
        if let agent = inspection.agent { report.writePaths = Self.writePaths(agent, inspection.policies) }
        return report
    }

    /// Every folder Lifeboat writes to on a backup host, each once, in a stable order.
    static func writePaths(_ agent: AgentConfig, _ policies: [Policy]) -> [String] {
        let folder = { (p: String) in (p as NSString).deletingLastPathComponent }
        var paths = [folder(agent.catalog), agent.spool, folder(agent.signingKey)]
        if let m = agent.metricsTextfile { paths.append(folder(m)) }
        for policy in policies {
            for spec in policy.destinations {
                if case .local(let path) = spec.location { paths.append(path) }
            }
            // SQLite writes its journal beside the database, and a large one is copied under its lock.
            if case .sqlite(let s) = policy.source { paths.append(folder(s.database)) }
            if case .btrfs(let volume)? = policy.source.snapshot?.provider { paths.append(volume) }
        }
        var seen = Set<String>()
        return paths.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    func recoveryHost() async -> Report {
        let config: RecoveryConfig
        do {
            config = try RecoveryConfig.load(file: file)
        } catch {
            return Report(role: .recovery, checked: [], problems: [ConfigInspection.asProblem(error)])
        }
        var problems: [LifeboatError] = []
        for path in config.trustedSigners {
            record(&problems) { _ = try Self.verifyingKey(path) }
        }
        for identity in config.identities {
            record(&problems) {
                _ = try IdentityLoader.load(path: identity.key, passphraseFile: identity.passphraseFile)
            }
        }
        if connect { checkScratch(config.scratch, problems: &problems) }
        for spec in config.destinations {
            await checkDestination(spec, in: file, problems: &problems)
        }
        var report = Report(role: .recovery, checked: config.destinations.map(\.name), problems: problems)
        let folder = { (p: String) in (p as NSString).deletingLastPathComponent }
        let paths = [folder(config.catalog), config.scratch] + (config.metricsTextfile.map { [folder($0)] } ?? [])
        var seen = Set<String>()
        report.writePaths = paths.filter { !$0.isEmpty && seen.insert($0).inserted }
        return report
    }

    /// The destination's driver can be made (credentials load); with `connect`, it answers.
    func checkDestination(_ spec: DestinationSpec, in file: String, problems: inout [LifeboatError]) async {
        let destination: Destination
        do {
            destination = try DestinationFactory.makeBase(spec)
        } catch {
            problems.append(Self.placed(error, in: file, what: "destination \(spec.name)"))
            return
        }
        guard connect else { return }
        switch spec.location {
        case .local(let path):
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) || !isFolder.boolValue {
                problems.append(
                    LifeboatError.badInput(file, "destination \(spec.name): \(path) is not a folder (not mounted?)"))
            } else if access(path, W_OK) != 0 {
                problems.append(LifeboatError.badInput(file, "destination \(spec.name): cannot write to \(path)"))
            }
        case .s3, .rclone:
            do {
                _ = try await destination.size(".lifeboat-config-check")
                if case .s3(let s3) = spec.location, let lock = s3.objectLock,
                    let driver = destination as? S3Destination,
                    try await !driver.objectLockEnabled()
                {
                    problems.append(
                        LifeboatError.badInput(
                            file, line: lock.line,
                            "destination \(spec.name): bucket \(s3.bucket) does not have Object Lock enabled"))
                }
            } catch {
                problems.append(LifeboatError.badInput(file, "destination \(spec.name): \(error)"))
            }
        }
    }

    func checkScratch(_ scratch: String, problems: inout [LifeboatError]) {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: scratch, isDirectory: &isFolder) {
            if !isFolder.boolValue || access(scratch, W_OK | X_OK) != 0 {
                problems.append(
                    LifeboatError.badInput(scratch, "the scratch folder is not a folder this user can write"))
            }
        } else {
            // The nearest folder above it that exists must let this user make the rest.
            var above = (scratch as NSString).deletingLastPathComponent
            while !above.isEmpty, above != "/", !FileManager.default.fileExists(atPath: above) {
                above = (above as NSString).deletingLastPathComponent
            }
            if access(above.isEmpty ? "." : above, W_OK | X_OK) != 0 {
                problems.append(
                    LifeboatError.badInput(scratch, "the scratch folder does not exist and cannot be made in \(above)"))
            }
        }
    }

    func record(_ problems: inout [LifeboatError], in file: String? = nil, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            problems.append(file.map { Self.placed(error, in: $0, what: nil) } ?? ConfigInspection.asProblem(error))
        }
    }

    /// An error about a key or credentials file, named with the policy or config file that points at it.
    static func placed(_ error: Error, in file: String, what: String?) -> LifeboatError {
        let e = ConfigInspection.asProblem(error)
        let subject = what.map { "\($0): " } ?? ""
        // Already placed in that file (with its line): said once, not as "file: file:line: …".
        if e.file == file {
            let place = e.line.map { "\(file):\($0): " } ?? "\(file): "
            let bare = e.message.hasPrefix(place) ? String(e.message.dropFirst(place.count)) : e.message
            return LifeboatError.badInput(file, line: e.line, subject + bare, hint: e.hint)
        }
        return LifeboatError.badInput(file, subject + e.message, hint: e.hint)
    }

    static func verifyingKey(_ path: String) throws -> OpenPGPVerifyingKey {
        do {
            return try OpenPGPVerifyingKey.load(contentsOf: path, now: Date())
        } catch let e as CryptoError {
            throw LifeboatError(.badInput, KeyLoading.named(e.description, path))
        }
    }
}
