import Foundation
import LifeboatCore

/// Reads a policy's `destinations:` list; names must be unique and each type has its required keys.
enum DestinationParser {
    static func parseList(_ v: YAMLValue, resolve: (String) -> String) throws -> [DestinationSpec] {
        let items = try v.list("destinations")
        guard !items.isEmpty else { throw v.error("destinations must name at least one destination") }
        var seen = Set<String>()
        var out: [DestinationSpec] = []
        for item in items {
            let d = try parse(item, resolve: resolve)
            guard seen.insert(d.name).inserted else { throw item.error("destination name '\(d.name)' appears twice") }
            out.append(d)
        }
        return out
    }

    static func parse(_ v: YAMLValue, resolve: (String) -> String) throws -> DestinationSpec {
        let f = try v.fields("destinations[]")
        let nameValue = try f.required("name")
        let name = try nameValue.nonEmptyString("destination name")
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw nameValue.error("destination name '\(name)' must use only letters, digits, - and _")
        }
        let type = DestinationSpec.Kind(rawValue: try f.required("type").oneOf("type", ["local", "s3"])) ?? .local
        var d = DestinationSpec(name: name, type: type)
        if let x = f.optional("failure_domain") { d.failureDomain = try x.string("failure_domain") }
        switch type {
        case .local:
            d.path = resolve(try f.required("path").nonEmptyString("path"))
        case .s3:
            let e = try f.required("endpoint")
            let endpoint = try e.nonEmptyString("endpoint")
            guard let url = URL(string: endpoint), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw e.error("endpoint '\(endpoint)' must be an http or https URL")
            }
            d.endpoint = endpoint
            d.bucket = try f.required("bucket").nonEmptyString("bucket")
            d.region = try f.optional("region")?.nonEmptyString("region") ?? "us-east-1"
            d.prefix = try f.optional("prefix")?.string("prefix")
            d.credentials = try f.optional("credentials").map { resolve(try $0.nonEmptyString("credentials")) }
            if let x = f.optional("virtual_hosted") { d.virtualHosted = try x.bool("virtual_hosted") }
        }
        try f.finish()
        return d
    }
}
