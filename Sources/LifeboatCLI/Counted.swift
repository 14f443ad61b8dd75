/// "1 chunk", "2 chunks": a count with its noun, for the lines people read.
package enum Counted {
    package static func text(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }
}
