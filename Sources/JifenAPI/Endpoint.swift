public import Foundation
public import JifenApp
public import JifenCore

/// The HTTP API's contract, written once and shared by `jifen serve` (which serves it) and the
/// CLI's `--server` client (which calls it): each endpoint is one operation of `JifenApp` with
/// its method, path and input. The server decodes the input from the path, the query and the
/// JSON body; the client encodes it the same way. No rule lives here: the operation applies them.
public enum HTTPVerb: String, Sendable { case get = "GET", post = "POST" }

/// How a path or query parameter's text becomes the input's value.
public enum ParamType: String, Sendable { case string, integer, boolean }

/// The JSON convention of the API, as of the CLI's `--json`: snake_case keys, sorted.
public enum APIJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The largest whole number the API takes, 2^53 − 1: the JSON numbers every client reads exactly.
    public static let maxInteger: Int64 = 9_007_199_254_740_991

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

/// One operation on the API.
public struct Endpoint<Input: Codable & Sendable, Output: Codable & Sendable>: Sendable {
    public let verb: HTTPVerb
    /// The path template, `{name}` for a parameter named as the input's (snake_case) field.
    public let path: String
    public let operationID: String
    public let summary: String
    /// May be called without a credential (only `enrol`).
    public let anonymous: Bool
    /// May be called with a resident's credential (her own requests, profile and sign-in); every
    /// other endpoint refuses one (`ActingCredential.requireResidentMay`).
    public let residents: Bool
    /// Parameters that are not text (path and query values arrive as text).
    public let types: [String: ParamType]
    /// An input with every field set: the OpenAPI document's schema and example come from it.
    public let sample: Input
    public let call: @Sendable (JifenApp, Principal, Input) throws -> Output
    /// The input's field names, found once from the sample (requests check against them).
    public let fieldNames: Set<String>

    public init(
        _ verb: HTTPVerb, _ path: String, _ operationID: String, _ summary: String, anonymous: Bool = false,
        residents: Bool = false,
        types: [String: ParamType] = [:], sample: Input,
        call: @escaping @Sendable (JifenApp, Principal, Input) throws -> Output
    ) {
        self.verb = verb; self.path = path; self.operationID = operationID; self.summary = summary;
        self.anonymous = anonymous
        self.residents = residents
        self.types = types; self.sample = sample
        // Every call acts with its credential's role bound (`ActingCredential`), so the core's
        // "is the actor an admin / an organizer" is limited by it for the API and the pages alike,
        // and a resident's credential reaches only the endpoints marked for residents.
        self.call = { app, principal, input in
            try ActingCredential.$role.withValue(principal.role) {
                try ActingCredential.requireResidentMay(residents)
                return try call(app, principal, input)
            }
        }
        fieldNames = Set(
            ((try? JSONSerialization.jsonObject(with: APIJSON.encoder().encode(sample))) as? [String: Any] ?? [:]).keys)
    }

    /// Whether the input carries the ledger's own idempotency key (a `key` field).
    public var takesKey: Bool { fieldNames.contains("key") }

    /// The answer carries a secret shown once (a credential's token or code, a pay code, a
    /// webhook's signing secret): it is never kept, so such a write is not replayed by its key (a second one issues
    /// another secret, and moves no point).
    public var answersWithSecret: Bool {
        Output.self == JifenApp.IssuedCredential.self || Output.self == JifenApp.WebhookWithSecret.self
            || Output.self == JifenApp.IssuedCode.self
    }

    /// What makes two requests the same request under one idempotency key: the operation and
    /// its input as decoded (so neither key order nor spacing matters), hashed.
    public func fingerprint(_ input: Input) throws -> String {
        CredentialSecret.sha256(
            operationID + "|" + String(decoding: try APIJSON.encoder().encode(input), as: UTF8.self))
    }

    /// Whether `perform` keeps the answer with the write under `key` (`JifenApp.once`): then the
    /// answer is encoded inside the write's transaction.
    func keepsAnswer(key: String?) -> Bool { key != nil && verb == .post && !takesKey && !answersWithSecret }

