import ArgumentParser
import LifeboatAgent
import LifeboatCLI

extension Lifeboat {
    /// `lifeboat undelete ID`: bring a deleted or soft-deleted backup back to live.
    struct Undelete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "undelete",
            abstract: "Bring a deleted or soft-deleted backup back to live (and keep it from later prunes).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The backup id.") var id: RequestedBackup
        @Flag(help: "Remove the pin instead: retention decides about the backup again.") var unpin = false
        @Flag(help: "Print one JSON object: id, action, was, now, pinned.") var json = false

        func run() async throws {
            try await Failure.guarded(json: json) {
                let ctx = try global.context()
                if unpin {
                    let was = try UndeleteUseCase(ctx).unpin(id: id)
                    if json { return print(try JSONText.encode(CatalogChangeJSON.unpin(id: "\(id)", wasPinned: was))) }
                    print(was ? "\(id) unpinned: retention decides about it again" : "\(id) was not pinned")
                    return
                }
                let was = try UndeleteUseCase(ctx).run(id: id)
                if json {
                    return print(try JSONText.encode(CatalogChangeJSON.undelete(id: "\(id)", was: was.rawValue)))
                }
                print(was == .live ? "\(id) was live; now pinned" : "\(id) \(was.rawValue) -> live (pinned)")
            }
        }
    }
}
