import ArgumentParser
import LifeboatCLI
import LifeboatCore

extension Lifeboat {
    /// `lifeboat version`: the release and the formats this binary writes and reads.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "version", abstract: "Print the version and the formats this binary writes.")

        @Flag(help: "Print one JSON object: version, manifest_format, latest_format.") var json = false

        func run() throws {
            if json {
                do {
                    return print(try JSONText.encode(VersionJSON()))
                } catch {
                    throw Failure.exit(error, json: true)
                }
            }
            print("lifeboat \(LifeboatVersion.current)")
            print("manifest format \(Manifest.currentFormat), latest.json format \(LatestIndex.currentFormat)")
        }
    }
}
