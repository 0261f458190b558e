import ArgumentParser
import Foundation
import JifenApp
import JifenCore

extension Jifen {
    struct Export: JifenCommand {
        enum Format: String, ExpressibleByArgument, CaseIterable { case ledger }

        static let configuration = CommandConfiguration(
            abstract: "Write the whole ledger as a plain-text journal that hledger and ledger-cli read and balance.",
            discussion: """
                Every account's balance in the journal equals its balance in Jifen; check it with
                  hledger -f jifen.journal balance     or     ledger -f jifen.journal balance
                Example: jifen export --format ledger jifen.journal
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Output format: ledger (hledger/ledger-cli journal).") var format: Format = .ledger
        @Argument(help: "File to write (replaced atomically).") var file: String

        func execute(_ context: Context) throws {
            try checkWritable(file)
            let count = try context.app().exportJournal(context.principal, to: file).transfers
            if context.options.json {
                struct Out: Encodable { var file: String; var format: String; var transfers: Int }
                return context.printJSON(Out(file: file, format: format.rawValue, transfers: count))
            }
            context.print(
                context.t(
                    "已导出 \(count) 笔转账到 \(file)（hledger/ledger 格式）。",
                    "Exported \(count) transfers to \(file) (hledger/ledger journal)."))
        }
    }
}
