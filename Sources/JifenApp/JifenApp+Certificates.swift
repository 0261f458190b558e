import Foundation
public import JifenCore

/// Service certificates (志愿服务证明): issuing one as a document, and checking a code.
extension JifenApp {
    /// Minutes shown as hours with two decimals: 90 → "1.50".
    public static func hoursText(_ minutes: Int64) -> String {
        let hundredths = (minutes * 100 + 30) / 60
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// What `certificate` asks for; days as typed, calendar days in the app's zone.
    public struct CertificateInput: Sendable {
        public var volunteer: String
        /// First day; nil: the first approved record (else today).
        public var from: String?
        /// Last day; nil: today.
        public var to: String?
        /// `md` or `html`.
        public var format: String
        /// Where to write the document; nil only returns it.
        public var file: CertificateFile?
        public init(
            volunteer: String, from: String? = nil, to: String? = nil, format: String = "md",
            file: CertificateFile? = nil
        ) {
            self.volunteer = volunteer; self.from = from; self.to = to; self.format = format; self.file = file
        }
    }

    /// A local file for the document.
    public struct CertificateFile: Sendable {
        /// nil: `志愿服务证明-<volunteer>-<number>.<format>` in the current folder.
        public var path: String?
        public init(path: String? = nil) { self.path = path }
    }

    /// An issued certificate with its document.
    public struct IssuedCertificate: Codable, Sendable, Equatable {
        public var certificate: Certificate
        /// The document in the asked format (Markdown or HTML).
        public var format: String
        public var text: String
        /// The file written, when one was asked for.
        public var file: String?
    }

    /// Issues a certificate for a volunteer (themself, an admin or an organizer) over a period,
    /// and writes it to `input.file` when one is asked for.
    /// - Throws: fault (`cannot-write`) when the file cannot be written; if that is found before
    ///   the number is issued (a missing or read-only folder), nothing has changed.
    public func issueCertificate(_ principal: Principal, _ input: CertificateInput) throws -> IssuedCertificate {
        guard input.format == "md" || input.format == "html" else {
            throw JifenError.usage(.badFormat, zh: "格式应为 md 或 html。", en: "The format is md or html.")
        }
        let today = DayFormat.string(clock(), in: zone)
        // Without a first day: from the first approved record, so the certificate states a real period.
        let first = try service.records(
            activity: nil, volunteer: input.volunteer, pendingOnly: false, from: nil, to: nil
        )
        .first { $0.record.status == .approved }?.record.serviceDay
        let fromDay = try input.from.map { try DayFormat.day($0, in: zone, field: "--from") } ?? first ?? today
        let toDay = try input.to.map { try DayFormat.day($0, in: zone, field: "--to") } ?? today
        guard fromDay <= toDay else {
            throw JifenError.usage(.badRange, zh: "--to 早于 --from。", en: "--to is before --from.")
        }
        // Who may comes before whether the volunteer exists: someone else's id and a missing one answer alike.
        _ = try recordFilter(principal, requested: input.volunteer)
        let person = opened(try registry.volunteer(input.volunteer), key: idKeyIfAtHand)
        let community = try store.resolveCommunity(person.community)
        let issue = { () throws -> IssuedCertificate in
            let (certificate, views) = try self.service.issueCertificate(
                volunteer: input.volunteer, fromDay: fromDay, toDay: toDay,
                actor: principal.id, nowMillis: self.nowMillis, zone: self.zone)
            let text = CertificateText(
                certificate: certificate, volunteer: person, community: community, records: views,
                issued: DayFormat.string(self.clock(), in: self.zone)
            ).render(input.format)
            return IssuedCertificate(certificate: certificate, format: input.format, text: text, file: nil)
        }
        guard let file = input.file else { return try issue() }
        return try Self.writingCertificate(to: file, volunteer: input.volunteer, format: input.format, issue)
    }

    /// Issues a certificate with `issue` (here, or on a server) and writes its document to `file`.
    /// The file is made before the number is issued: an output that cannot be written is refused
    /// while nothing has changed, not after a certificate number was used up.
    public static func writingCertificate(
        to file: CertificateFile, volunteer: String, format: String,
        _ issue: () throws -> IssuedCertificate
    ) throws -> IssuedCertificate {
        let pending = try PendingOutput(file.path ?? "志愿服务证明-\(volunteer).\(format)")
        var written = false
        defer { if !written { pending.discard() } }
        var issued = try issue()
        let target = file.path ?? "志愿服务证明-\(volunteer)-\(issued.certificate.number).\(format)"
        try pending.commit(Data(issued.text.utf8), to: target)
        issued.file = target
        written = true
        return issued
    }

    /// A volunteer's latest certificate as a page shows it: the same number until she asks for a new one.
    public struct LatestCertificate: Codable, Sendable, Equatable {
        /// Her latest certificate; nil when none was issued yet.
        public var certificate: Certificate?
        public var volunteerName: String
        /// Her ID number masked, when the registry has one.
        public var idNumber: String?
        /// The issuing community's name.
        public var community: String
        /// The day it was issued, in the community's zone.
        public var issuedOn: String?
        /// The approved records of its period as they stand now.
        public var records: [RecordView]
        /// False when those records were corrected since it was issued: a new one states them as they are now.
        public var matches: Bool
    }

    /// A volunteer's latest certificate (themself, an admin or an organizer), without issuing one.
    public func latestCertificate(_ principal: Principal, volunteer: String) throws -> LatestCertificate {
        // Who may comes before whether the volunteer exists, as for issuing.
        _ = try recordFilter(principal, requested: volunteer)
        let person = opened(try registry.volunteer(volunteer), key: idKeyIfAtHand)
        let community = try store.resolveCommunity(person.community)
        guard let certificate = try store.read({ try $0.latestCertificate(volunteer: volunteer) }) else {
            return LatestCertificate(
                certificate: nil, volunteerName: person.name, idNumber: person.idNumber.map { Masking.idNumber($0) },
                community: community.name, issuedOn: nil, records: [], matches: true)
        }
        let current = try service.records(
            activity: nil, volunteer: volunteer, pendingOnly: false, from: certificate.fromDay, to: certificate.toDay)
        return LatestCertificate(
            certificate: certificate, volunteerName: person.name,
            idNumber: person.idNumber.map { Masking.idNumber($0) },
            community: community.name,
            issuedOn: DayFormat.string(
                Date(timeIntervalSince1970: Double(certificate.issuedAtMillis) / 1000), in: zone),
            records: current.filter { $0.record.status == .approved },
            matches: Certificate.digest(current.map(\.record)) == certificate.digest)
    }

    /// A certificate checked against the ledger.
    public struct CertificateCheck: Codable, Sendable, Equatable {
        public var certificate: Certificate
        /// False when its service records were corrected since it was issued.
        public var matches: Bool
    }

    /// Checks a certificate's verification code. Anyone may.
    public func verifyCertificate(_ principal: Principal, _ code: String) throws -> CertificateCheck {
        let (c, matches) = try service.verifyCertificate(code: code)
        return CertificateCheck(certificate: c, matches: matches)
    }
}

/// The certificate's text, in Markdown or HTML.
struct CertificateText {
    var certificate: Certificate
    var volunteer: Volunteer
    var community: Community
    var records: [RecordView]
    var issued: String

