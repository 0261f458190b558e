import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct TeamCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "team", abstract: "Volunteer teams 志愿服务队.",
            subcommands: [Add.self, List.self, AddOrganizer.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a team (admin).",
                discussion: "Example: jifen team add --name 老王说和室 --leader 王德顺 --organizer 王德顺")
            @OptionGroup var global: GlobalOptions
            @Option(help: "The team's name.") var name: String
            @Option(help: "The person in charge.") var leader: String = ""
            @Option(help: "Community id, when there are several.") var community: String?
            @Option(help: "Someone who organizes the team (may post and approve), e.g. the leader.") var organizer:
                String?

            func execute(_ context: Context) throws {
                let team = try context.perform(
                    API.addTeam, .init(name: name, leader: leader, community: community, organizer: organizer))
                if context.options.json { return context.printJSON(team) }
                context.print(context.t("已添加服务队 \(team.id) \(team.name)", "Added team \(team.id) \(team.name)"))
            }
        }

        struct AddOrganizer: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "add-organizer", abstract: "Let someone organize a team: post, approve, import (admin).",
                discussion:
                    "Example: jifen team add-organizer T03 杨建军   # then jifen --as 杨建军 may post activities for T03")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Team id.") var team: String
            @Argument(help: "The organizer's name, as they will give it to --as.") var organizer: String

            func execute(_ context: Context) throws {
                _ = try context.perform(API.addOrganizer, .init(team: team, organizer: organizer))
                if context.options.json { return context.printJSON(["team": team, "organizer": organizer]) }
                context.print(context.t("\(organizer) 现为 \(team) 的组织者", "\(organizer) now organizes \(team)"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List teams.", discussion: "Example: jifen team list --json")
            @OptionGroup var global: GlobalOptions

            func execute(_ context: Context) throws {
                let teams = try context.perform(API.teams, .init())
                if context.options.json { return context.printJSON(teams) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("名称", "name"), context.t("负责人", "leader"),
                        context.t("社区", "community"),
                    ],
                    teams.map { [$0.id, $0.name, $0.leader, $0.community] })
            }
        }
    }
}
