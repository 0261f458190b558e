import Foundation
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Open connections per client address, shared by every connection of a server: past `limit`,
/// a new connection from that address is closed at once, so one client cannot take the
/// server's connections from everyone else.
final class ConnectionsPerAddress: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var open: [String: Int] = [:]

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection; false (not counted) when the address already has `limit` open.
    func open(_ address: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard open[address, default: 0] < limit else { return false }
        open[address, default: 0] += 1
        return true
    }

    func close(_ address: String) {
        lock.lock(); defer { lock.unlock() }
        let left = open[address, default: 1] - 1
        open[address] = left > 0 ? left : nil
    }

    func count(_ address: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return open[address, default: 0]
    }
}

/// Closes a connection whose client is too slow: a request's headers must be complete within
/// `header` of the connection's start (or within `idle` of the previous answer, on a kept-alive
/// connection), and its body within `body` of its headers. A client trickling a byte at a time
/// keeps the connection busy, so the idle timeout alone never fires; these deadlines do.
/// Also counts the connection for its address (`ConnectionsPerAddress`) while it is open.
final class SlowClientHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP1Channel.Value.InboundPart
    typealias InboundOut = HTTP1Channel.Value.InboundPart
    typealias OutboundIn = HTTP1Channel.Value.OutboundPart
    typealias OutboundOut = HTTP1Channel.Value.OutboundPart

    let header: TimeAmount, body: TimeAmount, idle: TimeAmount
    let perAddress: ConnectionsPerAddress?
    let log: @Sendable (String) -> Void
    private var counted: String?
    private var deadline: Scheduled<Void>?

    init(
        header: TimeAmount, body: TimeAmount, idle: TimeAmount, perAddress: ConnectionsPerAddress?,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.header = header; self.body = body; self.idle = idle; self.perAddress = perAddress; self.log = log
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if let perAddress {
            let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
            guard perAddress.open(address) else {
                log("refusal too-many-connections address=\(address) limit=\(perAddress.limit)")
                context.close(promise: nil)
                return
            }
            counted = address
        }
        arm(context, header, why: "header-timeout")
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if let counted { perAddress?.close(counted) }
        counted = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(context, body, why: "body-timeout")
        case .end: deadline?.cancel(); deadline = nil
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // The answer is complete: the next request (its headers included) has the idle timeout.
        if case .end = unwrapOutboundIn(data) { arm(context, idle, why: "idle") }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext, _ time: TimeAmount, why: String) {
        deadline?.cancel()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let log = self.log, address = counted ?? context.channel.remoteAddress?.ipAddress ?? "unknown"
        deadline = context.eventLoop.scheduleTask(in: time) {
            if why != "idle" { log("refusal \(why) address=\(address)") }
            bound.value.close(promise: nil)
        }
    }
}

/// The request and response parts Hummingbird's HTTP/1 channel carries (NIOHTTPTypes' types,
/// named through the channel so this target needs no further dependency).
extension NIOAsyncChannel {
    typealias InboundPart = Inbound
    typealias OutboundPart = Outbound
}
