public import JifenApp
public import JifenCore

/// Residents and service requests (居民点单 · 派单 · 接单 · 评单).
extension API {
    public static let addResident = Endpoint<App.ResidentInput, Resident>(
        .post, "/v1/residents", "addResident", "Register a resident who may ask for help (an admin or organizer)",
        types: ["allow_duplicate": .boolean],
        sample: .init(
            name: "王秀英", phone: "13800000001", address: "幸福里3号楼2单元501", area: "幸福里3号楼", consent: false,
            allowDuplicate: false)
    ) { app, p, input in
        try app.addResident(p, input)
    }
    public static let residents = Endpoint<App.ResidentsQuery, [Resident]>(
        .get, "/v1/residents", "residents", "Residents, phone, ID and address masked", sample: .init(community: "C01")
    ) { app, p, q in
        try app.residents(p, q)
    }
    public static let resident = Endpoint<App.ResidentRef, Resident>(
        .get, "/v1/residents/{resident}", "resident", "One resident, masked", residents: true,
        sample: .init(resident: "R001")
    ) { app, p, input in
        try app.resident(p, input)
    }
    public static let requests = Endpoint<App.RequestListInput, [RequestView]>(
        .get, "/v1/requests", "requests", "Service requests the caller may see, nearest deadline first",
        residents: true,
        sample: .init(state: "pooled", team: "T01")
    ) { app, p, q in try app.requestList(p, q) }
    public static let postRequest = Endpoint<App.RequestPostInput, ServiceRequest>(
        .post, "/v1/requests", "postRequest", "A resident asks for help (点单), or the desk for them", residents: true,
        sample: .init(
            resident: "R001", content: "换水龙头", category: "repair", wanted: "2030-12-10 09:00",
            deadline: "2030-12-12 18:00", points: 0)
    ) { app, p, input in
        try app.postRequest(p, input)
    }
    public static let request = Endpoint<App.RequestRef, RequestView>(
        .get, "/v1/requests/{request}", "request", "One service request with its history", residents: true,
        sample: .init(request: "Q0001")
    ) { app, p, input in
        try app.requestShow(p, input)
    }
    public static let acceptRequest = Endpoint<App.RequestRef, ServiceRequest>(
        .post, "/v1/requests/{request}/acceptance", "acceptRequest", "The desk accepts a request",
        sample: .init(request: "Q0001")
    ) { app, p, input in
        try app.acceptRequest(p, input)
    }
    public static let rejectRequest = Endpoint<App.RequestReason, ServiceRequest>(
        .post, "/v1/requests/{request}/rejection", "rejectRequest", "The desk turns a request down, with a reason",
        sample: .init(request: "Q0001", reason: "不在服务范围")
    ) { app, p, input in try app.rejectRequest(p, input) }
    public static let dispatchRequest = Endpoint<App.RequestDispatchInput, ServiceRequest>(
        .post, "/v1/requests/{request}/dispatch", "dispatchRequest",
        "Send a request to a team or volunteer (派单), or to a team's pool",
        sample: .init(request: "Q0001", team: "T01", volunteer: nil, pool: true)
    ) { app, p, input in try app.dispatchRequest(p, input) }
    public static let claimRequest = Endpoint<App.RequestRef, ServiceRequest>(
        .post, "/v1/requests/{request}/claim", "claimRequest", "A volunteer takes a request (接单)",
        sample: .init(request: "Q0001")
    ) { app, p, input in
        try app.claimRequest(p, input)
    }
    public static let returnRequest = Endpoint<App.RequestReason, ServiceRequest>(
        .post, "/v1/requests/{request}/return", "returnRequest",
        "The volunteer gives a request back (退单), with a reason",
        sample: .init(request: "Q0002", reason: "临时有事")
    ) { app, p, input in try app.returnRequest(p, input) }
    public static let startRequest = Endpoint<App.RequestRef, ServiceRequest>(
        .post, "/v1/requests/{request}/start", "startRequest", "The volunteer starts serving",
        sample: .init(request: "Q0003")
    ) { app, p, input in
        try app.startRequest(p, input)
    }
    public static let finishRequest = Endpoint<App.RequestFinishInput, ServiceRequest>(
        .post, "/v1/requests/{request}/finish", "finishRequest", "The volunteer finishes, with the minutes served",
        sample: .init(request: "Q0003", minutes: 60)
    ) { app, p, input in try app.finishRequest(p, input) }
    public static let confirmRequest = Endpoint<App.RequestRef, ServiceRequest>(
        .post, "/v1/requests/{request}/confirmation", "confirmRequest",
        "The resident confirms: the service earns its points", residents: true,
        sample: .init(request: "Q0003")
    ) { app, p, input in try app.confirmRequest(p, input) }
    public static let rateRequest = Endpoint<App.RequestRateInput, ServiceRequest>(
        .post, "/v1/requests/{request}/rating", "rateRequest", "The resident rates a confirmed request 1-5",
        residents: true,
        sample: .init(request: "Q0003", stars: 5, comment: "很好")
    ) { app, p, input in try app.rateRequest(p, input) }
    public static let reopenRequest = Endpoint<App.RequestReason, ServiceRequest>(
        .post, "/v1/requests/{request}/reopening", "reopenRequest",
        "The resident reopens a confirmed request within the window (重办)", residents: true,
        sample: .init(request: "Q0003", reason: "还在漏水")
    ) { app, p, input in try app.reopenRequest(p, input) }
    public static let cancelRequest = Endpoint<App.RequestReason, ServiceRequest>(
        .post, "/v1/requests/{request}/cancellation", "cancelRequest",
        "The resident withdraws a request nobody has taken", residents: true,
        sample: .init(request: "Q0004", reason: "家人已修好")
    ) { app, p, input in try app.cancelRequest(p, input) }
    public static let requestForm = Endpoint<Ref.Nothing, App.RequestFormView>(
        .get, "/v1/request-form", "requestForm",
        "What a resident's own request form offers: her address, categories, times",
        residents: true, sample: .init()
    ) { app, p, _ in try app.requestForm(p) }
    public static let sweepRequests = Endpoint<Ref.Nothing, Requests.SweepResult>(
        .post, "/v1/request-sweeps", "sweepRequests",
        "Auto-confirm, expire and flag overdue requests by the clock (admin)",
        sample: .init()
    ) { app, p, _ in try app.sweepRequests(p) }

    /// This area's endpoints, in `API.all`.
    static let requestEndpoints: [AnyEndpoint] = [
        AnyEndpoint(addResident), AnyEndpoint(residents), AnyEndpoint(resident), AnyEndpoint(requests),
        AnyEndpoint(postRequest), AnyEndpoint(request), AnyEndpoint(acceptRequest), AnyEndpoint(rejectRequest),
        AnyEndpoint(dispatchRequest), AnyEndpoint(claimRequest), AnyEndpoint(returnRequest), AnyEndpoint(startRequest),
        AnyEndpoint(finishRequest), AnyEndpoint(confirmRequest), AnyEndpoint(rateRequest), AnyEndpoint(reopenRequest),
        AnyEndpoint(cancelRequest), AnyEndpoint(requestForm), AnyEndpoint(sweepRequests),
    ]
}
