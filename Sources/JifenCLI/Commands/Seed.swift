import ArgumentParser
import Foundation
import JifenApp
import JifenCore

extension Jifen {
    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Demo data: load a community's teams, volunteers, merchants and offers.", subcommands: [Load.self]
        )

        struct Load: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Load teams.csv, volunteers.csv, merchants.csv and offers.csv from a folder (admin), one transaction per file.",
                discussion:
                    """
                    Example: jifen --db rose.sqlite seed load seed   # seed/ as scripts/gen-seed writes it, into a database made by jifen \
                    --db rose.sqlite init
                    """
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Folder with the CSV files (as scripts/gen-seed writes them).") var directory: String
            @Option(help: "Community id, when there are several.") var community: String?

            func execute(_ context: Context) throws {
                let counts = try context.app().loadSeed(
                    context.principal, .init(directory: directory, community: community))
                if context.options.json { return context.printJSON(counts) }
                context.print(
                    context.t(
                        "已导入 \(counts.teams) 支服务队、\(counts.volunteers) 名志愿者、\(counts.merchants) 家商户、\(counts.offers) 个兑换项目。",
                        "Loaded \(counts.teams) teams, \(counts.volunteers) volunteers, \(counts.merchants) merchants, \(counts.offers) offers."
                    ))
            }
        }
    }
}
