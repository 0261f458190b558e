public import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension BeneficiaryKind: ExpressibleByArgument {}
extension WishStatus: ExpressibleByArgument {}

/// A wish as `--json` prints it: snake_case, times ISO 8601 in UTC.
struct WishJSON: Encodable {
    struct Step: Encodable {
        var action: String, from: String, to: String, actor: String, note: String, points: Int64, at: String
    }
    var id: String, team: String, title: String, beneficiary_kind: String, beneficiary_name: String,
        beneficiary_details: String
    var beneficiary_shown: Bool, points: Int64, raised: Int64, held: Int64, needed: Int64, status: String,
        claimant: String?
    var note: String, reason: String, posted_by: String, posted_at: String, realized_at: String?, payment: Int64?,
        settlement: Int64?
    var history: [Step]?

    init(_ view: JifenApp.WishView) {
        let w = view.wish
        id = view.id; team = w.team; title = w.title; beneficiary_kind = w.beneficiaryKind.rawValue;
        beneficiary_name = w.beneficiaryName
        beneficiary_details = w.beneficiaryDetails; beneficiary_shown = view.beneficiaryShown; points = w.points;
        raised = view.raised
        held = w.donated; needed = view.needed; status = w.status.rawValue; claimant = w.claimant; note = w.note;
        reason = w.reason
        posted_by = w.postedBy; posted_at = DayFormat.iso(millis: w.createdAtMillis);
        realized_at = w.realizedAtMillis.map { DayFormat.iso(millis: $0) }
        payment = w.payment; settlement = w.settlement
        history = view.history?.map {
            Step(
                action: $0.action, from: $0.fromStatus, to: $0.toStatus, actor: $0.actor, note: $0.note,
                points: $0.points,
                at: DayFormat.iso(millis: $0.atMillis))
        }
    }
}

struct WishStepJSON: Encodable {
    var wish: WishJSON, points: Int64, transfers: [TransferJSON], replayed: Bool
    init(_ r: JifenApp.WishStepResult) {
        wish = WishJSON(r.wish); points = r.points;
        transfers = r.transfers.map { TransferJSON($0, replayed: r.replayed) }; replayed = r.replayed
    }
}

