import Foundation
import LifeboatCatalog
import LifeboatCore
import LifeboatCrypto
import LifeboatStorage
import Testing

@testable import LifeboatAgent

/// Each complete backup leaves a signed `latest.json` at every destination holding it, naming the
/// newest backup with its payload digest and objectives; a reader takes it only when its signature and
/// every field check out.
@Suite(.serialized) struct LatestIndexTests {
    func destination(_ f: AgentFixture, _ name: String) -> LocalDestination {
        LocalDestination(name: name, root: f.dir.file(name))
    }

    func expectation(_ f: AgentFixture, host: String = "h1") -> LatestIndexReader.Expectation {
        .init(host: host, policy: "tree", now: f.clock)
    }

    func manifest(_ f: AgentFixture, _ d: String, _ id: BackupID) throws -> Manifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: f.objectDirectory(d, id) + "/manifest.json"))
        return try JSONDecoder().decode(Manifest.self, from: data)
    }

    @Test func aCompleteBackupPublishesItsSignedIndexEverywhere() async throws {
        let f = try AgentFixture()
        let id = try await f.backUp()
        let own = try f.context().signingKey()
        for d in ["first", "second"] {
            let signed = try await SignedLatestIndex.fetch(
                from: destination(f, d), expecting: expectation(f), signers: [own.verifyingKey])
            let m = try manifest(f, d, id)
            #expect(signed.index.id == id.rawValue)
            #expect(signed.signer == own.fingerprint)
            #expect(signed.index.started == m.started && signed.index.finished == m.finished)
            #expect(signed.index.payloadSHA256 == m.payloadSHA256 && m.payloadSHA256 != nil)
            #expect(signed.index.payloadSize == m.bytesIn && m.payloadSize == m.bytesIn)
            #expect(signed.index.objectives == m.objectives)
            let o = try #require(m.objectives)
            #expect(o.rpo == 86400 && o.rto == nil && o.priority == "medium" && o.schedule == 43200)
            #expect(o.drill == 30 * 86400)
        }
    }

    @Test func anOlderBackupNeverReplacesANewerIndex() async throws {
        let f = try AgentFixture()
        let older = try await f.backUp()
        try f.writeTree(version: 2)
        let newer = try await f.backUp()
        let ctx = try f.context()
        let policy = try #require(ctx.configuration.policies.first)
        let record = try #require(try ctx.catalog.backup(id: older))
        await LatestIndexWriter(ctx: ctx, destination: Shipper(ctx: ctx).shippingDestination)
            .publish(record, policy: policy)
        let own = try ctx.signingKey().verifyingKey
        let signed = try await SignedLatestIndex.fetch(
            from: destination(f, "first"), expecting: expectation(f), signers: [own])
        #expect(signed.index.id == newer.rawValue)
    }

    @Test func aFailedIndexWriteLeavesTheBackupComplete() async throws {
        let f = try AgentFixture()
        // A folder where the signature object should go: the write fails at `first` only.
        try FileManager.default.createDirectory(
            atPath: f.dir.file("first/h1/tree/latest.json.sig/x"), withIntermediateDirectories: true)
        let id = try await f.backUp()
        #expect(!FileManager.default.fileExists(atPath: f.dir.file("first/h1/tree/latest.json")))
        let own = try f.context().signingKey().verifyingKey
        let signed = try await SignedLatestIndex.fetch(
            from: destination(f, "second"), expecting: expectation(f), signers: [own])
        #expect(signed.index.id == id.rawValue)
        #expect(try f.context().catalog.backup(id: id)?.status == .complete)
    }

    @Test func forgedUnsignedAndForeignIndexesAreRefused() async throws {
        let f = try AgentFixture()
        _ = try await f.backUp()
        let own = try f.context().signingKey()
        let folder = f.dir.file("first/h1/tree/")
        let original = try Data(contentsOf: URL(fileURLWithPath: folder + "latest.json"))
        func refusal(host: String = "h1", signers: [OpenPGPVerifyingKey]? = nil) async -> String? {
            do {
                _ = try await SignedLatestIndex.fetch(
                    from: destination(f, "first"), expecting: expectation(f, host: host),
                    signers: signers ?? [own.verifyingKey])
                return nil
            } catch let e as SignedLatestIndex.Refusal {
                return e.reason
            } catch {
                return "\(error)"
            }
        }

        // Forged: one field changed after signing.
        let text = String(decoding: original, as: UTF8.self)
        let forged = text.replacingOccurrences(of: "\"priority\" : \"medium\"", with: "\"priority\" : \"high\"")
        #expect(forged != text)
        try forged.write(toFile: folder + "latest.json", atomically: true, encoding: .utf8)
        #expect(await refusal()?.contains("latest.json.sig") == true)

        // Signed by a key nobody trusts.
        let (stranger, _) = try OpenPGPSigningKey.generate(userID: "lifeboat host h1", now: f.clock)
        try Data(try stranger.sign(Array(forged.utf8), now: f.clock))
            .write(to: URL(fileURLWithPath: folder + "latest.json.sig"))
        #expect(await refusal() != nil)

        // Signed by another trusted host's key, claiming to be h1's state.
        let (other, _) = try OpenPGPSigningKey.generate(userID: "lifeboat host h2", now: f.clock)
        let claimed = forged.replacingOccurrences(of: own.fingerprint, with: other.fingerprint)
        try claimed.write(toFile: folder + "latest.json", atomically: true, encoding: .utf8)
        try Data(try other.sign(Array(claimed.utf8), now: f.clock))
            .write(to: URL(fileURLWithPath: folder + "latest.json.sig"))
        // Trusted signers come from files, which carry the user id naming each key's host.
        let otherFile = f.dir.file("h2.signing.pub.asc")
        try other.publicArmored.write(toFile: otherFile, atomically: true, encoding: .utf8)
        let otherKey = try OpenPGPVerifyingKey.load(contentsOf: otherFile, now: f.clock)
        #expect(otherKey.userIDs == ["lifeboat host h2"])
        let foreign = await refusal(signers: [own.verifyingKey, otherKey])
        #expect(foreign?.contains("another host's key") == true, "\(String(describing: foreign))")

        // Unsigned.
        try original.write(to: URL(fileURLWithPath: folder + "latest.json"))
        try FileManager.default.removeItem(atPath: folder + "latest.json.sig")
        #expect(await refusal()?.contains("not signed") == true)

        // h1's own signed index, planted under h2.
        let twin = f.dir.file("first/h2/tree/")
        try FileManager.default.createDirectory(atPath: twin, withIntermediateDirectories: true)
        try original.write(to: URL(fileURLWithPath: twin + "latest.json"))
        try Data(try own.sign([UInt8](original), now: f.clock))
            .write(to: URL(fileURLWithPath: twin + "latest.json.sig"))
        let wrongHost = await refusal(host: "h2")
        #expect(wrongHost?.contains("names host 'h1', expected h2") == true, "\(String(describing: wrongHost))")
    }
}
