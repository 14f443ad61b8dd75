import Foundation
import LifeboatCore
import Yams

/// A YAML node with the file it came from, so every complaint names the file and line.
///
/// Reading a mapping through `Fields` records which keys were used; `finish()` refuses the rest,
/// because a typo in a backup policy must never pass silently.
struct YAMLValue {
    let node: Node
    let file: String
    /// Where faults beyond the first are recorded when the whole file is being checked.
    var faults: FaultList?

    init(node: Node, file: String, faults: FaultList? = nil) {
        self.node = node
        self.file = file
        self.faults = faults
    }

    /// The same node, its readers recording every fault they can in `faults`.
    func collecting(into faults: FaultList) -> YAMLValue { YAMLValue(node: node, file: file, faults: faults) }

    var line: Int? { node.mark?.line }

    func error(_ what: String) -> LifeboatError {
        LifeboatError.badInput(file, line: line, what)
    }

    static func load(file: String, displayName: String) throws -> YAMLValue {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw LifeboatError.badInput(displayName, "cannot read: \(Self.reason(error))")
        }
        try YAMLAliasGuard.check(text, file: displayName)
        do {
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
                throw LifeboatError.badInput(displayName, "is empty")
            }
            return YAMLValue(node: node, file: displayName)
        } catch let e as YamlError {
            throw Self.describe(e, file: displayName, text: text)
        }
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return ns.localizedDescription
    }

    private static func describe(_ e: YamlError, file: String, text: String) -> LifeboatError {
        switch e {
        case .duplicatedKeysInMapping(let duplicates, let context):
            // The line of the key's second appearance: the one to delete or rename.
            let key = duplicates.sorted().first ?? "?"
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let again = lines.indices.filter { i in
                let t = lines[i].drop(while: { $0 == " " || $0 == "-" })
                return t.hasPrefix(key + ":") || t.hasPrefix("\"\(key)\":") || t.hasPrefix("'\(key)':")
            }.dropFirst().first.map { $0 + 1 }
            return .badInput(file, line: again ?? context.mark.line, "key '\(key)' appears twice")
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .badInput(file, line: mark.line, "invalid YAML: \(problem)")
        case .reader(let problem, _, _, _):
            return .badInput(file, "invalid YAML: \(problem)")
        default:
            return .badInput(file, "invalid YAML")
        }
    }

    // MARK: scalars

    func string(_ name: String) throws -> String {
        guard case .scalar(let s) = node else { throw error("\(name) must be a text value") }
        return s.string
    }

    func nonEmptyString(_ name: String) throws -> String {
        let s = try string(name)
        guard !s.isEmpty else { throw error("\(name) must not be empty") }
        return s
    }

    func int(_ name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let v = Int(try string(name)), range.contains(v) else {
            throw error("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    func bool(_ name: String) throws -> Bool {
        switch try string(name).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("\(name) must be true or false")
        }
    }

    /// A duration from 1s to `most` (100 years unless the key has its own bound).
    func duration(_ name: String, most: DurationValue = .maximum) throws -> DurationValue {
        let s = try string(name)
        guard let d = DurationValue(parsing: s), d.seconds > 0 else {
            if Self.looksNumeric(s, units: Self.durationUnits) { throw outOfRange(name, s, "1s", most.description) }
            if let meant = Self.spelledOut(["every"] + s.split(separator: " ")) {
                throw error("\(name): '\(s)' is not a duration: write '\(meant.dropFirst("every ".count))'")
            }
            throw error("\(name): '\(s)' is not a duration (like 45s, 15m, 1h, 7d, 2w)")
        }
        guard d <= most else { throw outOfRange(name, s, "1s", most.description) }
        return d
    }

    /// A size from `least` to `most` bytes.
    func size(_ name: String, least: ByteSize = ByteSize(bytes: 1), most: ByteSize = .maximum) throws -> ByteSize {
        let s = try string(name)
        guard let b = ByteSize(parsing: s), b.bytes > 0 else {
            if Self.looksNumeric(s, units: Self.sizeUnits) {
                throw outOfRange(name, s, least.description, most.description)
            }
            throw error("\(name): '\(s)' is not a size (like 512KiB, 64MiB, 1GiB)")
        }
        guard b >= least, b <= most else { throw outOfRange(name, s, least.description, most.description) }
        return b
    }

    /// A rate such as `20MiB/s`: a size per second, within `least...most` bytes per second.
    func rate(_ name: String, least: ByteSize, most: ByteSize) throws -> ByteSize {
        let s = try string(name)
        let perSecond = s.hasSuffix("/s") ? String(s.dropLast(2)).trimmingCharacters(in: .whitespaces) : nil
        guard let perSecond, let b = ByteSize(parsing: perSecond), b.bytes > 0 else {
            throw error("\(name): '\(s)' is not a rate (like 512KiB/s, 20MiB/s, 1GiB/s)")
        }
        guard b >= least, b <= most else { throw outOfRange(name, s, "\(least)/s", "\(most)/s") }
        return b
    }

    func outOfRange(_ name: String, _ text: String, _ least: String, _ most: String) -> LifeboatError {
        error("\(name): '\(text)' is out of range (from \(least) to \(most))")
    }

    static let durationUnits: Set<String> = ["s", "m", "h", "d", "w"]
    static let sizeUnits: Set<String> = ["", "B", "KiB", "MiB", "GiB", "TiB", "PiB"]

    /// Digits followed by one of `units`, well formed but too large to hold (`99999999999999999999w`) or zero.
    static func looksNumeric(_ s: String, units: Set<String>) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        return !digits.isEmpty && units.contains(String(t.dropFirst(digits.count)))
    }

    func oneOf(_ name: String, _ allowed: [String]) throws -> String {
        let s = try string(name)
        guard allowed.contains(s) else {
            throw error("\(name): '\(s)' is not one of \(allowed.joined(separator: ", "))")
        }
        return s
    }

    func list(_ name: String) throws -> [YAMLValue] {
        guard case .sequence(let seq) = node else { throw error("\(name) must be a list") }
        return seq.map { YAMLValue(node: $0, file: file, faults: faults) }
    }

    func stringList(_ name: String) throws -> [String] {
        try list(name).map { try $0.string(name) }
    }

    /// The keys of a mapping; `top` marks the document's root, whose keys are not prefixed in messages.
    func fields(_ name: String, top: Bool = false) throws -> Fields {
        guard case .mapping(let m) = node else { throw error("\(name) must be a mapping of keys to values") }
        return try Fields(mapping: m, owner: self, name: top ? "" : name)
    }
}

