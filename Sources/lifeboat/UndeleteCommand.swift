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

        func run() async throws {
            try await Failure.guarded {
                let ctx = try global.context()
                let was = try UndeleteUseCase(ctx).run(id: id)
                print(was == .live ? "\(id) was live; now pinned" : "\(id) \(was.rawValue) -> live (pinned)")
            }
        }
    }
}
