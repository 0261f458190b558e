import Foundation

/// How the public notice (公示) and the merchant's counter name a volunteer. Written once here:
/// every report, CSV, JSON and page that prints a volunteer's name asks `ReportNames`.
public enum ReportNames {
    /// `张秀兰` → `张*兰`, `张兰` → `张*`, `Zhang Lan` → `Z*******n`: enough for her to recognise
    /// herself beside her number, not enough for anyone else to name her.
    public static func masked(_ name: String) -> String {
        let chars = Array(name.trimmingCharacters(in: .whitespacesAndNewlines))
        switch chars.count {
        case 0: return ""
        case 1: return "*"
        case 2: return String(chars[0]) + "*"
        default:
            return String(chars[0]) + String(repeating: "*", count: chars.count - 2) + String(chars[chars.count - 1])
        }
    }

    /// The name the notice prints: her name when she consented to publication, else the masked
    /// name (the notice prints her volunteer number beside it, so she can find her line).
    public static func inNotice(_ name: String, published: Bool) -> String { published ? name : masked(name) }

    /// The number a printed page shows beside the name: the volunteer id's digits (`V0001` → `0001`),
    /// since pages name no internal ids.
    public static func number(_ id: String) -> String { String(id.filter(\.isNumber)) }

    /// The name a merchant sees at the counter: her name when she consented to sharing with
    /// merchants, else the masked name (the counter shows her volunteer number beside it).
    public static func atCounter(_ name: String, shared: Bool) -> String { shared ? name : masked(name) }
}
