import LifeboatCore

/// Reads a policy's `source:` mapping: only the keys that belong to its kind are accepted.
enum SourceParser {
    static func parse(_ v: YAMLValue, kind: Policy.Kind, resolve: (String) -> String) throws -> SourceSpec {
        let f = try v.fields("source")
        var s = SourceSpec()
        switch kind {
        case .files:
            let p = try f.required("paths")
            s.paths = try p.stringList("source.paths").map(resolve)
            guard !s.paths.isEmpty else { throw p.error("source.paths must name at least one path") }
            if let e = f.optional("exclude") { s.exclude = try e.stringList("source.exclude") }
        case .sqlite:
            s.database = resolve(try f.required("database").nonEmptyString("source.database"))
        case .postgres:
            let dsnValue = try f.required("dsn")
            s.dsn = try dsnValue.nonEmptyString("source.dsn")
            if PostgresDSN.hasPassword(s.dsn ?? "") {
                throw dsnValue.error("source.dsn holds a password, which pg_dump's command line would show to every user; put it in a file named by source.password_file (mode 0600)")
            }
            if let p = f.optional("password_file") { s.passwordFile = resolve(try p.nonEmptyString("source.password_file")) }
        case .mariadb:
            if let x = f.optional("host") { s.host = try x.nonEmptyString("source.host") }
            if let x = f.optional("port") { s.port = try x.int("source.port", in: 1...65535) }
            if let x = f.optional("socket") { s.socket = resolve(try x.nonEmptyString("source.socket")) }
            if let x = f.optional("user") { s.user = try x.nonEmptyString("source.user") }
            s.database = try f.required("database").nonEmptyString("source.database")
            if let p = f.optional("password_file") { s.passwordFile = resolve(try p.nonEmptyString("source.password_file")) }
        case .command:
            let c = try f.required("command")
            s.command = try c.stringList("source.command")
            guard let first = s.command.first, !first.isEmpty else { throw c.error("source.command must name a program") }
        }
        if let snap = f.optional("snapshot") { s.snapshot = try parseSnapshot(snap, resolve: resolve) }
        try f.finish()
        return s
    }

    static let providers = ["btrfs", "lvm", "zfs", "command"]

    static func parseSnapshot(_ v: YAMLValue, resolve: (String) -> String) throws -> SnapshotSpec {
        let f = try v.fields("source.snapshot")
        let provider = try f.required("provider").oneOf("source.snapshot.provider", providers)
        var spec = SnapshotSpec(provider: provider, volume: nil, lock: true, maxLock: DurationValue(seconds: 2))
        if let x = f.optional("volume") { spec.volume = resolve(try x.nonEmptyString("source.snapshot.volume")) }
        if let x = f.optional("lock") { spec.lock = try x.bool("source.snapshot.lock") }
        if let x = f.optional("max_lock") { spec.maxLock = try x.duration("source.snapshot.max_lock", most: DurationValue(seconds: 3600)) }
        if let x = f.optional("create") { spec.create = try x.stringList("source.snapshot.create") }
        if let x = f.optional("delete") { spec.delete = try x.stringList("source.snapshot.delete") }
        if let x = f.optional("size") { spec.size = try x.nonEmptyString("source.snapshot.size") }
        if provider == "command", spec.create.isEmpty || spec.delete.isEmpty {
            throw v.error("source.snapshot: provider command needs both create and delete commands")
        }
        if provider != "command", spec.volume == nil {
            throw v.error("source.snapshot.volume is required for provider \(provider)")
        }
        try f.finish()
        return spec
    }
}
