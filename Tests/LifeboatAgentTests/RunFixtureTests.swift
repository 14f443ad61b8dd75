import Foundation
import LifeboatAgent
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatCrypto
import LifeboatTestSupport
import Logging

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date
    init(_ start: Date) { value = start }
    var now: Date {
        get {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        set {
            lock.lock()
            value = newValue
            lock.unlock()
        }
    }
    func advance(_ seconds: TimeInterval) { now = now.addingTimeInterval(seconds) }
}

/// A host in a folder for the scheduling, compliance, retention and metrics tests: a config, policies
/// written from YAML, a catalog (in memory unless asked) filled through the Catalog API, a local
/// destination holding fake objects, and a clock the test moves. No keys: nothing here encrypts.
final class RunFixture {
    let dir: TemporaryDirectory
    let clock: TestClock
    let catalog: Catalog
    let host = "h1"
    var nas: String { dir.file("nas") }
    var nas2: String { dir.file("nas2") }

    /// How an inserted backup ended.
    enum Outcome { case complete, degraded, pending, failedToSpool, failedToShip, running }

    /// `policies`: name -> the YAML lines after `name:` (objectives, schedule, retention...).
    init(
        policies: [String: String], metrics: Bool = false, heartbeat: String? = nil, onDisk: Bool = false,
        start: Date = Date(timeIntervalSince1970: 1_735_000_000)
    ) throws {
        dir = try TemporaryDirectory(prefix: "run")
        clock = TestClock(start)
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.file("policies"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir.file("nas"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir.file("nas2"), withIntermediateDirectories: true)
        var config = "host: \(host)\npolicies: policies\ncatalog: state/catalog.sqlite\nspool: state/spool\n"
        if metrics { config += "metrics_textfile: state/lifeboat.prom\n" }
        if let heartbeat { config += "heartbeat_url: \(heartbeat)\n" }
        try config.write(toFile: dir.file("lifeboat.yaml"), atomically: true, encoding: .utf8)
        try OpenPGPKeygen.generate(name: "ops", email: nil, passphrase: nil, algorithm: .curve25519).publicArmored
            .write(toFile: dir.file("ops.pub.asc"), atomically: true, encoding: .utf8)
        for (name, body) in policies {
            let yaml = """
                name: \(name)
                kind: files
                source: { paths: [/nonexistent] }
                encryption: { recipients: [../ops.pub.asc] }
                destinations:
                  - { name: nas, type: local, path: ../nas }
                  - { name: nas2, type: local, path: ../nas2 }
                \(body)
                """
            try yaml.write(toFile: dir.file("policies/\(name).yaml"), atomically: true, encoding: .utf8)
        }
        catalog = onDisk ? try Catalog(path: dir.file("state/catalog.sqlite")) : try Catalog()
    }

    var configuration: Configuration {
        get throws { try Configuration.load(file: dir.file("lifeboat.yaml")) }
    }

    func context() throws -> AgentContext {
        let clock = self.clock
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return AgentContext(configuration: try configuration, catalog: catalog, logger: logger, now: { clock.now })
    }

    func policy(_ name: String) throws -> Policy {
        guard let p = try configuration.policies.first(where: { $0.name == name }) else {
            throw LifeboatError.failed("no policy \(name)")
        }
        return p
    }

    /// Records a backup that started at `started` with the given outcome, and (for shipped copies) puts
    /// a fake chunk and manifest at the local destination. Returns its id.
    @discardableResult
    func insert(policy: String, started: Date, status: Outcome, objects: Bool = true) throws -> BackupID {
        let id = BackupID(date: started)
        try catalog.beginBackup(
            id: id, policy: policy, host: host, kind: "files", payload: "tar", started: started,
            recipients: [String(repeating: "a", count: 40)], destinations: ["nas", "nas2"])
        if status == .failedToSpool {
            try catalog.failBackup(id: id, error: "source went away", at: started.addingTimeInterval(5))
            return id
        }
        if status == .running { return id }
        // The size and sha256 of "abc", the chunk the tests put in the spool and at the destinations.
        let chunk = Manifest.Chunk(
            name: "data.000000", size: 3,
            sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        try catalog.sealBackup(
            id: id, chunks: [chunk], bytesIn: 1000, bytesOut: 400, lockWindowMs: 250,
            finished: started.addingTimeInterval(60))
        let at = started.addingTimeInterval(61)
        switch status {
        case .complete:
            try catalog.recordCopy(id: id, destination: "nas", shipped: true, error: nil, at: at)
            try catalog.recordCopy(id: id, destination: "nas2", shipped: true, error: nil, at: at)
        case .degraded:
            try catalog.recordCopy(id: id, destination: "nas", shipped: true, error: nil, at: at)
            try catalog.recordCopy(id: id, destination: "nas2", shipped: false, error: "nas2 down", at: at)
        case .failedToShip:
            try catalog.recordCopy(id: id, destination: "nas", shipped: false, error: "nas down", at: at)
            try catalog.recordCopy(id: id, destination: "nas2", shipped: false, error: "nas2 down", at: at)
        default:
            break
        }
        if objects && (status == .complete || status == .degraded) {
            for root in status == .complete ? [nas, nas2] : [nas] {
                let d = "\(root)/\(host)/\(policy)/\(id)"
                try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
                try "abc".write(toFile: "\(d)/data.000000", atomically: false, encoding: .utf8)
                try "{}".write(toFile: "\(d)/manifest.json", atomically: false, encoding: .utf8)
            }
        }
        return id
    }

    /// The object keys at a local destination (the first by default), relative to its root.
    func objects(_ root: String? = nil) -> Set<String> {
        guard let e = FileManager.default.enumerator(atPath: root ?? nas) else { return [] }
        var out = Set<String>()
        while let rel = e.nextObject() as? String {
            if e.fileAttributes?[.type] as? FileAttributeType == .typeRegular { out.insert(rel) }
        }
        return out
    }
}

/// 2024-... style UTC dates for readable tests.
func utc(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0) -> Date {
    var c = Calendar(identifier: .gregorian)
    c.timeZone = .gmt
    return c.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: mi)) ?? .distantPast
}
