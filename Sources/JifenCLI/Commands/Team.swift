import ArgumentParser
import Foundation
import JifenCore
import JifenSQLite

extension Jifen {
    struct TeamCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "team", abstract: "Volunteer teams 志愿服务队.", subcommands: [Add.self, List.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a team (admin).", discussion: "Example: jifen team add --name 平安使者巡逻队 --leader 王建国")
            @OptionGroup var global: GlobalOptions
            @Option(help: "The team's name.") var name: String
            @Option(help: "The person in charge.") var leader: String = ""
            @Option(help: "Community id, when there are several.") var community: String?

            func execute(_ context: Context) throws {
                let team = try context.openDatabase().addTeam(name: name, leader: leader, community: community,
                                                              actor: context.actor, nowMillis: context.now().millis)
                if context.options.json { return context.printJSON(team) }
                context.print(context.t("已添加服务队 \(team.id) \(team.name)", "Added team \(team.id) \(team.name)"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(abstract: "List teams.", discussion: "Example: jifen team list --json")
            @OptionGroup var global: GlobalOptions

            func execute(_ context: Context) throws {
                let teams = try context.openDatabase().teams()
                if context.options.json { return context.printJSON(teams) }
                context.printTable([context.t("编号", "id"), context.t("名称", "name"), context.t("负责人", "leader"), context.t("社区", "community")],
                                   teams.map { [$0.id, $0.name, $0.leader, $0.community] })
            }
        }
    }
}