    func render(_ format: String) -> String {
        let hoursText = JifenApp.hoursText
        // What people typed (names, titles) is escaped in Markdown: it reads as typed, never as a link or markup.
        func md(_ text: String) -> String { format == "html" ? text : Self.markdownText(text) }
        let idNumber = volunteer.idNumber.map { "（身份证号 \(md(Masking.idNumber($0)))）" } ?? ""
        let intro =
            "兹证明 \(md(volunteer.name))\(idNumber) 于 \(certificate.fromDay) 至 \(certificate.toDay) 期间参加志愿服务，"
            + "累计服务时长 \(hoursText(certificate.minutes)) 小时（\(certificate.records) 次）。"
        let rows = records.map {
            [$0.record.serviceDay, md($0.activityTitle), md($0.content), md($0.teamName), hoursText($0.record.minutes)]
        }
        let footer = [
            "出具单位：\(md(community.name))", "证明编号：\(certificate.number)", "出具日期：\(issued)",
            "验证码：\(certificate.code)（用 jifen certificate verify \(certificate.code) 核验）",
        ]
        let headers = ["日期", "活动", "服务内容", "服务队", "时长（小时）"]
        if format == "html" {
            func esc(_ s: String) -> String {
                s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: ">", with: "&gt;")
            }
            let head = headers.map { "<th>\(esc($0))</th>" }.joined()
            let body = rows.map { "<tr>" + $0.map { "<td>\(esc($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
            return """
                <!doctype html><html lang="zh"><meta charset="utf-8"><title>志愿服务证明 \(certificate.number)</title>
                <body><h1>志愿服务证明</h1><p>\(esc(intro))</p>
                <table border="1" cellpadding="4"><tr>\(head)</tr>
                \(body)
                </table>
                \(footer.map { "<p>\(esc($0))</p>" }.joined(separator: "\n"))
                </body></html>

                """
        }
        return
            ([
                "# 志愿服务证明", "", intro, "", "| " + headers.joined(separator: " | ") + " |",
                "|" + String(repeating: " --- |", count: headers.count),
            ]
            + rows.map { "| " + $0.joined(separator: " | ") + " |" } + [""] + footer.map { $0 + "  " }).joined(
                separator: "\n") + "\n"
    }
}

extension CertificateText {
    /// Text a person typed, for Markdown: CommonMark's and GFM's marks (links, images, emphasis,
    /// code, tags, entities, table bars) are backslash-escaped, so it renders exactly as typed;
    /// `http://` and `www.`/`example.com` are split by escapes so no viewer makes a link of them;
    /// a line break becomes a space (a value cannot start a heading or leave its table row).
    static func markdownText(_ text: String) -> String {
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            let next = i + 1 < scalars.count ? scalars[i + 1] : nil
            switch scalar {
            case "\n", "\r", "\u{2028}", "\u{2029}": out.append(" ")
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "<", ">", "#", "|", "~", "!", "&", "$":
                out.append("\\"); out.unicodeScalars.append(scalar)
            case ":" where next == "/", "." where next.map { $0.isASCII && CharacterSet.letters.contains($0) } ?? false:
                out.append("\\"); out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A file about to be written: a scratch file is created in the destination's folder first, so a
/// folder that does not exist or cannot be written is found before anything is changed; the
/// finished text then replaces it under its final name with one rename (never a half-written file).
struct PendingOutput {
    let scratch: String

    init(_ destination: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Self.cannotWrite(destination, zh: "这是一个文件夹", en: "it is a folder")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let name = ".jifen-\(UUID().uuidString.lowercased()).tmp"
        scratch = folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: scratch, contents: nil) else {
            throw Self.cannotWrite(destination, zh: "文件夹不存在或不可写", en: "its folder does not exist or cannot be written")
        }
    }

    func commit(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: scratch))
        } catch {
            throw Self.cannotWrite(path, zh: "写入失败", en: "writing failed", unchanged: false)
        }
        guard rename(scratch, path) == 0 else {
            throw Self.cannotWrite(path, zh: "无法改名为该文件名", en: "it cannot be renamed to that name", unchanged: false)
        }
    }

    func discard() { try? FileManager.default.removeItem(atPath: scratch) }

    static func cannotWrite(_ path: String, zh: String, en: String, unchanged: Bool = true) -> JifenError {
        .fault(
            .cannotWrite, zh: "无法写入 \(path)（\(zh)）。请换一个可写的 --output 路径" + (unchanged ? "；什么也没有改变。" : "。"),
            en: "Cannot write \(path) (\(en)). Choose a writable --output path"
                + (unchanged ? "; nothing was changed." : "."))
    }
}
