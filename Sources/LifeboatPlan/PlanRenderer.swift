import Mustache

/// Prints a plan as Markdown or as one self-contained HTML page, from the templates in this module:
/// the plan's text reaches the output only through the templates' escaping `{{ }}` tags (HTML entities,
/// or Markdown backslashes), except command lines inside code blocks, which are printed as they are.
package enum PlanRenderer {
    package static func render(_ plan: RecoveryPlan, as format: PlanFormat) throws(PlanRenderError) -> String {
        let template = try parsed(format)
        return template.render(PlanView(plan))
    }

    static func parsed(_ format: PlanFormat) throws(PlanRenderError) -> MustacheTemplate {
        let text: String
        switch format {
        case .markdown:
            _ = MarkdownText.registered
            text = MarkdownPlanTemplate.text
        case .html:
            text = HTMLPlanTemplate.text
        }
        do {
            return try MustacheTemplate(string: text)
        } catch {
            throw PlanRenderError(template: format.rawValue, reason: String(describing: error))
        }
    }
}
