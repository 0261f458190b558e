public import Foundation

/// The OpenAPI 3.1 document of the API, made from the endpoint list (`API.all`), so it
/// describes exactly what is served: a test compares the two.
public enum OpenAPIDocument {
    /// The statuses an error may have, with the error body: every status of `ErrorStatus`.
    public static var errorStatuses: [String] { ErrorStatus.all.map(String.init) }

    /// What the server takes as an Idempotency-Key: 1 to 200 visible ASCII characters (no
    /// spaces or controls, which it refuses with 400).
    public static var idempotencyKey: [String: Any] {
        ["type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"]
    }

    public static func document(_ endpoints: [AnyEndpoint] = API.all, version: String = "1.0.0") -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for endpoint in endpoints {
            var operation: [String: Any] = ["operationId": endpoint.operationID, "summary": endpoint.summary]
            let fields = endpoint.fields()
            let required = endpoint.requiredFields()
            // The sample's values are the examples: they name the demo community's first volunteer,
            // activity, merchant and offer, so a client (or a fuzzer) trying them reaches real data.
            var parameters: [[String: Any]] = endpoint.pathParameters.map {
                [
                    "name": $0, "in": "path", "required": true,
                    "schema": schema(type: endpoint.types[$0] ?? .string, sample: fields[$0]),
                    "example": fields[$0] ?? "",
                ]
            }
            let rest = fields.filter { !endpoint.pathParameters.contains($0.key) }
            if endpoint.verb == .get {
                parameters += rest.keys.sorted().map { name in
                    [
                        "name": name, "in": "query", "required": required.contains(name),
                        "schema": schema(type: endpoint.types[name], sample: rest[name]), "example": rest[name] ?? "",
                    ]
                }
            } else if !rest.isEmpty {
                var body: [String: Any] = [
                    "type": "object", "properties": rest.mapValues { schema(type: nil, sample: $0) }, "example": rest,
                ]
                let needed = required.subtracting(endpoint.pathParameters).sorted()
                if !needed.isEmpty { body["required"] = needed }
                // An operation whose fields are all optional takes no body at all, as `{}`.
                operation["requestBody"] = [
                    "required": !needed.isEmpty, "content": ["application/json": ["schema": body]],
                ]
            }
            if endpoint.writes {
                parameters.append([
                    "name": "Idempotency-Key", "in": "header", "required": false,
                    "description":
                        "Same key and body: the first answer again; another body: 409. Visible ASCII, e.g. a UUID.",
                    "schema": idempotencyKey,
                ])
            }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            let result = endpoint.resultSchema() ?? (endpoint.listResult ? ["type": "array"] : ["type": "object"])
            var responses: [String: Any] = [
                "200": ["description": "OK", "content": ["application/json": ["schema": result]]]
            ]
            for status in errorStatuses { responses[status] = ["$ref": "#/components/responses/Error"] }
            operation["responses"] = responses
            if endpoint.anonymous { operation["security"] = [[String: Any]]() }
            paths[endpoint.path, default: [:]][endpoint.verb.rawValue.lowercased()] = operation
        }
        let plain: [String: Any] = [
            "200": ["description": "OK", "content": ["application/json": ["schema": ["type": "object"]]]],
            "503": ["$ref": "#/components/responses/Error"],
        ]
        paths["/health"] = [
            "get": [
                "operationId": "health", "summary": "The process answers", "security": [[String: Any]](),
                "responses": plain,
            ]
        ]
        paths["/ready"] = [
            "get": [
                "operationId": "ready", "summary": "The store answers", "security": [[String: Any]](),
                "responses": plain,
            ]
        ]
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Jifen 积分 API", "version": version,
                "description":
                    "The volunteer points ledger. Sign in with a bearer credential (jifen credential issue, or an enrolment code at /v1/enrolments).",
            ],
            "paths": paths,
            "security": [["bearer": [String]()]],
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "responses": [
                    "Error": [
                        "description": "An error, with its typed code (README: Error codes)",
                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
                    ]
                ],
                "schemas": [
                    "Error": [
                        "type": "object", "required": ["error", "code", "message"],
                        "properties": [
                            "error": ["type": "string", "enum": ["usage", "refused", "fault", "busy"]],
                            "code": ["type": "string"], "message": ["type": "string"],
                            "zh": ["type": "string"], "en": ["type": "string"],
                        ],
                    ]
                ],
            ],
        ]
    }

    public static func json(_ endpoints: [AnyEndpoint] = API.all) -> Data {
        (try? JSONSerialization.data(
            withJSONObject: document(endpoints), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
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

// MARK: Response schemas

/// A JSON Schema being written down by `SchemaProbe`.
final class SchemaNode {
    var type: String?
    var properties: [String: SchemaNode] = [:]
    var required: Set<String> = []
    var items: SchemaNode?

    var json: [String: Any] {
        guard let type else { return [:] }
        var schema: [String: Any] = ["type": type]
        switch type {
        case "object":
            if !properties.isEmpty { schema["properties"] = properties.mapValues(\.json) }
            if !required.isEmpty { schema["required"] = required.sorted() }
        case "array":
            if let items { schema["items"] = items.json }
        case "integer":
            schema["format"] = "int64"
        default:
            break
        }
        return schema
    }
}

/// The JSON Schema of what a result type encodes to under `APIJSON`, found from its (synthesized)
/// `Decodable` side: the probe decodes the type, answering every question with a placeholder and
/// writing down what was asked. A key asked with `decode` is required, with `decodeIfPresent`
/// optional (the encoder leaves a nil out); objects stay open to fields added later.
struct SchemaProbe: Decoder {
    let node: SchemaNode
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The schema of `type`'s JSON; nil when the probe cannot make one (then the document says less).
    static func schema<T: Decodable>(of type: T.Type) -> [String: Any]? {
        let node = SchemaNode()
        guard (try? value(type, node: node, depth: 0)) != nil, node.type != nil else { return nil }
        return node.json
    }

    /// A placeholder of type `T`, its schema written into `node`.
    static func value<T: Decodable>(_ type: T.Type, node: SchemaNode, depth: Int) throws -> T {
        func scalar(_ name: String, _ value: Any) -> T? {
            node.type = name
            return value as? T
        }
        switch type {
        case is String.Type: if let v = scalar("string", "a") { return v }
        case is Bool.Type: if let v = scalar("boolean", false) { return v }
        case is Double.Type: if let v = scalar("number", Double(0)) { return v }
        case is Float.Type: if let v = scalar("number", Float(0)) { return v }
        case is Int.Type: if let v = scalar("integer", Int(0)) { return v }
        case is Int8.Type: if let v = scalar("integer", Int8(0)) { return v }
        case is Int16.Type: if let v = scalar("integer", Int16(0)) { return v }
        case is Int32.Type: if let v = scalar("integer", Int32(0)) { return v }
        case is Int64.Type: if let v = scalar("integer", Int64(0)) { return v }
        case is UInt.Type: if let v = scalar("integer", UInt(0)) { return v }
        case is UInt8.Type: if let v = scalar("integer", UInt8(0)) { return v }
        case is UInt16.Type: if let v = scalar("integer", UInt16(0)) { return v }
        case is UInt32.Type: if let v = scalar("integer", UInt32(0)) { return v }
        case is UInt64.Type: if let v = scalar("integer", UInt64(0)) { return v }
        default: break
        }
        guard depth < 16 else { throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "too deep")) }
        do {
            return try T(from: SchemaProbe(node: node, depth: depth + 1))
        } catch {
            // An enum with String raw values refuses the placeholder text: take its first case.
            guard node.type == "string", T.self is any RawRepresentable.Type else { throw error }
            if let all = T.self as? any CaseIterable.Type, let first = Self.firstCase(all) as? T { return first }
            // Not CaseIterable: a payload-free enum is its case's index in at most one byte, and
            // index 0 is its first case.
            guard MemoryLayout<T>.size <= 1, MemoryLayout<T>.alignment == 1 else { throw error }
            return withUnsafeBytes(of: UInt8(0)) { $0.load(as: T.self) }
        }
    }

    static func firstCase<C: CaseIterable>(_ type: C.Type) -> Any? { type.allCases.first }

    /// A key as the API's encoder writes it (snake_case), asked of the encoder itself.
    static func apiName(_ key: String) -> String {
        struct Name: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        struct One: Encodable {
            let key: String
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Name.self)
                try container.encode(0, forKey: Name(stringValue: key))
            }
        }
        guard let data = try? APIJSON.encoder().encode(One(key: key)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let name = object.keys.first
        else { return key }
        return name
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        node.type = "object"
        return KeyedDecodingContainer(KeyedProbe<Key>(node: node, depth: depth))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        node.type = "array"
        return UnkeyedProbe(node: node, depth: depth)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleProbe(node: node, depth: depth) }
}

