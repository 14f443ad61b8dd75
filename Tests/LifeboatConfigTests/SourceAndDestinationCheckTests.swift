import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// Every combination a source or destination cannot run is refused at load, with the file and
/// line (exit 65); what loads comes out typed, with its defaults filled in.
@Suite struct SourceAndDestinationCheckTests {
    /// A policy with the given `source:` body (from line 4) and `destinations:` list (line 8 on).
    static func policy(
        kind: String, source: String, destinations: String = "  - { name: a, type: local, path: /x }"
    ) -> String {
        """
        name: x
        kind: \(kind)
        source:
        \(source)
        objectives: { rpo: 1d }
        encryption: { recipients: [k] }
        destinations:
        \(destinations)
        """
    }

    static func refusal(_ text: String) throws -> (LifeboatError, PolicyFixture) {
        let f = try PolicyFixture(policy: text)
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        return (e, f)
    }

    /// The snapshot would be archived in place of the command's output, so the command would never run.
    @Test(arguments: ["true", "false"])
    func aCommandWithASnapshotIsRefusedAtLoad(lock: String) throws {
        let (e, f) = try Self.refusal(
            Self.policy(
                kind: "command",
                source: "  command: [dump]\n  snapshot: { provider: btrfs, volume: /v, lock: \(lock) }"))
        #expect(e.kind == .badInput)
        #expect(e.exitCode == 65)
        #expect(
            e.message.hasPrefix("\(f.policyPath):5: kind command cannot be combined with source.snapshot"),
            "\(e.message)")
        #expect(!e.message.contains("\n"))
        #expect(!String(describing: e).contains("\n"), "one line on the terminal too")
    }

    @Test(arguments: [
        ("  paths: [/a]\n  snapshot: { provider: lvm }", 5, "source.snapshot.volume is required for provider lvm"),
        (
            "  paths: [/a]\n  snapshot: { provider: zfs, lock: false }", 5,
            "source.snapshot.volume is required for provider zfs"
        ),
        (
            "  paths: [/a]\n  snapshot: { provider: command, create: [snap] }", 5,
            "source.snapshot: provider command needs both create and delete commands"
        ),
        (
            "  paths: [/a]\n  snapshot: { provider: nilfs, volume: /v }", 5,
            "source.snapshot.provider: 'nilfs' is not one of"
        ),
        ("  paths: []", 4, "source.paths must name at least one path"),
    ])
    func aSnapshotOrFilesSourceWithoutWhatItNeedsIsRefused(source: String, line: Int, message: String) throws {
        let (e, f) = try Self.refusal(Self.policy(kind: "files", source: source))
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):\(line): \(message)"), "\(e.message)")
    }

    @Test(arguments: [
        ("  - { name: a, type: local }", "path is required"),
        ("  - { name: a, type: local, path: \"\" }", "path must not be empty"),
        ("  - { name: a, type: s3, bucket: b }", "endpoint is required"),
        ("  - { name: a, type: s3, endpoint: \"http://127.0.0.1:9\" }", "bucket is required"),
        (
            "  - { name: a, type: s3, endpoint: \"ftp://h\", bucket: b }",
            "endpoint 'ftp://h' must be an http or https URL"
        ),
        (
            "  - { name: a, type: s3, endpoint: \"http://127.0.0.1:9\", bucket: b, path: /x }",
            "unknown key 'destinations[].path'"
        ),
    ])
    func aDestinationWithoutWhatItsTypeNeedsIsRefused(destination: String, message: String) throws {
        let (e, f) = try Self.refusal(Self.policy(kind: "files", source: "  paths: [/a]", destinations: destination))
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):8: "), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
    }

    @Test func anS3DestinationLoadsWithItsDefaults() throws {
        let f = try PolicyFixture(
            policy: Self.policy(
                kind: "files", source: "  paths: [/a]",
                destinations: "  - { name: a, type: s3, endpoint: \"http://127.0.0.1:9\", bucket: b }"))
        let d = try #require(try Configuration.load(file: f.configPath).policies.first?.destinations.first)
        guard case .s3(let s3) = d.location else {
            Issue.record("not s3: \(d.location)")
            return
        }
        #expect(s3.endpoint == "http://127.0.0.1:9" && s3.bucket == "b")
        #expect(s3.region == "us-east-1" && s3.prefix == "" && s3.credentials == nil)
    }

    @Test func snapshotProvidersLoadWithWhatTheyNeed() throws {
        let f = try PolicyFixture(
            policy: Self.policy(
                kind: "postgres",
                source: "  dsn: \"host=db\"\n  snapshot: { provider: lvm, volume: vg/data, lock: false, max_lock: 5s }")
        )
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        #expect(p.kind == .postgres)
        let snapshot = try #require(p.source.snapshot)
        guard case .lvm(_, let size) = snapshot.provider else {
            Issue.record("not lvm: \(snapshot.provider)")
            return
        }
        #expect(size == "1G")
        #expect(snapshot.lock == false && snapshot.maxLock.seconds == 5)
    }

    @Test func aCommandSnapshotMayGoWithoutAVolume() throws {
        let f = try PolicyFixture(
            policy: Self.policy(
                kind: "sqlite",
                source: "  database: /d.db\n  snapshot: { provider: command, create: [snap], delete: [unsnap] }"))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        guard case .sqlite(let s) = p.source, case .command(let create, let delete, let volume)? = s.snapshot?.provider
        else {
            Issue.record("not a sqlite source with a command snapshot: \(p.source)")
            return
        }
        #expect(s.database == "/d.db" && create == ["snap"] && delete == ["unsnap"] && volume == nil)
        #expect(s.snapshot?.lock == true && s.snapshot?.maxLock.seconds == 2)
    }

    /// A postgres policy carries the roles by default (a pg_bundle); `globals: none` with one job keeps
    /// the plain pg_dump-custom stream; `jobs` is range-checked; a snapshot takes neither key.
    @Test(arguments: [
        ("", PostgresGlobals.roles, 1, true),
        ("\n  globals: none", PostgresGlobals.none, 1, false),
        ("\n  globals: none\n  jobs: 4", PostgresGlobals.none, 4, true),
        ("\n  globals: roles_with_passwords\n  jobs: 64", PostgresGlobals.rolesWithPasswords, 64, true),
    ])
    func postgresGlobalsAndJobsLoadWithTheirDefaults(extra: String, globals: PostgresGlobals, jobs: Int, bundled: Bool)
        throws
    {
        let f = try PolicyFixture(policy: Self.policy(kind: "postgres", source: "  dsn: \"host=db\"" + extra))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        guard case .postgres(let s) = p.source else {
            Issue.record("not postgres: \(p.source)")
            return
        }
        #expect(s.globals == globals && s.jobs == jobs && s.bundled == bundled)
    }

    @Test(arguments: [
        ("  jobs: 0", 5, "source.jobs must be a whole number from 1 to 64"),
        ("  jobs: 65", 5, "source.jobs must be a whole number from 1 to 64"),
        ("  globals: all", 5, "source.globals: 'all' is not one of none, roles, roles_with_passwords"),
        (
            "  snapshot: { provider: btrfs, volume: /v }\n  jobs: 2", 6,
            "source.globals and source.jobs belong to a dump"
        ),
    ])
    func postgresGlobalsAndJobsOutOfRangeAreRefused(line: String, at: Int, message: String) throws {
        let (e, f) = try Self.refusal(Self.policy(kind: "postgres", source: "  dsn: \"host=db\"\n" + line))
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):\(at):"), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
    }

    /// A mariadb policy names one `database` (the old `sql` layout) or `databases`: a list or `all`,
    /// with `users`; never both, and `users` only with `databases`.
    @Test(arguments: [
        ("  database: shop", "shop", nil as MariaDBDatabases?, false),
        ("  databases: all\n  users: true", "", MariaDBDatabases.all, true),
        ("  databases: [shop, crm]", "", MariaDBDatabases.named(["shop", "crm"]), false),
    ])
    func mariadbDatabasesLoad(source: String, database: String, databases: MariaDBDatabases?, users: Bool) throws {
        let f = try PolicyFixture(policy: Self.policy(kind: "mariadb", source: source))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        guard case .mariadb(let s) = p.source else {
            Issue.record("not mariadb: \(p.source)")
            return
        }
        #expect(s.database == database && s.databases == databases && s.users == users)
    }

    @Test(arguments: [
        ("  database: shop\n  databases: all", 4, "name either database or databases, not both"),
        ("  databases: some", 4, "source.databases: 'some' is not one of all"),
        ("  databases: []", 4, "source.databases must be all or a list of distinct database names"),
        ("  databases: [a, a]", 4, "source.databases must be all or a list of distinct database names"),
        ("  database: shop\n  users: true", 5, "source.users goes with source.databases"),
        ("  socket: /s", 4, "database is required"),
    ])
    func mariadbDatabasesRefused(source: String, at: Int, message: String) throws {
        let (e, f) = try Self.refusal(Self.policy(kind: "mariadb", source: source))
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):\(at):"), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
    }
}
