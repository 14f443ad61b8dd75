import LifeboatCore

/// `version --json`: `version`, and the formats this binary writes (`manifest_format`,
/// `latest_format`), so fleet tooling can tell which hosts need an upgrade.
package struct VersionJSON: Encodable {
    let version: String
    let manifestFormat: Int
    let latestFormat: Int

    enum CodingKeys: String, CodingKey {
        case version
        case manifestFormat = "manifest_format"
        case latestFormat = "latest_format"
    }

    package init() {
        version = LifeboatVersion.current
        manifestFormat = Manifest.currentFormat
        latestFormat = LatestIndex.currentFormat
    }
}
