import Foundation
import LifeboatCore
import LifeboatDigest
import LifeboatS3
import LifeboatStorage
import LifeboatTestSupport
import Testing

/// An S3 bucket described to rclone (`S3Destination.rcloneSource`): the settings and keys it carries,
/// quoted, and a real copy by rclone from a moto bucket with a prefix into an rclone destination.
@Suite(.serialized) struct S3RcloneSourceTests {
    @Test func theBucketCarriesItsEndpointRegionStyleAndQuotedKeys() throws {
        var settings = S3Settings(endpoint: "http://127.0.0.1:9", bucket: "b", region: "eu-west-3", prefix: "p/q/")
        let creds = S3Credentials(accessKeyID: "AK", secretAccessKey: "se'cr,et", sessionToken: "tok")
        let fs = try #require(try S3Destination(name: "s3", settings: settings, credentials: creds).rcloneSource).fs
        #expect(fs.hasPrefix(":s3,provider=Other,env_auth=false,"))
        #expect(fs.contains(",secret_access_key='se''cr,et',"))
        #expect(fs.contains(",endpoint='http://127.0.0.1:9',region='eu-west-3',force_path_style=true,"))
        #expect(fs.contains(",session_token='tok'"))
        #expect(fs.hasSuffix(":b/p/q"))
        settings.virtualHosted = true
        let vh = try #require(try S3Destination(name: "s3", settings: settings, credentials: creds).rcloneSource)
        #expect(vh.fs.contains("force_path_style=false"))
        #expect(!vh.label.contains("se'cr"))
        settings.endpoint = "http://127.0.0.1:9/under/a/path"
        #expect(try S3Destination(name: "s3", settings: settings, credentials: creds).rcloneSource == nil)
    }

    @Test func rcloneCopiesFromTheBucketItsPrefixIncluded() async throws {
        let moto = try MotoServer.shared()
        let s3 = try await moto.destination(prefix: "prod/")
        let bytes = (0..<(1 << 20) + 5).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await s3.put("h/p/20260101T000000Z-abcdef/data.000000", bytes: bytes)
        let dir = try TemporaryDirectory()
        let config = dir.file("rclone.conf")
        try "[disk]\ntype = local\n".write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let target = RcloneDestination(
            name: "disk", remote: "disk:" + dir.file("root"), config: config, binary: ScriptedServer.rcloneBinary())
        let landed = try await RcloneDaemon.withOwnDaemons {
            try await target.copyIn(
                from: try #require(s3.rcloneSource), key: "h/p/20260101T000000Z-abcdef/data.000000")
        }
        #expect(landed == .init(size: Int64(bytes.count), sha256: SHA256Hasher.digest(bytes).hexString))
    }
}
