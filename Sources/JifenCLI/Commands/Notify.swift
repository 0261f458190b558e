import ArgumentParser
import Foundation
import JifenApp
import JifenCore
import JifenNotify

extension Jifen {
    struct Notify: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver queued events to webhooks until SIGTERM/SIGINT (admin). 运行推送服务。",
            discussion: """
                On SIGTERM or SIGINT it stops claiming, finishes the deliveries in flight, and exits 0.
                Several notify processes may share one database: each delivery is leased to one at a time.
                Example: jifen notify          # a service
                Example: jifen notify --once   # from cron: deliver what is due, then exit
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Deliver what is due now, then exit.") var once = false
        @Flag(help: "Log every delivery, not only failures.") var verbose = false

        func execute(_ context: Context) throws {
            let setup = try context.app().notifier(
                context.principal, JifenApp.NotifyInput(once: once, verbose: verbose))
            let notifier = setup.notifier, owner = setup.owner
            let stop = StopFlag()
            let stopping = context.t("正在停止：完成进行中的投递后退出…\n", "Stopping: finishing deliveries in flight…\n")
            stop.trap([SIGINT, SIGTERM]) { _ in FileHandle.standardError.write(Data(stopping.utf8)) }
            if !once && !context.options.json {
                context.print(
                    context.t("推送服务已启动（\(owner)），Ctrl-C 停止。", "Notifier running (\(owner)); Ctrl-C stops it."))
            }
            let summary = try runBlocking { try await notifier.run(until: stop) }
            if context.options.json { return context.printJSON(summary) }
            context.print(
                context.t(
                    "共尝试 \(summary.attempts) 次：送达 \(summary.delivered)，待重试 \(summary.retrying)，死信 \(summary.dead)。",
                    "\(summary.attempts) attempts: \(summary.delivered) delivered, \(summary.retrying) to retry, \(summary.dead) dead."
                ))
        }
    }
}
