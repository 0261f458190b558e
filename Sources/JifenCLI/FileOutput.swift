import Foundation
import JifenCore

/// Plain RFC 4180 CSV: fields with commas, quotes or line breaks are quoted.
enum CSV {
    /// One line, with formula-looking fields neutralised (`CSVText`).
    static func line(_ fields: [String]) -> String { CSVText.line(fields) }

    static func write(_ rows: [[String]], to path: String) throws {
        let text = rows.map(line).joined(separator: "\r\n") + "\r\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw JifenError.fault(
                .cannotWrite, zh: "无法写入 \(path)：\(error.localizedDescription)",
                en: "Cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// Refuses before any work when an output file cannot be written, so a command never half-succeeds.
func checkWritable(_ path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    let dir = folder.isEmpty ? "." : folder
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue,
        FileManager.default.isWritableFile(atPath: dir)
    else {
        throw JifenError.usage(
            .badOutput, zh: "无法写入 \(path)：目录不存在或不可写。请换一个路径。",
            en: "Cannot write \(path): its folder does not exist or is not writable. Choose another path.")
    }
}
