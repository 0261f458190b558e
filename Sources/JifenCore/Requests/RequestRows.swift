import Foundation

/// Residents, service requests and their history, read inside a transaction. The rules are in
/// `RequestMachine` and `Requests`.
public protocol RequestRowReading {
    func resident(_ id: String) throws -> Resident?
    /// Residents (of one community, or all), by id.
    func residents(community: String?) throws -> [Resident]
    /// A request. - Parameter forUpdate: lock its row until the transaction ends (a
    /// read-modify-write), where the store runs writers at once.
    func serviceRequest(_ id: String, forUpdate: Bool) throws -> ServiceRequest?
    /// Requests in these states (all when nil), by id.
    func serviceRequests(states: [RequestState]?) throws -> [ServiceRequest]
    /// A request's history, oldest first.
    func requestSteps(request id: String) throws -> [RequestStep]
}

/// Residents, service requests and their history, written inside a write transaction.
public protocol RequestRowWriting: RequestRowReading {
    func insert(resident: Resident, actor: String, nowMillis: Int64) throws
    func insert(request: ServiceRequest) throws
    /// Stores every field of the request (its id stays).
    func update(request: ServiceRequest) throws
    func insert(requestStep: RequestStep) throws
}
