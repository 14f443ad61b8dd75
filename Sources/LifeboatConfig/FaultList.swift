import LifeboatCore

/// The faults found in one config or policy file. Reading a file through one lets every independent
/// part of it be checked, so `config check` lists every fault at once, each with its line, while a
/// plain load still fails with the first of them (by line).
final class FaultList {
    private var found: [LifeboatError] = []
    private var seen: Set<String> = []

    var isEmpty: Bool { found.isEmpty }

    /// Every fault, in the order the reader found them: a plain load fails with the first, as it
    /// did before it read on.
    var faults: [LifeboatError] { found }

    /// Faults in the order of their lines, as `config check` lists them (those without a line last).
    static func byLine(_ faults: [LifeboatError]) -> [LifeboatError] {
        faults.enumerated().sorted { a, b in
            let (la, lb) = (a.element.line ?? Int.max, b.element.line ?? Int.max)
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }

    /// Runs one part of the file that can be checked on its own; its fault is recorded, nil returned.
    @discardableResult
    func attempt<T>(_ part: () throws -> T) -> T? {
        do {
            return try part()
        } catch {
            record(error)
            return nil
        }
    }

    /// Records a fault once: a key reported by two readers (as unknown, say) is listed once.
    func record(_ error: Error) {
        let e = error as? LifeboatError ?? LifeboatError(.badInput, String(describing: error))
        guard seen.insert(e.description).inserted else { return }
        found.append(e)
    }
}
