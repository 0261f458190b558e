public import JifenApp
public import JifenCore

/// Webhooks (admins): subscriptions, their secrets and deliveries.
extension API {
    public static let webhooks = Endpoint<Ref.Nothing, [App.WebhookInfo]>(
        .get, "/v1/webhooks", "webhooks", "Webhook subscriptions, secrets masked (admin)", sample: .init()
    ) { app, p, _ in
        try app.listWebhooks(p)
    }
    public static let addWebhook = Endpoint<App.AddWebhookInput, App.WebhookWithSecret>(
        .post, "/v1/webhooks", "addWebhook", "Subscribe a receiver or a group robot to events",
        sample: .init(
            url: "https://example.org/hook", events: "points.*", format: .standard, secret: nil, rate: "20/min",
            allowPrivate: false)
    ) { app, p, input in
        try app.addWebhook(p, input)
    }
    public static let removeWebhook = Endpoint<Ref.Webhook, App.WebhookInfo>(
        .post, "/v1/webhooks/{webhook}/removal", "removeWebhook", "Remove a subscription with its queue",
        types: ["webhook": .integer], sample: .init(webhook: 1)
    ) { app, p, input in try app.removeWebhook(p, input.webhook) }
    public static let pauseWebhook = Endpoint<Ref.Webhook, App.WebhookInfo>(
        .post, "/v1/webhooks/{webhook}/pause", "pauseWebhook", "Pause deliveries (events still queue)",
        types: ["webhook": .integer], sample: .init(webhook: 1)
    ) { app, p, input in try app.pauseWebhook(p, input.webhook) }
    public static let resumeWebhook = Endpoint<Ref.Webhook, App.WebhookInfo>(
        .post, "/v1/webhooks/{webhook}/resumption", "resumeWebhook", "Resume deliveries",
        types: ["webhook": .integer], sample: .init(webhook: 1)
    ) { app, p, input in try app.resumeWebhook(p, input.webhook) }
    public static let rotateWebhookSecret = Endpoint<Ref.Rotate, App.WebhookWithSecret>(
        .post, "/v1/webhooks/{webhook}/secret", "rotateWebhookSecret",
        "A new signing secret; the old one signs too for a while",
        types: ["webhook": .integer], sample: .init(webhook: 1, secret: "whsec_example", overlapHours: 24)
    ) { app, p, input in
        try app.rotateWebhookSecret(p, .init(id: input.webhook, secret: input.secret, overlapHours: input.overlapHours))
    }
    public static let webhookDeliveries = Endpoint<App.DeliveryQuery, [DeliveryView]>(
        .get, "/v1/webhooks/deliveries", "webhookDeliveries", "Deliveries, newest first",
        types: ["endpoint": .integer, "dead_only": .boolean, "limit": .integer],
        sample: .init(endpoint: 1, deadOnly: false, limit: 50)
    ) { app, p, q in
        try app.webhookDeliveries(p, q)
    }
    public static let replayWebhooks = Endpoint<Ref.Replay, App.Requeued>(
        .post, "/v1/webhooks/replays", "replayWebhooks", "Queue an event again, or every dead delivery",
        sample: .init(event: 1, endpoint: 1)
    ) { app, p, input in
        try app.replayWebhooks(p, input.event.map { .event($0) } ?? .dead(endpoint: input.endpoint))
    }

    /// This area's endpoints, in `API.all`.
    static let webhookEndpoints: [AnyEndpoint] = [
        AnyEndpoint(webhooks), AnyEndpoint(addWebhook), AnyEndpoint(removeWebhook), AnyEndpoint(pauseWebhook),
        AnyEndpoint(resumeWebhook), AnyEndpoint(rotateWebhookSecret), AnyEndpoint(webhookDeliveries),
        AnyEndpoint(replayWebhooks),
    ]
}