    /// Calls the operation. A write given `key` whose input takes no ledger key runs once per key
    /// (`JifenApp.once`: kept in the store, so a retry, concurrent or after a restart, gets the
    /// first answer); one that takes the ledger's key is keyed by the ledger itself (the caller
    /// puts the key in the input).
    /// - Returns: the output (as JSON, the API's convention) and whether it is a replay.
    public func perform(
        _ app: JifenApp, _ principal: Principal, _ input: Input, key: String?
    ) throws -> (json: Data, replayed: Bool) {
        guard let key, keepsAnswer(key: key) else {
            return (try APIJSON.encoder().encode(call(app, principal, input)), false)
        }
        return try performOnce(app, principal, input, key: key, fingerprint: try fingerprint(input))
    }

    /// `perform` with a key it keeps the answer under, its fingerprint hashed beforehand.
    func performOnce(
        _ app: JifenApp, _ principal: Principal, _ input: Input, key: String, fingerprint: String
    ) throws -> (json: Data, replayed: Bool) {
        let (answer, replayed) = try app.once(principal, operation: operationID, key: key, fingerprint: fingerprint) {
            String(decoding: try APIJSON.encoder().encode(call(app, principal, input)), as: UTF8.self)
        }
        return (Data(answer.utf8), replayed)
    }

    /// The names of the path's parameters, in order.
    public var pathParameters: [String] {
        path.split(separator: "/").compactMap { $0.hasPrefix("{") ? String($0.dropFirst().dropLast()) : nil }
    }

    /// The input's fields, as the API names them.
    public var fields: [String: Any] {
        (try? JSONSerialization.jsonObject(with: APIJSON.encoder().encode(sample))) as? [String: Any] ?? [:]
    }

    /// The fields the input cannot do without: the sample less that one field does not decode.
    public var requiredFields: Set<String> {
        let all = fields
        return Set(
            all.keys.filter { name in
                var rest = all
                rest.removeValue(forKey: name)
                guard let data = try? JSONSerialization.data(withJSONObject: withDefaults(rest)) else { return false }
                return (try? APIJSON.decoder().decode(Input.self, from: data)) == nil
            })
    }