struct KeyedProbe<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: SchemaNode
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }
    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func child(_ key: Key, required: Bool) -> SchemaNode {
        let name = SchemaProbe.apiName(key.stringValue)
        let child = node.properties[name] ?? SchemaNode()
        node.properties[name] = child
        if required { node.required.insert(name) }
        return child
    }

    func field<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) throws -> T {
        try SchemaProbe.value(type, node: child(key, required: required), depth: depth)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try field(type, key, required: true) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try field(type, key, required: false)
    }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try field(type, key, required: true) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try field(type, key, required: false) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try field(type, key, required: true) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try field(type, key, required: false)
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try field(type, key, required: true) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try field(type, key, required: false)
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try field(type, key, required: true) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try field(type, key, required: false) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try field(type, key, required: true) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try field(type, key, required: false) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try field(type, key, required: true) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try field(type, key, required: false) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try field(type, key, required: true) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try field(type, key, required: false) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try field(type, key, required: true) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try field(type, key, required: false) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try field(type, key, required: true) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try field(type, key, required: false) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try field(type, key, required: true) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try field(type, key, required: false) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try field(type, key, required: true) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try field(type, key, required: false) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try field(type, key, required: true) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try field(type, key, required: false)
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try field(type, key, required: true) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try field(type, key, required: false)
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try field(type, key, required: true) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try field(type, key, required: false)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try SchemaProbe(node: child(key, required: true), depth: depth).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try SchemaProbe(node: child(key, required: true), depth: depth).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { SchemaProbe(node: node, depth: depth) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        SchemaProbe(node: child(key, required: true), depth: depth)
    }
}

