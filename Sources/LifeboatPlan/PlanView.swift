/// The plan reshaped for the templates: mustache reads stored properties only and has no way to ask
/// "is this list empty" once, so the flags, joined command blocks and code fences are computed here.
struct PlanView {
    /// One procedure with its command lines joined into blocks and the fence that keeps them whole.
    struct ProcedureView {
        let name: String
        let kind: String
        let lifeboat: String
        let stock: String
        let hasLifeboat: Bool
        let hasStock: Bool
        let notes: [String]
        let fence: String
    }

    let title: String
    let subject: String
    let generatedAt: String
    let services: [RecoveryPlan.Service]
    let resources: [RecoveryPlan.Resource]
    let procedures: [ProcedureView]
    let keys: [RecoveryPlan.Key]
    let custody: [String]
    let warnings: [String]
    let hasServices: Bool
    let hasKeys: Bool
    let hasWarnings: Bool

    init(_ plan: RecoveryPlan) {
        title = plan.title
        subject = plan.subject
        generatedAt = plan.generatedAt
        services = plan.services
        resources = plan.resources
        procedures = plan.procedures.map { p in
            ProcedureView(
                name: p.name, kind: p.kind, lifeboat: p.lifeboat.joined(separator: "\n"),
                stock: p.stock.joined(separator: "\n"), hasLifeboat: !p.lifeboat.isEmpty, hasStock: !p.stock.isEmpty,
                notes: p.notes, fence: MarkdownText.fence(for: p.lifeboat + p.stock))
        }
        keys = plan.keys
        custody = plan.custody
        warnings = plan.warnings
        hasServices = !plan.services.isEmpty
        hasKeys = !plan.keys.isEmpty
        hasWarnings = !plan.warnings.isEmpty
    }
}