    /// The input from a request's parts: path parameters, query items and the JSON body object.
    /// - Throws: usage `bad-json` naming what is wrong.
    public func input(path: [String: String], query: [String: String], body: Data?) throws -> Input {
        var object: [String: Any] = [:]
        if let body, !body.isEmpty {
            try checkWholeNumbers(body)
            guard let parsed = try? JSONSerialization.jsonObject(with: body), let dictionary = parsed as? [String: Any]
            else {
                throw Self.badJSON("the body is not a JSON object")
            }
            object = dictionary
        }
        for (name, text) in query.merging(path, uniquingKeysWith: { _, p in p }) {
            switch types[name] ?? .string {
            case .string: object[name] = text
            case .integer:
                guard let number = Int64(text), abs(number) <= APIJSON.maxInteger else {
                    throw Self.badJSON("\(name) must be a whole number within ±\(APIJSON.maxInteger), not \"\(text)\"")
                }
                object[name] = number
            case .boolean:
                guard let flag = ["true": true, "false": false, "1": true, "0": false][text.lowercased()] else {
                    throw Self.badJSON("\(name) must be true or false, not \"\(text)\"")
                }
                object[name] = flag
            }
        }
        for (name, value) in object where fieldNames.contains(name) { try Self.checkRange(value, name) }
        do {
            let data = try JSONSerialization.data(withJSONObject: withDefaults(object))
            return try APIJSON.decoder().decode(Input.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw Self.badJSON("\(Self.snake(key.stringValue)) is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw Self.badJSON(
                "\(context.codingPath.map { Self.snake($0.stringValue) }.joined(separator: ".")) has the wrong type")
        } catch let DecodingError.valueNotFound(_, context) {
            throw Self.badJSON(
                "\(context.codingPath.map { Self.snake($0.stringValue) }.joined(separator: ".")) must not be null")
        } catch let DecodingError.dataCorrupted(context) {
            throw Self.badJSON(
                "\(context.codingPath.map { Self.snake($0.stringValue) }.joined(separator: ".")) is not valid")
        }
    }

    /// A flag (a `boolean` parameter) that a request leaves out is false, as on the command line.
    func withDefaults(_ object: [String: Any]) -> [String: Any] {
        var object = object
        for (name, type) in types where type == .boolean && object[name] == nil { object[name] = false }
        return object
    }

    /// The request the client sends for `input`: the path filled in, the rest as query (GET) or body.
    public func request(for input: Input) throws -> (path: String, query: [URLQueryItem], body: Data?) {
        var object = (try JSONSerialization.jsonObject(with: APIJSON.encoder().encode(input))) as? [String: Any] ?? [:]
        var filled = path
        for name in pathParameters {
            let value = object.removeValue(forKey: name).map { "\($0)" } ?? ""
            filled = filled.replacingOccurrences(
                of: "{\(name)}",
                with: value.addingPercentEncoding(
                    withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? value)
        }
        if verb == .get {
            let items = object.sorted { $0.key < $1.key }.map { key, value -> URLQueryItem in
                if let flag = value as? Bool { return URLQueryItem(name: key, value: flag ? "true" : "false") }
                return URLQueryItem(name: key, value: "\(value)")
            }
            return (filled, items, nil)
        }
        return (
            filled, [],
            object.isEmpty ? nil : try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        )
    }

    /// Refuses a number beyond ±(2^53 − 1), anywhere in the value: JSON numbers are exact only
    /// that far (I-JSON, RFC 7493), and no count, amount or id of the ledger comes near it, so
    /// arithmetic on what a request gives cannot overflow.
    static func checkRange(_ value: Any, _ name: String) throws {
        switch value {
        case let number as NSNumber where !(value is Bool):
            guard number.doubleValue.magnitude <= Double(APIJSON.maxInteger) else {
                throw badJSON("\(name) is out of range: numbers are within ±\(APIJSON.maxInteger)")
            }
        case let list as [Any]: for item in list { try checkRange(item, name) }
        case let object as [String: Any]: for (key, item) in object { try checkRange(item, "\(name).\(key)") }
        default: break
        }
    }

    /// Refuses a number written with a fraction or an exponent anywhere in the body: every number
    /// the API takes (points, minutes, stars, ids) is a whole number, and a parsed
    /// `0.999999999999999999999` would become 1 when decoded, so the text itself is checked.
    func checkWholeNumbers(_ body: Data) throws {
        let bytes = [UInt8](body)
        var (index, inString, escaped) = (0, false, false)
        var text: [UInt8] = [], lastString = ""
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inString {
                if escaped {
                    escaped = false; text.append(byte)
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false; lastString = String(decoding: text, as: UTF8.self)
                } else {
                    text.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                text = []
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let start = index - 1
                while index < bytes.count, "0123456789+-.eE".utf8.contains(bytes[index]) { index += 1 }
                let token = bytes[start..<index]
                if token.contains(where: { [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains($0) }) {
                    let name = fieldNames.contains(lastString) ? lastString : "a number"
                    throw Self.badJSON(
                        "\(name) must be a whole number such as 1, not \(String(decoding: token.prefix(40), as: UTF8.self))"
                            + " (points, minutes and ids are integers; a fraction is refused, not rounded)")
                }
            }
        }
    }

    static func badJSON(_ detail: String) -> JifenError {
        .usage(
            .badJSON, zh: "请求内容不对：\(detail)。见 /openapi.json。",
            en: "The request is not what this route takes: \(detail). See /openapi.json.")
    }

    static func snake(_ name: String) -> String {
        name.reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }
}

/// An error with what the caller needs to act on it (an import's problems, row by row): the
/// error body carries `detail`.
public struct DetailedError: Error, Sendable {
    public var error: JifenError
    public var detail: Data
    public init(error: JifenError, detail: Data) { self.error = error; self.detail = detail }
}

/// An endpoint with its types erased, as the server's routing and the OpenAPI document see it.
public struct AnyEndpoint: Sendable {
    public let verb: HTTPVerb
    public let path: String
    public let operationID: String
    public let summary: String
    public let anonymous: Bool
    public let types: [String: ParamType]
    public let pathParameters: [String]
    /// The input's fields with a sample value each (their JSON types make the schema).
    public let fields: @Sendable () -> [String: Any]
    /// The fields a request must give (the others are optional).
    public let requiredFields: @Sendable () -> Set<String>
    /// The JSON Schema of the result (nil: the document says only object or array).
    public let resultSchema: @Sendable () -> [String: Any]?
    /// Decodes the input, calls the operation (once per `key`, `Endpoint.perform`), and encodes its
    /// result as JSON; `replayed` when it is the first answer to the key again.
    public let handle:
        @Sendable (
            JifenApp, Principal, _ path: [String: String], _ query: [String: String], _ body: Data?,
            _ key: String?
        ) throws -> (json: Data, replayed: Bool)

    public init<I, O>(_ endpoint: Endpoint<I, O>) {
        verb = endpoint.verb; path = endpoint.path; operationID = endpoint.operationID; summary = endpoint.summary
        anonymous = endpoint.anonymous; types = endpoint.types; pathParameters = endpoint.pathParameters
        fields = { endpoint.fields }
        requiredFields = { endpoint.requiredFields }
        resultSchema = { SchemaProbe.schema(of: O.self) }
        listResult = String(describing: O.self).hasPrefix("Array<")
        takesKey = endpoint.takesKey
        handle = { app, principal, path, query, body, key in
            let input = try endpoint.input(path: path, query: query, body: body)
            do {
                return try endpoint.perform(app, principal, input, key: key)
            } catch let refusal as JifenApp.ImportRejected {
                throw DetailedError(error: refusal.error, detail: try APIJSON.encoder().encode(refusal.outcome))
            }
        }
        prepare = { app, principal, path, query, body, key in
            let input = try endpoint.input(path: path, query: query, body: body)
            if let key, endpoint.keepsAnswer(key: key) {
                let fingerprint = try endpoint.fingerprint(input)
                return PreparedCall(
                    run: {
                        PreparedCall.Answer(
                            try endpoint.performOnce(app, principal, input, key: key, fingerprint: fingerprint))
                    },
                    render: { ($0 as! PreparedCall.Answer).value })
            }
            return PreparedCall(
                run: { try endpoint.call(app, principal, input) },
                render: { output in (try APIJSON.encoder().encode(output as! O), false) })
        }
    }

    /// `handle` in three steps, for a write that runs on the group commit's writer: `prepare`
    /// decodes and checks the input (and hashes an idempotency key's fingerprint) before, the
    /// returned call's `run` calls the operation on the writer (its SQL and commit), and `render`
    /// encodes the result as JSON after. Only an answer kept under a key (`Endpoint.perform`) is
    /// encoded inside `run`: it is stored with the write.
    public let prepare:
        @Sendable (
            JifenApp, Principal, _ path: [String: String], _ query: [String: String], _ body: Data?,
            _ key: String?
        ) throws -> PreparedCall

    /// The result is a list (a JSON array).
    public let listResult: Bool

    /// The input has a `key` field: the ledger keeps the Idempotency-Key itself.
    public let takesKey: Bool

    /// Whether the operation writes (every POST does).
    public var writes: Bool { verb == .post }
}

/// One request's operation with its input decoded (`AnyEndpoint.prepare`): `run` calls it (on the
/// writer, for a write in a group commit), `render` turns what it returned into the JSON answer.
/// An import's refusal thrown by `run` becomes a `DetailedError` in `render`'s caller (`failure`).
public struct PreparedCall: Sendable {
    /// An answer already encoded (kept with the write under its key).
    public struct Answer: Sendable {
        public let value: (json: Data, replayed: Bool)
        init(_ value: (json: Data, replayed: Bool)) { self.value = value }
    }
    public let run: @Sendable () throws -> any Sendable
    public let render: @Sendable (any Sendable) throws -> (json: Data, replayed: Bool)

    /// The error `run` threw, as the API answers it: an import's refusal carries its outcome.
    public static func failure(_ error: any Error) -> any Error {
        guard let refusal = error as? JifenApp.ImportRejected else { return error }
        guard let detail = try? APIJSON.encoder().encode(refusal.outcome) else { return refusal.error }
        return DetailedError(error: refusal.error, detail: detail)
    }
}
