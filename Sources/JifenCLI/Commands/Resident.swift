import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// A resident as listings show them: phone, ID and address masked.
struct ResidentListing: Encodable {
    var id: String
    var name: String
    var phone: String
    var id_number: String
    var address: String
    var area: String
    var volunteer: String?
    var community: String
    var consent: Bool

    init(_ r: Resident) {
        id = r.id; name = r.name; phone = r.phone; id_number = r.idNumber ?? ""; address = r.address; area = r.area
        volunteer = r.volunteer; community = r.community; consent = r.consent
    }
}

extension Jifen {
    struct ResidentCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resident", abstract: "Residents who ask for help 居民.",
            subcommands: [Add.self, List.self, Show.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register a resident (an admin or organizer). Prints the new id, e.g. R001.",
                discussion:
                    "Example: jifen resident add --name 赵大爷 --phone 13800007799 --address 幸福里7号楼101 --area 幸福里7号楼")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Full name.") var name: String
            @Option(help: "Mobile or landline number (shown masked).") var phone: String
            @Option(help: "Resident ID number, optional (stored encrypted under the key file, shown masked).")
            var idNumber: String?
            @Option(help: "Full address: only the volunteer serving one of their requests sees it.") var address:
                String = ""
            @Option(help: "Area a group chat may show, e.g. 幸福里3号楼.") var area: String = ""
            @Option(help: "Their volunteer id, when they are one (they then pay in points as that volunteer).")
            var volunteer: String?
            @Option(help: "Community id, when there are several.") var community: String?
            @Flag(help: "The resident consents to their name in public notices.") var consent = false
            @Flag(help: "Register even if a resident with the same name and phone exists (another person).")
            var allowDuplicate = false

            func execute(_ context: Context) throws {
                let r = try context.perform(
                    API.addResident,
                    .init(
                        name: name, phone: phone, idNumber: idNumber, address: address, area: area,
                        volunteer: volunteer, community: community, consent: consent,
                        allowDuplicate: allowDuplicate))
                if context.options.json { return context.printJSON(ResidentListing(r)) }
                context.print(context.t("已登记居民 \(r.id) \(r.name)", "Registered resident \(r.id) \(r.name)"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List residents (phone, ID and address masked).",
                discussion: "Example: jifen resident list")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Only this community.") var community: String?

            func execute(_ context: Context) throws {
                let list = try context.perform(API.residents, .init(community: community)).map(ResidentListing.init)
                if context.options.json { return context.printJSON(list) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("姓名", "name"), context.t("电话", "phone"),
                        context.t("地区", "area"),
                        context.t("地址", "address"), context.t("志愿者", "volunteer"),
                    ],
                    list.map { [$0.id, $0.name, $0.phone, $0.area, $0.address, $0.volunteer ?? ""] })
            }
        }

        struct Show: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one resident (masked).", discussion: "Example: jifen resident show R001")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Resident id, e.g. R001.") var id: String

            func execute(_ context: Context) throws {
                let r = ResidentListing(try context.perform(API.resident, .init(resident: id)))
                if context.options.json { return context.printJSON(r) }
                context.printTable(
                    [context.t("项目", "field"), context.t("内容", "value")],
                    [
                        [context.t("编号", "id"), r.id], [context.t("姓名", "name"), r.name],
                        [context.t("电话", "phone"), r.phone],
                        [context.t("身份证号", "ID number"), r.id_number], [context.t("地址", "address"), r.address],
                        [context.t("地区", "area"), r.area],
                        [context.t("志愿者", "volunteer"), r.volunteer ?? ""],
                        [context.t("社区", "community"), r.community],
                        [context.t("同意公示", "consent"), r.consent ? context.t("是", "yes") : context.t("否", "no")],
                    ])
            }
        }
    }
}
