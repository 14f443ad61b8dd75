import ArgumentParser
import LifeboatCore

extension Lifeboat {
    /// `lifeboat version`: the release and the formats this binary writes and reads.
    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "version", abstract: "Print the version and the formats this binary writes.")

        func run() throws {
            print("lifeboat \(LifeboatVersion.current)")
            print("manifest format \(Manifest.currentFormat), latest.json format \(LatestIndex.currentFormat)")
        }
    }
}
