import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct OfficeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "office", abstract: "Districts 区 and street offices 街道 above communities.",
            subcommands: [Add.self, List.self, AddAdmin.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a district (installation admin), or a street office under a district (its admin).",
                discussion: """
                    Example: jifen office add --id WQ --name 武清区
                    Example: jifen office add --id WQ-YC --name 杨村街道 --district WQ
                    """)
            @OptionGroup var global: GlobalOptions
            @Option(help: "The office's id, as it will be typed: letters, digits, - or _ (e.g. WQ).") var id: String
            @Option(help: "The office's name.") var name: String
            @Option(help: "For a street office: the district it belongs to. Leave out to add a district.")
            var district: String?

            func execute(_ context: Context) throws {
                let office = try context.perform(API.addOffice, .init(id: id, name: name, district: district))
                if context.options.json { return context.printJSON(office) }
                context.print(
                    context.t(
                        "已添加\(office.kind.label.zh) \(office.id) \(office.name)",
                        "Added \(office.kind.label.en) \(office.id) \(office.name)"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List districts and street offices (an office admin: its own and those below).",
                discussion: "Example: jifen office list --json")
            @OptionGroup var global: GlobalOptions

            func execute(_ context: Context) throws {
                let offices = try context.perform(API.offices, .init())
                if context.options.json { return context.printJSON(offices) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("类别", "kind"), context.t("所属区", "district"),
                        context.t("名称", "name"),
                    ],
                    offices.map { [$0.id, context.t($0.kind.label.zh, $0.kind.label.en), $0.parent ?? "", $0.name] })
            }
        }

        struct AddAdmin: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "add-admin",
                abstract: "Let someone administer an office and every community below it (an admin of it or above).",
                discussion:
                    "Example: jifen office add-admin WQ-YC 赵主任   # then jifen --as 赵主任 may add communities under WQ-YC"
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Office id.") var office: String
            @Argument(help: "The admin's name, as they will give it to --as.") var person: String

            func execute(_ context: Context) throws {
                let result = try context.perform(API.addOfficeAdmin, .init(office: office, person: person))
                if context.options.json { return context.printJSON(result) }
                context.print(
                    context.t("\(person) 现为 \(office) 的管理员", "\(person) now administers \(office)"))
            }
        }
    }

    struct CommunityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "community", abstract: "Communities 社区 and the office each sits under.",
            subcommands: [Add.self, List.self, Place.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a community under a street office or district (an admin of it or above).",
                discussion: "Example: jifen community add --name 泉州路社区 --office WQ-YC --district WQ")
            @OptionGroup var global: GlobalOptions
            @Option(help: "The community's name.") var name: String
            @Option(help: "The street office (or district) it sits under.") var office: String?
            @Option(help: "The district the office must lie in: a check on what was typed.") var district: String?

            func execute(_ context: Context) throws {
                let community = try context.perform(
                    API.addCommunity, .init(name: name, office: office, district: district))
                if context.options.json { return context.printJSON(community) }
                context.print(
                    context.t(
                        "已添加社区 \(community.id) \(community.name)", "Added community \(community.id) \(community.name)"))
            }
        }

        struct Place: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Move a community under a street office or district, or from under any (installation admin).",
                discussion: "Example: jifen community place C01 --office WQ-YC")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Community id.") var community: String
            @Option(help: "The office it moves under; leave out to take it from under any.") var office: String?

            func execute(_ context: Context) throws {
                let placed = try context.perform(API.placeCommunity, .init(community: community, office: office))
                if context.options.json { return context.printJSON(placed) }
                context.print(
                    context.t(
                        "社区 \(placed.id) 现属于 \(placed.office ?? "（无）")",
                        "Community \(placed.id) is now under \(placed.office ?? "no office")"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List communities with their office (an office admin: those below it).",
                discussion: "Example: jifen community list --office WQ")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Only the communities below this office.") var office: String?

            func execute(_ context: Context) throws {
                let communities = try context.perform(API.communities, .init(office: office))
                if context.options.json { return context.printJSON(communities) }
                context.printTable(
                    [context.t("编号", "id"), context.t("名称", "name"), context.t("街道或区", "office")],
                    communities.map { [$0.id, $0.name, $0.office ?? ""] })
            }
        }
    }
}
