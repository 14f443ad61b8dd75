import LifeboatCatalog
import LifeboatConfig

/// The circuit breakers' states as the catalog keeps them, for the metrics textfile.
struct CatalogBreakerStates: BreakerStateProvider {
    /// policy -> destination name -> breaker key.
    let keys: [String: [String: String]]
    let rows: [String: BreakerRow]

    init(_ ctx: AgentContext) {
        var keys: [String: [String: String]] = [:]
        for p in ctx.configuration.policies {
            var byName: [String: String] = [:]
            for d in p.destinations { byName[d.name] = DestinationFactory.breakerKey(d) }
            keys[p.name] = byName
        }
        self.keys = keys
        rows = (try? ctx.catalog.breakers()) ?? [:]
    }

    func state(policy: String, destination: String) -> (name: String, value: Int) {
        guard let key = keys[policy]?[destination], let row = rows[key] else { return ("closed", 0) }
        switch row.phase {
        case "open": return ("open", 2)
        case "half-open": return ("half-open", 1)
        default: return ("closed", 0)
        }
    }
}
