import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show and change the rules. 查看和修改规则。",
            subcommands: [Show.self, Set.self, History.self], defaultSubcommand: Show.self)

        struct Show: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show every rule in force.", discussion: "Example: jifen config show")
            @OptionGroup var global: GlobalOptions

            func execute(_ context: Context) throws {
                let views = try context.perform(API.settings, .init())
                if context.options.json { return context.printJSON(views) }
                let meanings = Dictionary(uniqueKeysWithValues: Rules.definitions.map { ($0.key, $0.meaning) })
                context.printTable(
                    [
                        context.t("设置", "key"), context.t("值", "value"), context.t("来源", "set by"),
                        context.t("说明", "meaning"),
                    ],
                    views.map { view in
                        let source =
                            view.isDefault
                            ? context.t("默认", "default")
                            : "\(view.updatedBy ?? "") \(view.updatedAtMillis.map(context.time) ?? "")"
                        let meaning =
                            meanings[view.key]?.text(context.language)
                            ?? context.t("该服务类别每小时积分", "points per hour for this category")
                        return [view.key, view.value, source, meaning]
                    })
            }
        }

        struct Set: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change one rule (admin); the change is recorded with actor and time.",
                discussion:
                    "Example: jifen config set points.per_hour 12\nExample: jifen config set points.per_hour.elder_care 15"
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The setting, e.g. points.per_hour.") var key: String
            @Argument(help: "Its new value.") var value: String

            func execute(_ context: Context) throws {
                let change = try context.perform(API.setSetting, .init(key: key, value: value))
                if context.options.json { return context.printJSON(change) }
                context.print(
                    context.t(
                        "\(key)：\(change.oldValue ?? "默认") → \(change.newValue)（\(change.actor)）",
                        "\(key): \(change.oldValue ?? "default") → \(change.newValue) (by \(change.actor))"))
            }
        }

        struct History: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Every change of the rules, oldest first.", discussion: "Example: jifen config history")
            @OptionGroup var global: GlobalOptions

            func execute(_ context: Context) throws {
                let changes = try context.perform(API.settingChanges, .init())
                if context.options.json { return context.printJSON(changes) }
                context.printTable(
                    [
                        context.t("时间", "time"), context.t("设置", "key"), context.t("原值", "old"), context.t("新值", "new"),
                        context.t("操作人", "actor"),
                    ],
                    changes.map {
                        [
                            context.time($0.atMillis), $0.key, $0.oldValue ?? context.t("默认", "default"), $0.newValue,
                            $0.actor,
                        ]
                    })
            }
        }
    }
}
