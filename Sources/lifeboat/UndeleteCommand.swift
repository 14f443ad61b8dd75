import ArgumentParser
import LifeboatAgent

extension Lifeboat {
    /// `lifeboat undelete ID`: bring a deleted or soft-deleted backup back to live.
    struct Undelete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "undelete",
            abstract: "Bring a deleted or soft-deleted backup back to live (and keep it from later prunes).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The backup id.") var id: RequestedBackup
        @Flag(help: "Remove the pin instead: retention decides about the backup again.") var unpin = false

        func run() async throws {
            try await Failure.guarded {
                let ctx = try global.context()
                if unpin {
                    let was = try UndeleteUseCase(ctx).unpin(id: id)
                    print(was ? "\(id) unpinned: retention decides about it again" : "\(id) was not pinned")
                    return
                }
                let was = try UndeleteUseCase(ctx).run(id: id)
                print(was == .live ? "\(id) was live; now pinned" : "\(id) \(was.rawValue) -> live (pinned)")
            }
        }
    }
}
