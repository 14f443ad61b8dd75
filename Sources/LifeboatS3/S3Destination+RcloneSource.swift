import LifeboatStorage

extension S3Destination: RcloneReadable {
    /// The bucket as rclone's S3 backend sees it: the same endpoint, region, addressing style and keys,
    /// rooted at the bucket and this destination's prefix. nil for an endpoint with a path of its own,
    /// which rclone's S3 backend does not take.
    package var rcloneSource: RcloneSource? {
        guard basePath.isEmpty else { return nil }
        let c = signer.credentials
        var settings = [
            "provider=Other", "env_auth=false",
            "access_key_id=" + RcloneSource.quoted(c.accessKeyID),
            "secret_access_key=" + RcloneSource.quoted(c.secretAccessKey),
            "endpoint=" + RcloneSource.quoted(self.settings.endpoint),
            "region=" + RcloneSource.quoted(self.settings.region),
            "force_path_style=" + (self.settings.virtualHosted ? "false" : "true"),
        ]
        if let token = c.sessionToken { settings.append("session_token=" + RcloneSource.quoted(token)) }
        var root = self.settings.bucket + "/" + self.settings.prefix
        while root.hasSuffix("/") { root.removeLast() }
        return RcloneSource(
            fs: ":s3," + settings.joined(separator: ",") + ":" + root, config: nil,
            label: "s3 bucket \(self.settings.bucket)")
    }
}
