/// The formats a plan is printed in: Markdown for a wiki or a terminal, HTML for a page to print and
/// keep in a safe.
package enum PlanFormat: String, Sendable, CaseIterable {
    case markdown
    case html
}
