/// Why a plan could not be rendered: a template that does not parse is a fault of this program, and
/// says which template it was.
package struct PlanRenderError: Error, Sendable, CustomStringConvertible {
    package let template: String
    package let reason: String

    package var description: String { "plan template \(template) does not parse: \(reason)" }
}
