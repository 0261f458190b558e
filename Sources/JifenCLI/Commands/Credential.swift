import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct CredentialCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "credential",
            abstract:
                "Credentials for jifen serve: issue (a device credential or a paper enrolment code), list, revoke, confirm.",
            subcommands: [Issue.self, List.self, Revoke.self, Confirm.self])

        struct Issue: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Issue a credential: an admin for anyone, an organizer for the team's volunteers, a merchant for its staff.",
                discussion: """
                    The secret is shown once; only its hash is kept.
                    Example: jifen credential issue V0001 --enrolment --label 纸条
                    """)
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The person: a volunteer, organizer, admin, merchant or resident id.") var person: String
            @Flag(help: "A short enrolment code to hand over on paper (used once, with jifen login --code).")
            var enrolment = false
            @Flag(help: "For a merchant's counter staff (acts for the merchant at the counter only).") var staff = false
            @Option(help: "Who holds it, e.g. 张桂兰的手机.") var label = ""
            @Option(help: "Days it is valid (default 7 for a code, 365 for a device).") var days: Int?

            func execute(_ context: Context) throws {
                let issued = try context.perform(
                    API.issueCredential,
                    .init(
                        person: person, role: staff ? .staff : nil, enrolment: enrolment,
                        label: label, days: days))
                if context.options.json { return context.printJSON(issued) }
                let c = issued.credential
                context.print(
                    enrolment
                        ? context.t(
                            "登记码（只显示这一次，请抄在纸上交给 \(c.person)）：",
                            "Enrolment code (shown this once; write it down for \(c.person)):")
                        : context.t("登录凭证（只显示这一次）：", "Credential (shown this once):"))
                context.print("  \(issued.secret)")
                context.print(
                    context.t(
                        "编号 \(c.id)，\(c.role.rawValue)，有效至 \(context.time(c.expiresAtMillis))。",
                        "Id \(c.id), \(c.role.rawValue), valid until \(context.time(c.expiresAtMillis))."))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Credentials you may see (an admin: all; others: their own, i.e. your signed-in devices, and those they issued).",
                discussion: "Example: jifen credential list")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Only this person's.") var person: String?

            func execute(_ context: Context) throws {
                let list = try context.perform(API.credentials, .init(person: person))
                if context.options.json { return context.printJSON(list) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("种类", "kind"), context.t("人员", "person"),
                        context.t("身份", "role"),
                        context.t("说明", "label"), context.t("状态", "state"), context.t("可花积分", "spends"),
                        context.t("有效至", "expires"),
                    ],
                    list.map {
                        [
                            $0.id, $0.kind.rawValue, $0.person, $0.role.rawValue, $0.label, $0.state,
                            $0.kind == .enrolment
                                ? "—" : $0.own ? context.t("是", "yes") : context.t("待本人确认", "needs her confirmation"),
                            context.time($0.expiresAtMillis),
                        ]
                    })
            }
        }

        struct Revoke: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Revoke a credential or an unused code: it stops working on the next request.",
                discussion: "Example: jifen credential revoke C0123456789ab")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The credential's id (jifen credential list).") var id: String

            func execute(_ context: Context) throws {
                let c = try context.perform(API.revokeCredential, .init(credential: id))
                if context.options.json { return context.printJSON(c) }
                context.print(context.t("已收回凭证 \(c.id)（\(c.person)）。", "Revoked credential \(c.id) (\(c.person))."))
            }
        }

        struct Confirm: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Confirm, as yourself, a device credential someone issued for you, so it may spend your points.",
                discussion: """
                    With --code, your enrolment code confirms the credential this device signed in with; without it,
                    your own signed-in device confirms another of yours by id.
                    Example: jifen credential confirm --code 4F7K-9Q2M
                    """)
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The credential's id (jifen credential list); default: the one signed in with.") var id:
                String?
            @Option(help: "Your enrolment code, e.g. 4F7K-9Q2M (it is used up).") var code: String?

            func execute(_ context: Context) throws {
                let c = try context.perform(API.confirmCredential, .init(credential: id, code: code))
                if context.options.json { return context.printJSON(c) }
                context.print(
                    context.t(
                        "已确认凭证 \(c.id)（\(c.person)）：它现在可以花您的积分。",
                        "Confirmed credential \(c.id) (\(c.person)): it may now spend your points."))
            }
        }
    }
}
