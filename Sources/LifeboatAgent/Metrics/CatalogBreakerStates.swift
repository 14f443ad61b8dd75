import LifeboatCatalog
import LifeboatConfig

/// The circuit breakers' states as the catalog keeps them, for the metrics textfile.
struct CatalogBreakerStates: BreakerStateProvider {
    let policies: [Policy]
    let rows: [String: BreakerRow]

    init(_ ctx: AgentContext) {
        policies = ctx.configuration.policies
        rows = (try? ctx.catalog.breakers()) ?? [:]
    }

    func state(policy: String, destination: String) -> (name: String, value: Int) {
        guard let spec = policies.first(where: { $0.name == policy })?.destinations.first(where: { $0.name == destination }),
            let row = rows[DestinationFactory.breakerKey(spec)]
        else { return ("closed", 0) }
        switch row.phase {
        case "open": return ("open", 2)
        case "half-open": return ("half-open", 1)
        default: return ("closed", 0)
        }
    }
}
