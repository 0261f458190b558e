import Foundation

/// The OpenAPI 3.1 document of the API, made from the endpoint list (`API.all`), so it
/// describes exactly what is served: a test compares the two.
public enum OpenAPIDocument {
    /// The statuses an error may have, with the error body.
    public static let errorStatuses = ["400", "401", "403", "404", "409", "413", "422", "429", "503"]

    /// What the server takes as an Idempotency-Key: 1 to 200 visible ASCII characters (no
    /// spaces or controls, which it refuses with 400).
    public static var idempotencyKey: [String: Any] { ["type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"] }

    public static func document(_ endpoints: [AnyEndpoint] = API.all, version: String = "1.0.0") -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for endpoint in endpoints {
            var operation: [String: Any] = ["operationId": endpoint.operationID, "summary": endpoint.summary]
            let fields = endpoint.fields()
            let required = endpoint.requiredFields()
            // The sample's values are the examples: they name the demo community's first volunteer,
            // activity, merchant and offer, so a client (or a fuzzer) trying them reaches real data.
            var parameters: [[String: Any]] = endpoint.pathParameters.map {
                ["name": $0, "in": "path", "required": true, "schema": schema(type: endpoint.types[$0] ?? .string, sample: fields[$0]),
                 "example": fields[$0] ?? ""]
            }
            let rest = fields.filter { !endpoint.pathParameters.contains($0.key) }
            if endpoint.verb == .get {
                parameters += rest.keys.sorted().map { name in
                    ["name": name, "in": "query", "required": required.contains(name),
                     "schema": schema(type: endpoint.types[name], sample: rest[name]), "example": rest[name] ?? ""]
                }
            } else if !rest.isEmpty {
                var body: [String: Any] = ["type": "object", "properties": rest.mapValues { schema(type: nil, sample: $0) }, "example": rest]
                let needed = required.subtracting(endpoint.pathParameters).sorted()
                if !needed.isEmpty { body["required"] = needed }
                // An operation whose fields are all optional takes no body at all, as `{}`.
                operation["requestBody"] = ["required": !needed.isEmpty, "content": ["application/json": ["schema": body]]]
            }
            if endpoint.writes {
                parameters.append(["name": "Idempotency-Key", "in": "header", "required": false,
                                   "description": "Same key and body: the first answer again; another body: 409. Visible ASCII, e.g. a UUID.",
                                   "schema": idempotencyKey])
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            var responses: [String: Any] = ["200": ["description": "OK", "content": ["application/json": ["schema": endpoint.listResult
                ? ["type": "array"] : ["type": "object"]]]]]
            for status in errorStatuses { responses[status] = ["$ref": "#/components/responses/Error"] }
            operation["responses"] = responses
            if endpoint.anonymous { operation["security"] = [[String: Any]]() }
            paths[endpoint.path, default: [:]][endpoint.verb.rawValue.lowercased()] = operation
        }
        let plain: [String: Any] = ["200": ["description": "OK", "content": ["application/json": ["schema": ["type": "object"]]]],
                                    "503": ["$ref": "#/components/responses/Error"]]
        paths["/health"] = ["get": ["operationId": "health", "summary": "The process answers", "security": [[String: Any]](), "responses": plain]]
        paths["/ready"] = ["get": ["operationId": "ready", "summary": "The store answers", "security": [[String: Any]](), "responses": plain]]
        return [
            "openapi": "3.1.0",
            "info": ["title": "Jifen 积分 API", "version": version,
                     "description": "The volunteer points ledger. Sign in with a bearer credential (jifen credential issue, or an enrolment code at /v1/enrolments)."],
            "paths": paths,
            "security": [["bearer": [String]()]],
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "responses": ["Error": ["description": "An error, with its typed code (README: Error codes)",
                                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]]],
                "schemas": ["Error": [
                    "type": "object", "required": ["error", "code", "message"],
                    "properties": ["error": ["type": "string", "enum": ["usage", "refused", "fault", "busy"]],
                                   "code": ["type": "string"], "message": ["type": "string"],
                                   "zh": ["type": "string"], "en": ["type": "string"]],
                ]],
            ],
        ]
    }

    public static func json(_ endpoints: [AnyEndpoint] = API.all) -> Data {
        (try? JSONSerialization.data(withJSONObject: document(endpoints), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// A whole number as the API takes it (`APIJSON.maxInteger`).
    static var integer: [String: Any] {
        ["type": "integer", "format": "int64", "minimum": -APIJSON.maxInteger, "maximum": APIJSON.maxInteger]
    }

    static func schema(type declared: ParamType?, sample: Any?) -> [String: Any] {
        switch declared {
        case .integer: return integer
        case .boolean: return ["type": "boolean"]
        case .string: return ["type": "string"]
        case nil: break
        }
        let kind = sample.map { "\(type(of: $0))" } ?? ""
        if kind.contains("Bool") { return ["type": "boolean"] }
        switch sample {
        case is NSNumber, is Int, is Int64: return integer
        case is [Any]: return ["type": "array", "items": ["type": "string"]]
        default: return ["type": "string"]
        }
    }
}
