import Foundation
import LifeboatCatalog
import LifeboatConfig
import LifeboatCore
import LifeboatStorage
import LifeboatTestSupport
import Testing

@testable import LifeboatAgent

/// A local destination whose disk flips a byte of every chunk it stores: what a failing NAS does.
struct BitRotDestination: Destination {
    let base: LocalDestination
    var name: String { base.name }
    func put(_ key: String, fromFile path: String) async throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        if !bytes.isEmpty { bytes[bytes.count / 2] ^= 0x01 }
        try await base.put(key, bytes: bytes)
    }
    func put(_ key: String, bytes: [UInt8]) async throws { try await base.put(key, bytes: bytes) }
    func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws -> Int64 {
        try await base.read(key, offset: offset, consumer: consumer)
    }
    func size(_ key: String) async throws -> Int64? { try await base.size(key) }
    func list(prefix: String) async throws -> [String] { try await base.list(prefix: prefix) }
    func listFolders(prefix: String) async throws -> [String] { try await base.listFolders(prefix: prefix) }
    func remove(_ key: String) async throws { try await base.remove(key) }
}

/// A chunk is checked against the sha256 the catalog recorded when it was spooled, both before it
/// leaves the spool and, at a local destination, as it landed: a damaged copy fails that destination,
/// says which chunk, and never counts as shipped.
@Suite(.serialized) struct ChunkCheckTests {
    @Test func aChunkDamagedInTheSpoolIsNotShippedNorMarkedComplete() async throws {
        let f = try ShipTests().fixture()
        let id = try await ShipTests().backUpDegraded(f)
        let ctx = try f.context()
        let chunk = "\(ctx.agent.spool)/tree/\(id)/data.000001"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: chunk)))
        bytes[100] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: chunk))
        try FileManager.default.removeItem(atPath: f.dir.file("second"))

        let outcomes = try await ShipUseCase(ctx).shipPending()

        #expect(outcomes.map(\.status) == [.degraded])
        let record = try #require(try ctx.catalog.backup(id: id))
        let second = try #require(record.copies.first { $0.destination == "second" })
        #expect(second.status == .failed)
        #expect(second.error?.contains("data.000001 is damaged in the spool") == true, "\(second.error ?? "")")
        #expect(!(try ctx.catalog.shippedChunks(id: id, destination: "second")).contains(1))
        #expect(!FileManager.default.fileExists(atPath: f.objectDirectory("second", id) + "/data.000001"))
        #expect(!FileManager.default.fileExists(atPath: f.objectDirectory("second", id) + "/manifest.json"))
    }

    @Test func aLocalCopyThatLandedDamagedIsRemovedAndTheCopyFails() async throws {
        let f = try ShipTests().fixture()
        let id = try await ShipTests().backUpDegraded(f)
        try FileManager.default.removeItem(atPath: f.dir.file("second"))
        let ctx = try f.context()
        let policy = try #require(ctx.configuration.policies.first)
        let secondRoot = f.dir.file("second")
        let shipper = Shipper(ctx: ctx) { spec in
            spec.name == "second"
                ? BitRotDestination(base: LocalDestination(name: "second", root: secondRoot))
                : try DestinationFactory.makeBase(spec)
        }
        try await shipper.ship(id: id, policy: policy)

        let record = try #require(try ctx.catalog.backup(id: id))
        #expect(record.status == .degraded)
        let second = try #require(record.copies.first { $0.destination == "second" })
        #expect(second.error?.contains("is damaged as written") == true, "\(second.error ?? "")")
        #expect(try ctx.catalog.shippedChunks(id: id, destination: "second").isEmpty)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: f.objectDirectory("second", id))) ?? []
        #expect(!left.contains("manifest.json"))
        #expect(left.filter { $0.hasPrefix("data.") }.isEmpty, "\(left)")
    }
}