extension Jifen {
    struct WishCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wish",
            abstract:
                "Micro-wishes 微心愿: post, list, show, claim, cancel, revoke, realize, take-down, donate, withdraw.",
            subcommands: [
                Post.self, List.self, Show.self, Claim.self, Cancel.self, Revoke.self, Realize.self, TakeDown.self,
                Donate.self, Withdraw.self,
            ])

        struct Post: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Post a wish for a child or an elder (an organizer of the team). The beneficiary is masked until claimed.",
                discussion: """
                    Example: jifen --as 杨建军 wish post --team T03 --title 一个新书包 --for child --name 小明 --details 三年级，父母在外地打工 --points 60
                    Example: jifen --as 杨建军 wish post --team T03 --title 一双冬天的棉鞋 --for elder --name 王奶奶 --details 独居，鞋码38
                    Example: jifen --as 杨建军 wish post --team T03 --title 一套绘本 --for child --name 小雨
                    """)
            @OptionGroup var global: GlobalOptions
            @Option(help: "Team id, e.g. T01.") var team: String
            @Option(help: "What is wished for (shown to everyone).") var title: String
            @Option(name: .customLong("for"), help: "child or elder.") var kind: BeneficiaryKind
            @Option(help: "The beneficiary's name (masked until claimed).") var name: String
            @Option(help: "Details: age, needs, where (masked until claimed).") var details: String = ""
            @Option(help: "Points asked for (then only a merchant may claim it and is paid them); default none.")
            var points: Int64 = 0

            func execute(_ context: Context) throws {
                let view = try context.perform(
                    API.postWish,
                    .init(
                        team: team, title: title, beneficiaryKind: kind, beneficiaryName: name,
                        beneficiaryDetails: details, points: points))
                if context.options.json { return context.printJSON(WishJSON(view)) }
                context.print(
                    context.t("已发布微心愿 \(view.id)「\(view.wish.title)」", "Posted wish \(view.id) \"\(view.wish.title)\""))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List wishes, newest first.",
                discussion: "Example: jifen wish list --status open")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Only this state: open, claimed, realized, taken_down.") var status: WishStatus?

            func execute(_ context: Context) throws {
                let views = try context.perform(API.wishes, .init(status: status))
                if context.options.json { return context.printJSON(views.map(WishJSON.init)) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("心愿", "wish"), context.t("受助人", "for"),
                        context.t("服务队", "team"),
                        context.t("积分", "points"), context.t("已捐", "raised"), context.t("认领人", "claimant"),
                        context.t("状态", "status"),
                    ],
                    views.map { v in
                        [
                            v.id, v.wish.title,
                            "\(context.t(v.wish.beneficiaryKind.zh, v.wish.beneficiaryKind.rawValue)) \(v.wish.beneficiaryName)",
                            v.wish.team, v.wish.points > 0 ? "\(v.wish.points)" : "-", "\(v.raised)",
                            v.wish.claimant ?? "",
                            context.t(v.wish.status.zh, v.wish.status.rawValue),
                        ]
                    }, right: [4, 5])
            }
        }

        struct Show: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show a wish with its history.", discussion: "Example: jifen wish show W001")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Wish id, e.g. W001.") var id: String

            func execute(_ context: Context) throws {
                let v = try context.perform(API.wish, .init(wish: id))
                if context.options.json { return context.printJSON(WishJSON(v)) }
                let w = v.wish
                context.print("\(v.id) \(w.title)  [\(context.t(w.status.zh, w.status.rawValue))]  \(w.team)")
                context.print(
                    context.t("受助人：", "for: ")
                        + "\(context.t(w.beneficiaryKind.zh, w.beneficiaryKind.rawValue)) \(w.beneficiaryName)"
                        + (w.beneficiaryDetails.isEmpty ? "" : "（\(w.beneficiaryDetails)）"))
                if w.points > 0 {
                    context.print(
                        context.t(
                            "积分：需要 \(w.points)，已捐 \(v.raised)，还差 \(v.needed)",
                            "points: asks \(w.points), raised \(v.raised), needs \(v.needed)"))
                }
                if let c = w.claimant { context.print(context.t("认领人：", "claimant: ") + c) }
                if !w.note.isEmpty { context.print(context.t("实现说明：", "note: ") + w.note) }
                context.printTable(
                    [
                        context.t("时间", "at"), context.t("操作", "action"), context.t("操作人", "actor"),
                        context.t("积分", "points"),
                        context.t("状态", "status"), context.t("说明", "note"),
                    ],
                    (v.history ?? []).map {
                        [
                            context.time($0.atMillis), $0.action, $0.actor, $0.points == 0 ? "" : "\($0.points)",
                            $0.toStatus, $0.note,
                        ]
                    }, right: [3])
            }
        }

        struct Claim: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Claim an open wish (a volunteer or a merchant; a point-funded one: a merchant).",
                discussion:
                    "Example: jifen --as M001 wish claim W001\nExample: jifen --as V0003 wish claim W002\nExample: jifen --as V0004 wish claim W003"
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Wish id.") var id: String
            func execute(_ context: Context) throws {
                try show(context, context.perform(API.claimWish, .init(wish: id)), "已认领", "Claimed")
            }
        }

        struct Cancel: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Give back a wish you claimed: it is open again.",
                discussion: "Example: jifen --as V0003 wish cancel W002")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Wish id.") var id: String
            func execute(_ context: Context) throws {
                try show(context, context.perform(API.cancelWishClaim, .init(wish: id)), "已取消认领", "Gave back")
            }
        }

        struct Revoke: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Take a claim away, with a reason (the organizer): the wish is open again.",
                discussion: "Example: jifen --as 杨建军 wish revoke W003 --reason 认领人联系不上")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Wish id.") var id: String
            @Option(help: "Why.") var reason: String
            func execute(_ context: Context) throws {
                try show(
                    context, context.perform(API.revokeWishClaim, .init(wish: id, text: reason)), "已撤销认领",
                    "Revoked the claim of")
            }
        }

        struct Realize: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Confirm a claimed wish came true, with a note (the organizer); a merchant claimant is paid what was donated.",
                discussion: "Example: jifen --as 杨建军 wish realize W001 --note 书包已送到小明家")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Wish id.") var id: String
            @Option(help: "How it came true.") var note: String
            func execute(_ context: Context) throws {
                try show(context, context.perform(API.realizeWish, .init(wish: id, text: note)), "已确认实现", "Realized")
            }
        }

        struct TakeDown: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "take-down",
                abstract: "Take an open wish down, with a reason (the organizer); donations go back to their donors.",
                discussion: "Example: jifen --as 杨建军 wish take-down W002 --reason 家人已经买了")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Wish id.") var id: String
            @Option(help: "Why.") var reason: String
            func execute(_ context: Context) throws {
                try show(context, context.perform(API.takeDownWish, .init(wish: id, text: reason)), "已撤下", "Took down")
            }
        }

        struct Donate: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Give your points to a point-funded wish (a volunteer). Never beyond your balance or what it still needs.",
                discussion:
                    "Example: jifen --as V0002 wish donate W001 30 --key gift-W001-V0002   # the same key again gives nothing more"
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Wish id.") var id: String
            @Argument(help: "Points.") var points: Int64
            func execute(_ context: Context) throws {
                try show(
                    context,
                    context.perform(API.donateToWish, .init(wish: id, points: points, key: context.options.key)),
                    "已捐赠给", "Donated to")
            }
        }

        struct Withdraw: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Take back all you donated to a wish while it is still open.",
                discussion: "Example: jifen --as V0002 wish withdraw W001")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Wish id.") var id: String
            func execute(_ context: Context) throws {
                try show(
                    context, context.perform(API.withdrawDonation, .init(wish: id)), "已收回捐赠", "Took back donations to")
            }
        }
    }
}

private func show(_ context: Context, _ r: JifenApp.WishStepResult, _ zh: String, _ en: String) {
    if context.options.json { return context.printJSON(WishStepJSON(r)) }
    let points = r.points > 0 ? context.t("（\(r.points) 积分）", " (\(r.points) points)") : ""
    let again = r.replayed ? context.t("（重复请求，未再变动）", " (a repeat: nothing new)") : ""
    context.print(
        context.t(
            "\(zh)微心愿 \(r.wish.id)「\(r.wish.wish.title)」\(points)，现为\(r.wish.wish.status.zh)\(again)",
            "\(en) wish \(r.wish.id) \"\(r.wish.wish.title)\"\(points); now \(r.wish.wish.status.rawValue)\(again)"))
}
