/// The names of the databases drills create: `lifeboat_drill_` and ten random lowercase letters or
/// digits. A drill drops only a database whose name has this shape and that it created itself, so a
/// scratch server's other databases are never touched.
package enum ScratchDatabaseName {
    package static let prefix = "lifeboat_drill_"
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// A fresh name; `random` picks an index below its argument (a test passes a fixed one).
    package static func make(random: (Int) -> Int = { Int.random(in: 0..<$0) }) -> String {
        prefix + String((0..<10).map { _ in alphabet[random(alphabet.count) % alphabet.count] })
    }

    /// Whether `name` is one a drill could have made: only such a name is ever dropped, and it needs no quoting.
    package static func isDrillDatabase(_ name: String) -> Bool {
        guard name.hasPrefix(prefix) else { return false }
        let rest = name.dropFirst(prefix.count)
        return rest.count == 10 && rest.allSatisfy { alphabet.contains($0) }
    }
}
