import Foundation

/// Where and how to reach a bucket.
package struct S3Settings: Sendable {
    /// `http(s)://host[:port][/base]`.
    package var endpoint: String
    package var bucket: String
    package var region: String
    /// Put in front of every key (`prod/`).
    package var prefix: String
    /// `bucket.host` rather than `host/bucket`.
    package var virtualHosted: Bool
    /// Files larger than this go up in parts.
    package var multipartThreshold: Int64
    package var partSize: Int64
    /// Keys per ListObjectsV2 page (the server's default, 1000, when nil).
    package var listPageSize: Int?
    /// Every object written locked with this retention (`object_lock`); nil: written unlocked.
    package var objectLock: S3ObjectLock?

    package init(
        endpoint: String, bucket: String, region: String = "us-east-1", prefix: String = "",
        virtualHosted: Bool = false,
        multipartThreshold: Int64 = 64 << 20, partSize: Int64 = 16 << 20
    ) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
        self.prefix = prefix
        self.virtualHosted = virtualHosted
        self.multipartThreshold = multipartThreshold
        self.partSize = max(partSize, 5 << 20)
    }
}
