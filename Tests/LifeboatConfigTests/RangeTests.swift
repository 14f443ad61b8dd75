import Foundation
import LifeboatConfig
import LifeboatCore
import Testing

/// Every number in a policy or the agent config is range-checked where it is read: a value out of
/// range is refused with the file, the line and the range (exit 65), before it can overflow a clock,
/// a sleep or a timer downstream (`timeout: 1e300s` once crashed the process).
@Suite struct RangeTests {
    /// A policy whose one destination is S3 with the given extra line (at line 9 of the file).
    static func s3Policy(_ line: String) -> String {
        """
        name: x
        kind: files
        source: { paths: [/a] }
        objectives: { rpo: 1d }
        encryption: { recipients: [k] }
        destinations:
          - name: off
            type: s3
            \(line)
            endpoint: http://127.0.0.1:9
            bucket: b
        """
    }

    @Test(arguments: [
        ("timeout: 1e300s", "timeout: '1e300s' is out of range (from 1ms to 1d)"),
        ("timeout: 0s", "timeout: '0s' is out of range"),
        ("connect_timeout: 2h", "connect_timeout: '2h' is out of range (from 1ms to 1h)"),
        ("retry: { base: 1e300s }", "retry.base: '1e300s' is out of range (from 0s to 1h)"),
        ("retry: { base: -1s }", "retry.base: '-1s' is out of range"),
        ("retry: { cap: 1e10m }", "retry.cap: '1e10m' is out of range"),
        ("retry: { max_elapsed: 8d }", "is not a duration"),
        ("retry: { max_elapsed: 200h }", "retry.max_elapsed: '200h' is out of range (from 0s to 1w)"),
        ("breaker: { cool_down: infs }", "breaker.cool_down: 'infs' is out of range"),
        ("part_size: 6GiB", "part_size: '6GiB' is out of range (from 5MiB to 5GiB)"),
        ("part_size: 1MiB", "part_size: '1MiB' is out of range (from 5MiB to 5GiB)"),
        (
            "multipart_threshold: 99999999999999999999GiB",
            "multipart_threshold: '99999999999999999999GiB' is out of range"
        ),
    ])
    func refusesOutOfRangeDestinationNumbers(line: String, message: String) throws {
        let f = try PolicyFixture(policy: Self.s3Policy(line))
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix("\(f.policyPath):9:"), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
    }

    @Test(arguments: [
        ("objectives: { rpo: 36526d }", "objectives.rpo: '36526d' is out of range (from 1s to 36525d)"),
        ("objectives: { rpo: 99999999999999999999w }", "objectives.rpo: '99999999999999999999w' is out of range"),
        ("objectives: { rpo: 0s }", "objectives.rpo: '0s' is out of range"),
        ("objectives: { rpo: 1d }\nschedule: every 9999999999s", "schedule: 'every 9999999999s' is out of range"),
        (
            "objectives: { rpo: 1d }\nretention: { deleted_grace: 5300w }",
            "retention.deleted_grace: '5300w' is out of range"
        ),
        ("objectives: { rpo: 1d }\nchunk_size: 9999PiB", "chunk_size"),
    ])
    func refusesOutOfRangePolicyNumbers(lines: String, message: String) throws {
        let text =
            "name: x\nkind: files\nsource: { paths: [/a] }\nencryption: { recipients: [k] }\n"
            + "destinations: [{ name: a, type: local, path: /x }]\n" + lines + "\n"
        let f = try PolicyFixture(policy: text)
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(e.message.hasPrefix(f.policyPath + ":"), "\(e.message)")
        #expect(e.message.contains(message), "\(e.message)")
    }

    @Test func refusesASnapshotLockLongerThanAnHour() throws {
        let text = """
            name: x
            kind: files
            source: { paths: [/a], snapshot: { provider: btrfs, volume: /v, max_lock: 2h } }
            objectives: { rpo: 1d }
            encryption: { recipients: [k] }
            destinations: [{ name: a, type: local, path: /x }]
            """
        let f = try PolicyFixture(policy: text)
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.message.contains("max_lock: '2h' is out of range (from 1s to 1h)"), "\(e.message)")
    }

    @Test func refusesASpoolLimitBeyondAPebibyte() throws {
        let f = try PolicyFixture(config: "spool_max: 2PiB\n")
        let e = try #require(throws: LifeboatError.self) { try Configuration.load(file: f.configPath) }
        #expect(e.exitCode == 65)
        #expect(
            e.message.contains("lifeboat.yaml:1: spool_max: '2PiB' is out of range (from 1B to 1PiB)"), "\(e.message)")
    }

    @Test func acceptsTheBoundsThemselves() throws {
        let f = try PolicyFixture(
            policy: Self.s3Policy("timeout: 24h").replacingOccurrences(
                of: "rpo: 1d", with: "rpo: 36525d"))
        let p = try #require(try Configuration.load(file: f.configPath).policies.first)
        #expect(p.destinations.first?.idleTimeout == 86_400)
        #expect(p.objectives.rpo == DurationValue.maximum)
    }
}
