import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// A volunteer as listings show them: phone and ID numbers masked.
struct VolunteerListing: Encodable {
    var id: String
    var name: String
    var gender: String
    var birth_date: String?
    var id_number: String
    var phone: String
    var community: String
    var team: String?
    var area: String
    var skills: String
    var categories: String
    var consent: Bool

    init(_ v: Volunteer) {
        id = v.id; name = v.name; gender = v.gender.rawValue; birth_date = v.birthDate
        id_number = v.idNumber ?? ""; phone = v.phone
        community = v.community; team = v.team; area = v.area; skills = v.skills; categories = v.categories;
        consent = v.consent
    }
}

extension Jifen {
    struct VolunteerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "volunteer", abstract: "Volunteers 志愿者.", subcommands: [Add.self, List.self, Show.self])

        struct Add: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Register a volunteer (admin). Prints the new id, e.g. V0001.",
                discussion:
                    "Example: jifen volunteer add --name 赵淑芬 --phone 13800004321 --gender 女 --birth-date 1952-03-08 --team T03 --consent"
            )
            @OptionGroup var global: GlobalOptions
            @Option(help: "Full name.") var name: String
            @Option(help: "Mobile or landline number (shown masked).") var phone: String
            @Option(help: "男/女 or male/female.") var gender: String = ""
            @Option(help: "Date of birth, e.g. 1952-03-08.") var birthDate: String?
            @Option(help: "Resident ID number, optional (stored encrypted under the key file, shown masked).")
            var idNumber: String?
            @Option(help: "Area, e.g. 3号楼.") var area: String = ""
            @Option(help: "Skills, e.g. 理发,维修.") var skills: String = ""
            @Option(help: "Service categories, e.g. elder_care,patrol.") var categories: String = ""
            @Option(help: "Team id, e.g. T01.") var team: String?
            @Option(help: "Community id, when there are several.") var community: String?
            @Flag(help: "The volunteer consents to their name in public notices.") var consent = false
            @Flag(help: "Register even if a volunteer with the same name and phone exists (another person).")
            var allowDuplicate = false

            func execute(_ context: Context) throws {
                let v = try context.perform(
                    API.addVolunteer,
                    .init(
                        name: name, phone: phone, gender: gender, birthDate: birthDate, idNumber: idNumber, area: area,
                        skills: skills,
                        categories: categories, team: team, community: community, consent: consent,
                        allowDuplicate: allowDuplicate))
                if context.options.json { return context.printJSON(VolunteerListing(v)) }
                context.print(context.t("已登记志愿者 \(v.id) \(v.name)", "Registered volunteer \(v.id) \(v.name)"))
            }
        }

        struct List: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "List volunteers (phone and ID masked).",
                discussion: "Example: jifen volunteer list --team T01")
            @OptionGroup var global: GlobalOptions
            @Option(help: "Only this team.") var team: String?
            @Option(help: "Only this community.") var community: String?

            func execute(_ context: Context) throws {
                let list = try context.perform(API.volunteers, .init(community: community, team: team)).map(
                    VolunteerListing.init)
                if context.options.json { return context.printJSON(list) }
                context.printTable(
                    [
                        context.t("编号", "id"), context.t("姓名", "name"), context.t("性别", "gender"),
                        context.t("电话", "phone"),
                        context.t("服务队", "team"), context.t("地区", "area"),
                    ],
                    list.map {
                        [
                            $0.id, $0.name, Gender(rawValue: $0.gender)?.label.text(context.language) ?? "", $0.phone,
                            $0.team ?? "", $0.area,
                        ]
                    })
            }
        }

        struct Show: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Show one volunteer's profile and balance.", discussion: "Example: jifen volunteer show V0001"
            )
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Volunteer id, e.g. V0001.") var id: String

            func execute(_ context: Context) throws {
                let shown = try context.perform(API.volunteer, .init(volunteer: id))
                let listing = VolunteerListing(shown.volunteer)
                if context.options.json {
                    struct Shown: Encodable {
                        var volunteer: VolunteerListing; var balance: Int64; var available: Int64
                    }
                    return context.printJSON(
                        Shown(volunteer: listing, balance: shown.balance, available: shown.available))
                }
                let yes = context.t("是", "yes"), no = context.t("否", "no")
                context.printTable(
                    [context.t("项目", "field"), context.t("内容", "value")],
                    [
                        [context.t("编号", "id"), listing.id], [context.t("姓名", "name"), listing.name],
                        [
                            context.t("性别", "gender"),
                            Gender(rawValue: listing.gender)?.label.text(context.language) ?? "",
                        ],
                        [context.t("出生日期", "born"), listing.birth_date ?? ""],
                        [context.t("身份证号", "ID number"), listing.id_number],
                        [context.t("电话", "phone"), listing.phone], [context.t("社区", "community"), listing.community],
                        [context.t("服务队", "team"), listing.team ?? ""], [context.t("地区", "area"), listing.area],
                        [context.t("技能", "skills"), listing.skills],
                        [context.t("服务类别", "categories"), listing.categories],
                        [context.t("同意公示", "consent"), listing.consent ? yes : no],
                        [context.t("积分余额", "balance"), String(shown.balance)],
                        [context.t("可用积分", "available"), String(shown.available)],
                    ])
            }
        }
    }
}
