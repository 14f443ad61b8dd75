import ArgumentParser
import LifeboatAgent
import LifeboatCLI
import LifeboatCore

extension Lifeboat {
    /// `lifeboat restore POLICY --to PATH --identity SECRET.asc`: bring a backup back.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Restore the newest restorable backup of a policy (or --backup ID) into PATH.",
            discussion: """
                For files, PATH is a new (or empty) folder that receives the tree; for other kinds, a new file \
                that receives the dump or database. Nothing is left under PATH when the restore fails. --json \
                prints one object: policy, id, into, bytes, chunks (per destination), skipped.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The policy.") var policy: String
        @Option(help: "Where to restore to.") var to: String?
        @Option(
            help: """
                postgres, mariadb: load the dump into this database instead of writing a file (postgres: a libpq DSN \
                such as "host=127.0.0.1 dbname=orders_restored", plus password_file=PATH; mariadb: words such as \
                "socket=/run/mysqld/mysqld.sock user=root database=shop_restored", also host, port, password_file). \
                A password written into it is refused (exit 65).
                """) var into: String?
        @Option(help: "The secret key (OpenPGP, armored or binary); keep it off the host.") var identity: String
        @Option(help: "A file whose first line is the secret key's passphrase.") var passphraseFile: String?
        @Option(help: "The backup id to restore.") var backup: RequestedBackup?
        @Flag(help: "Allow restoring a soft-deleted backup.") var includeSoftDeleted = false
        @Option(help: "A public key trusted to sign backups, besides trusted_signers and this host's key (repeatable).")
        var signer: [String] = []
        @Flag(help: "Read a backup that has no signature (made before signing existed), with a warning.")
        var allowUnsigned = false
        @Option(
            help:
                "Restore only these entries of a file tree (and the folders above them): a path as on the host, what lies under it, or a shell glob (repeatable)."
        ) var path: [String] = []
        @OptionGroup var pointInTime: PointInTimeOptions
        @Flag(help: "Print one JSON object.") var json = false

        func validate() throws {
            if (to == nil) == (into == nil) { throw ValidationError("name exactly one of --to PATH and --into DSN") }
        }

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                guard let p = try ctx.configuration.select([policy]).first else { return }
                let key = try IdentityLoader.load(path: identity, passphraseFile: passphraseFile)
                var request = RestoreUseCase.Request(
                    policy: p, target: to ?? "", identity: key, backupID: backup,
                    includeSoftDeleted: includeSoftDeleted,
                    signerFiles: signer, allowUnsigned: allowUnsigned)
                request.paths = path
                let result: RestoreUseCase.Result
                var replayed: String?
                var binlogReplay: BinlogPointInTimeRestore.Result?
                let display = global.progress(ctx.progress)
                defer { display?.stop() }
                if let target = try pointInTime.target() {
                    if p.kind == .mariadb {
                        if pointInTime.timeline != nil {
                            throw LifeboatError(
                                .usage, "--timeline belongs to postgres policies: a mariadb policy has none")
                        }
                        guard let into else {
                            throw LifeboatError(
                                .usage,
                                "a point-in-time restore of a mariadb policy loads into a database: add --into DSN")
                        }
                        guard case .time(let date) = target else {
                            throw LifeboatError(
                                .usage, "a mariadb policy replays binary logs to a moment: name it with --until TIME")
                        }
                        let pit = try await BinlogPointInTimeRestore.restoreInto(
                            ctx, request, into: into, until: PointInTime(date: date))
                        result = pit.dump
                        binlogReplay = pit
                        replayed =
                            "replayed \(Counted.text(pit.logs.count, "binary log")) up to \(pit.until): \(pit.logs.joined(separator: ", "))"
                    } else {
                        guard let to else {
                            throw LifeboatError(.usage, "a point-in-time restore needs --to an empty folder")
                        }
                        let settings = try pointInTime.settings(
                            target: target, config: global.configPath, policy: p.name, identity: identity,
                            passphraseFile: passphraseFile)
                        result = try await PointInTimeRestore(ctx).run(request, settings: settings)
                    }
                } else if let into {
                    result = try await DatabaseLoader.restoreInto(ctx, request, into: into)
                } else {
                    result = try await RestoreUseCase(ctx).run(request)
                    if p.kind == .sqlite, p.source.snapshot == nil, let written = result.written ?? to {
                        try DatabaseLoader.checkSQLite(written)
                    }
                }
                display?.stop()
                if json {
                    print(
                        try JSONText.encode(
                            RestoreJSON(
                                policy: p.name, result: result, into: result.written ?? to ?? into ?? "",
                                until: binlogReplay?.until.description, binlogs: binlogReplay?.logs)))
                    return
                }
                let sources = result.chunksByDestination.sorted { $0.key < $1.key }
                    .map { "\(Counted.text($0.value, "chunk")) from \($0.key)" }.joined(separator: ", ")
                for s in result.skipped { print("skipped: \(s)") }
                print(
                    "restored \(p.name) \(result.id) into \(result.written ?? to ?? "the database"): \(result.bytes) bytes, \(sources)"
                )
                if let replayed { print(replayed) }
            }
        }
    }
}
