import Foundation
import JifenCore

/// HTML text: everything a page shows from the ledger goes through `escape`, so a name like
/// `<script>` is shown as typed and never runs. Pages are built from these strings, server-side.
public enum HTML {
    /// Escapes text for an element's content or a double-quoted attribute value.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in DisplayText.escaped(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A query string's value, percent-encoded.
    public static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? ""
    }
}

/// Bilingual words of the pages: Chinese first, English when the reader's browser or switch asks.
struct Words {
    let language: Language
    /// The text in the reader's language, escaped.
    func callAsFunction(_ zh: String, _ en: String) -> String { HTML.escape(language == .en ? en : zh) }
    /// The text in the reader's language, not escaped (for text that is itself HTML).
    func raw(_ zh: String, _ en: String) -> String { language == .en ? en : zh }
    var isEnglish: Bool { language == .en }
}

/// One page: a title, its body, and what every page shares (the stylesheet, the script, the
/// language switch). No inline script or style: the Content-Security-Policy forbids them.
struct PageLayout {
    var title: String
    var body: String
    var language: Language
    /// Path of this page, for the language switch.
    var path: String
    var printable = false
    /// 大字: text at 1.3 times and wider line spacing, chosen on this device (`/web/size`).
    var large = false
    var signedIn = false
    var csrf = ""

    func render() -> String {
        let w = Words(language: language)
        let other = language == .en ? "zh" : "en"
        let switchLabel = language == .en ? "中文" : "English"
        var html =
            "<!doctype html><html lang=\"\(language == .en ? "en" : "zh-CN")\"\(large ? " class=\"large\"" : "")><head><meta charset=\"utf-8\">"
        html += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        html += "<title>\(HTML.escape(title)) · \(w("积分", "Jifen"))</title>"
        html +=
            "<link rel=\"stylesheet\" href=\"\(Static.cssPath)\"><script src=\"\(Static.jsPath)\" defer></script></head>"
        html +=
            "<body\(printable ? " class=\"print\"" : "")><header><a class=\"home\" href=\"/web\">\(w("积分", "Jifen"))</a>"
        html +=
            "<nav aria-label=\"\(w("语言与账户", "Language and account"))\"><a href=\"/web/lang?to=\(other)&amp;back=\(HTML.query(path))\" lang=\"\(other == "en" ? "en" : "zh-CN")\">\(switchLabel)</a>"
        html +=
            "<a href=\"/web/size?to=\(large ? "normal" : "large")&amp;back=\(HTML.query(path))\" id=\"size-switch\">\(large ? w("标准字", "Normal text") : w("大字", "Large text"))</a>"
        html += "</nav></header><main id=\"main\"><h1>\(HTML.escape(title))</h1>\(body)</main>"
        // Signing out is at the bottom, behind a question (`/web/signout`), never one tap beside the language.
        if signedIn {
            html +=
                "<footer class=\"noprint\"><a href=\"/web/signout\" id=\"signout\">\(w("退出登录…", "Sign out…"))</a></footer>"
        }
        html += "</body></html>"
        return html
    }
}

/// Small builders the pages share.
enum Part {
    static func hidden(_ name: String, _ value: String) -> String {
        "<input type=\"hidden\" name=\"\(name)\" value=\"\(HTML.escape(value))\">"
    }

    /// A form posting to `action` with the CSRF token, its `fields` and a submit button.
    static func form(
        _ action: String, csrf: String, fields: String, button: String, buttonClass: String = "primary",
        id: String? = nil,
        label: String? = nil
    ) -> String {
        var html = "<form method=\"post\" action=\"\(action)\""
        if let id { html += " id=\"\(id)\"" }
        if let label { html += " aria-label=\"\(label)\"" }
        html +=
            ">\(hidden("csrf", csrf))\(fields)<button type=\"submit\" class=\"\(buttonClass)\">\(button)</button></form>"
        return html
    }

    /// A labelled text field.
    static func field(
        _ name: String, label: String, value: String = "", type: String = "text", extra: String = "", id: String? = nil
    ) -> String {
        let id = id ?? "f-\(name)"
        return
            "<label for=\"\(id)\">\(label)</label><input id=\"\(id)\" name=\"\(name)\" type=\"\(type)\" value=\"\(HTML.escape(value))\" \(extra)>"
    }

    /// A message box; `kind` is said in words too (not by colour alone).
    static func notice(_ text: String, kind: Kind, w: Words) -> String {
        let (word, role) =
            switch kind {
            case .ok: (w("完成", "Done"), "status")
            case .refused: (w("没有办成", "Not done"), "alert")
            case .info: (w("提示", "Note"), "status")
            }
        return "<div class=\"notice \(kind)\" role=\"\(role)\"><strong>\(word)：</strong>\(text)</div>"
    }

    enum Kind: String { case ok, refused, info }
}