/// The keys of one YAML mapping, read one by one; the ones never read are refused as unknown.
final class Fields {
    private var values: [String: YAMLValue] = [:]
    private var keyLines: [String: Int] = [:]
    private var order: [String] = []
    private var used: Set<String> = []
    let owner: YAMLValue
    let name: String

    init(mapping: Node.Mapping, owner: YAMLValue, name: String) throws {
        self.owner = owner
        self.name = name
        for (k, v) in mapping {
            let key = YAMLValue(node: k, file: owner.file)
            let keyName = try key.string("a key")
            if values[keyName] != nil { throw key.error("\(name): key '\(keyName)' appears twice") }
            values[keyName] = YAMLValue(node: v, file: owner.file, faults: owner.faults)
            keyLines[keyName] = key.line
            order.append(keyName)
        }
    }

    func optional(_ key: String) -> YAMLValue? {
        used.insert(key)
        guard let v = values[key] else { return nil }
        if case .scalar(let s) = v.node, s.string.isEmpty, s.style == .plain { return nil }
        return v
    }

    /// A missing key that looks like a misspelling of one present is reported as that unknown key
    /// (with a suggestion), which is the mistake the operator made.
    func required(_ key: String) throws -> YAMLValue {
        guard let v = optional(key) else {
            let unread = order.filter { !used.contains($0) }
            if let typo = unread.first(where: { NearMiss.suggest($0, among: [key]) != nil }) {
                used.insert(typo)  // reported here, as the misspelling it is: not again as unknown
                throw LifeboatError.badInput(
                    owner.file, line: keyLines[typo] ?? owner.line,
                    "unknown key '\(qualified(typo))' (did you mean '\(key)'?)")
            }
            throw owner.error("\(qualified(key)) is required")
        }
        return v
    }

    func qualified(_ key: String) -> String { name.isEmpty ? key : "\(name).\(key)" }

    /// Refuses any key that no reader asked for: the first is thrown, and when the whole file is being
    /// checked the others are recorded beside it.
    func finish() throws {
        let unknown = order.filter { !used.contains($0) }.map { key in
            let hint = NearMiss.suggest(key, among: used.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            return LifeboatError.badInput(
                owner.file, line: keyLines[key] ?? owner.line, "unknown key '\(qualified(key))'\(hint)")
        }
        guard let first = unknown.first else { return }
        for fault in unknown.dropFirst() { owner.faults?.record(fault) }
        throw first
    }
}