/// A list of one element, whose schema is the items'.
struct UnkeyedProbe: UnkeyedDecodingContainer {
    let node: SchemaNode
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(node: SchemaNode, depth: Int) { self.node = node; self.depth = depth }

    mutating func item() -> SchemaNode {
        currentIndex += 1
        let items = node.items ?? SchemaNode()
        node.items = items
        return items
    }
    mutating func next<T: Decodable>(_ type: T.Type) throws -> T {
        try SchemaProbe.value(type, node: item(), depth: depth)
    }
    mutating func decodeNil() throws -> Bool { false }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try SchemaProbe(node: item(), depth: depth).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try SchemaProbe(node: item(), depth: depth).unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder { SchemaProbe(node: item(), depth: depth) }
}

struct SingleProbe: SingleValueDecodingContainer {
    let node: SchemaNode
    let depth: Int
    var codingPath: [any CodingKey] { [] }
    /// A value that asks whether it is null first may be of any type (a person's export cell:
    /// null, a number or text): answering yes leaves its schema open, rather than the first type it tries.
    func decodeNil() -> Bool { true }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: Bool.Type) throws -> Bool { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: String.Type) throws -> String { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: Double.Type) throws -> Double { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: Float.Type) throws -> Float { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: Int.Type) throws -> Int { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: Int8.Type) throws -> Int8 { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: Int16.Type) throws -> Int16 { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: Int32.Type) throws -> Int32 { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: Int64.Type) throws -> Int64 { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: UInt.Type) throws -> UInt { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try SchemaProbe.value(type, node: node, depth: depth) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try SchemaProbe.value(type, node: node, depth: depth) }
}
