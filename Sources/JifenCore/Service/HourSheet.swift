public import Foundation

/// Reading the hour sheets organizers already keep: CSV from Excel or WPS, in UTF-8 (with or
/// without BOM) or GB18030/GBK (what Excel writes on Chinese Windows), headers in Chinese or English.
public enum HourSheet {
    public enum Encoding: String, Sendable, CaseIterable {
        case utf8 = "utf-8", gb18030

        /// Accepts utf-8, utf8, gb18030, gbk, gb2312 (GBK and GB2312 are subsets of GB18030).
        public static func parse(_ text: String) throws -> Encoding {
            switch text.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
            case "utf8": return .utf8
            case "gb18030", "gbk", "gb2312", "cp936": return .gb18030
            default:
                throw JifenError.usage(
                    .badEncoding, zh: "不认识编码「\(text)」，请用 utf-8 或 gbk。",
                    en: "Unknown encoding \"\(text)\"; use utf-8 or gbk.")
            }
        }
    }

    /// The columns Jifen understands, and the header names that mean each (compared without
    /// spaces, case, or the difference between full-width and half-width brackets).
    public enum Column: String, Sendable, CaseIterable {
        case name, phone, volunteer, activity, date, minutes, hours, note

        static let names: [Column: [String]] = [
            .name: ["姓名", "名字", "志愿者姓名", "name", "volunteername"],
            .phone: ["手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile"],
            .volunteer: ["志愿者编号", "编号", "volunteer", "volunteerid", "id"],
            .activity: ["活动", "活动编号", "activity", "activityid"],
            .date: ["日期", "服务日期", "date", "day"],
            .minutes: ["时长(分钟)", "分钟", "服务时长(分钟)", "minutes", "mins"],
            .hours: ["时长", "时长(小时)", "小时", "服务时长", "服务时长(小时)", "hours"],
            .note: ["备注", "说明", "note", "notes", "memo"],
        ]

        static func match(_ header: String) -> Column? {
            let key = header.lowercased().replacingOccurrences(of: "（", with: "(").replacingOccurrences(
                of: "）", with: ")"
            )
            .filter { !$0.isWhitespace }
            return allCases.first { names[$0]?.contains(key) == true }
        }
    }

    /// Turns the file's bytes into UTF-8 bytes: the BOM dropped, GB18030 converted with iconv.
    /// - Parameter encoding: forced, or nil to detect (valid UTF-8 is UTF-8; otherwise GB18030).
    public static func utf8Bytes(_ data: Data, encoding: Encoding?) throws -> (bytes: [UInt8], encoding: Encoding) {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let chosen = encoding ?? (isUTF8(bytes) ? .utf8 : .gb18030)
        switch chosen {
        case .utf8:
            guard isUTF8(bytes) else {
                throw JifenError.usage(
                    .badEncoding, zh: "文件不是有效的 UTF-8。若由 Excel 另存，请加 --encoding gbk。",
                    en: "The file is not valid UTF-8. If Excel saved it on Chinese Windows, add --encoding gbk.")
            }
            return (bytes, .utf8)
        case .gb18030:
            guard let converted = Iconv.convert(bytes, from: "GB18030", to: "UTF-8") else {
                throw JifenError.usage(
                    .badEncoding, zh: "文件既不是 UTF-8 也不是 GBK/GB18030。请在 Excel 中另存为“CSV UTF-8”后重试。",
                    en: "The file is neither UTF-8 nor GBK/GB18030. Save it from Excel as \"CSV UTF-8\" and try again.")
            }
            return (converted, .gb18030)
        }
    }

    /// One CSV record and the line it starts on (1 is the header).
    public struct Line: Sendable {
        public var number: Int
        public var fields: [String]
        /// Set when the record could not be read (too long, unclosed quote).
        public var problem: Bilingual?
    }

    /// The longest record accepted; a longer one is reported, not loaded whole into a row.
    public static let maxRecordBytes = 64 * 1024

    /// RFC 4180 CSV: commas, double quotes doubled inside quoted fields, CRLF or LF. Calls
    /// `body` for each record after the header; returns the header.
    @discardableResult
    public static func parse(
        _ bytes: [UInt8], _ body: (Line) throws -> Void,
        headerSeen: ([String]) throws -> Void = { _ in }
    ) throws -> [String] {
        var header: [String]?
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var line = 1
        var recordStart = 1
        var recordBytes = 0
        var tooLong = false
        func finishField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func finishRecord() throws {
            finishField()
            defer {
                fields.removeAll(keepingCapacity: true)
                recordBytes = 0
                tooLong = false
            }
            if fields.count == 1 && fields[0].isEmpty { return }  // blank line
            if header == nil {
                header = fields
                try headerSeen(fields)
                return
            }
            let problem =
                tooLong
                ? Bilingual(zh: "这一行超过 64 KB，不像是一行工时记录", en: "the line is longer than 64 KB; not an hour-sheet row")
                : nil
            try body(Line(number: recordStart, fields: tooLong ? [] : fields, problem: problem))
        }
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            recordBytes += 1
            if recordBytes > maxRecordBytes {
                tooLong = true
                field.removeAll(keepingCapacity: true)
            }
            if inQuotes {
                if byte == 0x22 {
                    if index < count && bytes[index] == 0x22 {
                        if !tooLong { field.append(0x22) }
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == 0x0A { line += 1 }
                    if !tooLong { field.append(byte) }
                }
                continue
            }
            switch byte {
            case 0x22 where field.isEmpty: inQuotes = true
            case 0x2C: if !tooLong { finishField() }
            case 0x0D: continue
            case 0x0A:
                try finishRecord()
                line += 1
                recordStart = line
            default: if !tooLong { field.append(byte) }
            }
        }
        if inQuotes {
            try body(
                Line(number: recordStart, fields: [], problem: Bilingual(zh: "引号没有闭合", en: "a quote is never closed")))
        } else if !field.isEmpty || !fields.isEmpty {
            try finishRecord()
        }
        guard let header else {
            throw JifenError.usage(
                .emptyFile, zh: "文件是空的，没有表头。第一行应是列名，如：姓名,手机,日期,时长(分钟)。",
                en: "The file is empty: no header. The first line names the columns, e.g. name,phone,date,minutes.")
        }
        return header
    }
}

extension HourSheet {
    static func isUTF8(_ bytes: [UInt8]) -> Bool { String(validating: bytes, as: UTF8.self) != nil }
}

enum Iconv {
    /// Converts bytes between encodings with the C library's iconv; nil when the input is invalid.
    static func convert(_ input: [UInt8], from: String, to: String) -> [UInt8]? {
        if input.isEmpty { return [] }
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var source = input
        let ok = source.withUnsafeMutableBufferPointer { inBuffer -> Int? in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int? in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                guard iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
                return outBuffer.count - outLeft
            }
        }
        guard let written = ok else { return nil }
        return Array(output.prefix(written))
    }
}
