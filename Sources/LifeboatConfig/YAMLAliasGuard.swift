import CYaml
import Foundation
import LifeboatCore

/// Reads a YAML text's events once, before Yams builds nodes from it, and refuses what would make
/// that cost more than the text's size: a mapping key that is not a plain value (Yams hashes every key
/// of a mapping, so an alias to a nested list as a key costs as much as its expansion, exponential in
/// the number of aliases: a few hundred bytes hang the reader), and aliases that expand to more than
/// `maximumNodes` nodes in all ("billion laughs").
enum YAMLAliasGuard {
    static let maximumNodes = 100_000

    private struct Frame {
        let anchor: String?
        let isMapping: Bool
        var nodes = 1
        var children = 0
    }

    static func check(_ text: String, file: String) throws {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var anchors: [String: (nodes: Int, scalar: Bool)] = [:]
            var stack: [Frame] = []
            var documents = 0
            while true {
                var event = yaml_event_t()
                // A syntax error is left for Yams to report with its own words.
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                // A node that just ended (or an alias), with its expanded size, goes to its parent.
                var finished: (nodes: Int, scalar: Bool)?
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    finished = (1, true)
                    if let anchor = name(event.data.scalar.anchor) { anchors[anchor] = (1, true) }
                case YAML_ALIAS_EVENT:
                    finished = name(event.data.alias.anchor).flatMap { anchors[$0] } ?? (1, true)
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let isMapping = event.type == YAML_MAPPING_START_EVENT
                    let anchor = name(isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)
                    if let parent = stack.last, parent.isMapping, parent.children % 2 == 0 {
                        throw LifeboatError.badInput(
                            file, line: line, "invalid YAML: a key must be a plain value, not a list or mapping")
                    }
                    stack.append(Frame(anchor: anchor, isMapping: isMapping))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = stack.popLast() else { return }
                    finished = (frame.nodes, false)
                    if let anchor = frame.anchor { anchors[anchor] = (frame.nodes, false) }
                default:
                    break
                }
                guard let node = finished else { continue }
                // Each count stays under the limit before an addition, so none can overflow.
                let count: Int
                if let index = stack.indices.last {
                    if stack[index].isMapping, stack[index].children % 2 == 0, !node.scalar {
                        throw LifeboatError.badInput(
                            file, line: line,
                            "invalid YAML: a key must be a plain value, not an alias to a list or mapping")
                    }
                    stack[index].children += 1
                    stack[index].nodes += node.nodes
                    count = stack[index].nodes
                } else {
                    documents += node.nodes
                    count = documents
                }
                guard count <= maximumNodes else {
                    throw LifeboatError.badInput(
                        file, line: line, "invalid YAML: aliases expand it to more than \(maximumNodes) values")
                }
            }
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
