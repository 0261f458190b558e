import Foundation
import JifenCore

/// HTML text: everything a page shows from the ledger is escaped, so a name like `<script>` is
/// shown as typed and never runs. `Markup` interpolation is the one place that calls `escape`.
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

/// A piece of a page, safe by construction. Markup is written only as string literals in this
/// module's source (the pages' own tags and attributes); whatever is interpolated into it is text
/// and is escaped (a `String`, a number, anything printable), unless it is itself `Markup` built
/// the same way. No initializer takes a run-time `String` as markup: the only markup that does not
/// come from a literal is a flash notice this server sealed for this session (`Markup(sealed:)`).
/// The stylesheet and the script are files of their own (`Static`); the QR code's SVG is built
/// with this interpolation too (`QRCode.markup`).
struct Markup: ExpressibleByStringInterpolation, Equatable, Sendable {
    /// The HTML, ready to send.
    private(set) var html: String

    init(stringLiteral literal: StaticString) { html = literal.description }

    init(stringInterpolation: StringInterpolation) { html = stringInterpolation.html }

    /// Markup this server built and sealed for this session (a flash notice read back from its cookie).
    init(sealed html: String) { self.html = html }

    struct StringInterpolation: StringInterpolationProtocol {
        var html = ""

        init(literalCapacity: Int, interpolationCount: Int) { html.reserveCapacity(literalCapacity * 2) }

        mutating func appendLiteral(_ literal: StaticString) { html += literal.description }

        /// Text: escaped.
        mutating func appendInterpolation(_ text: String) { html += HTML.escape(text) }

        /// A number or any other value: its text, escaped.
        mutating func appendInterpolation<Value: CustomStringConvertible>(_ value: Value) {
            html += HTML.escape(value.description)
        }

        /// Markup: as it is.
        mutating func appendInterpolation(_ markup: Markup) { html += markup.html }
    }

    static func + (lhs: Markup, rhs: Markup) -> Markup { Markup(sealed: lhs.html + rhs.html) }

    static func += (lhs: inout Markup, rhs: Markup) { lhs.html += rhs.html }

    var isEmpty: Bool { html.isEmpty }
}

extension Sequence where Element == Markup {
    func joined(separator: Markup = "") -> Markup {
        var out: Markup = ""
        var first = true
        for part in self {
            if !first { out += separator }
            out += part
            first = false
        }
        return out
    }
}

extension DefaultStringInterpolation {
    /// Markup is never text: putting it into a `String` would escape it twice later, or not at all.
    @available(*, unavailable, message: "Markup goes into Markup (a page), never into a String")
    mutating func appendInterpolation(_ markup: Markup) {}
}

/// Bilingual words of the pages: Chinese first, English when the reader's browser or switch asks.
struct Words {
    let language: Language
    /// The text in the reader's language, as markup (escaped).
    func callAsFunction(_ zh: String, _ en: String) -> Markup { "\(text(zh, en))" }
    /// The text in the reader's language, as plain text (a title, a label, a message: escaped where it is shown).
    func text(_ zh: String, _ en: String) -> String { language == .en ? en : zh }
    var isEnglish: Bool { language == .en }
}

/// One page: a title, its body, and what every page shares (the stylesheet, the script, the
/// language switch). No inline script or style: the Content-Security-Policy forbids them.
struct PageLayout {
    var title: String
    var body: Markup
    var language: Language
    /// Path of this page, for the language switch.
    var path: String
    var printable = false
    /// 大字: text at 1.3 times and wider line spacing, chosen on this device (`/web/size`).
    var large = false
    var signedIn = false
    var csrf = ""

    func render() -> Markup {
        let w = Words(language: language)
        let other = language == .en ? "zh" : "en"
        let switchLabel = language == .en ? "中文" : "English"
        let largeClass: Markup = large ? " class=\"large\"" : ""
        let printClass: Markup = printable ? " class=\"print\"" : ""
        var html: Markup = "<!doctype html><html lang=\"\(language == .en ? "en" : "zh-CN")\"\(largeClass)>"
        html += "<head><meta charset=\"utf-8\">"
        html += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        html += "<title>\(title) · \(w("积分", "Jifen"))</title>"
        html += "<link rel=\"stylesheet\" href=\"\(Static.cssPath)\">"
        html += "<script src=\"\(Static.jsPath)\" defer></script></head>"
        html += "<body\(printClass)><header><a class=\"home\" href=\"/web\">\(w("积分", "Jifen"))</a>"
        html += "<nav aria-label=\"\(w("语言与账户", "Language and account"))\">"
        html +=
            "<a href=\"/web/lang?to=\(other)&amp;back=\(HTML.query(path))\" lang=\"\(other == "en" ? "en" : "zh-CN")\">"
        html += "\(switchLabel)</a>"
        html +=
            "<a href=\"/web/size?to=\(large ? "normal" : "large")&amp;back=\(HTML.query(path))\" id=\"size-switch\">"
        html += "\(large ? w("标准字", "Normal text") : w("大字", "Large text"))</a>"
        html += "</nav></header><main id=\"main\"><h1>\(title)</h1>\(body)</main>"
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
    static func hidden(_ name: String, _ value: String) -> Markup {
        "<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\">"
    }

    /// A form posting to `action` with the CSRF token, its `fields` and a submit button.
    static func form(
        _ action: String, csrf: String, fields: Markup, button: Markup, buttonClass: String = "primary",
        id: String? = nil,
        label: Markup? = nil
    ) -> Markup {
        var html: Markup = "<form method=\"post\" action=\"\(action)\""
        if let id { html += " id=\"\(id)\"" }
        if let label { html += " aria-label=\"\(label)\"" }
        html +=
            ">\(hidden("csrf", csrf))\(fields)<button type=\"submit\" class=\"\(buttonClass)\">\(button)</button></form>"
        return html
    }

    /// A labelled text field.
    static func field(
        _ name: String, label: Markup, value: String = "", type: String = "text", extra: Markup = "", id: String? = nil
    ) -> Markup {
        let id = id ?? "f-\(name)"
        return "<label for=\"\(id)\">\(label)</label>"
            + "<input id=\"\(id)\" name=\"\(name)\" type=\"\(type)\" value=\"\(value)\" \(extra)>"
    }

    /// A message box; `kind` is said in words too (not by colour alone).
    static func notice(_ text: Markup, kind: Kind, w: Words) -> Markup {
        let (word, role) =
            switch kind {
            case .ok: (w("完成", "Done"), "status")
            case .refused: (w("没有办成", "Not done"), "alert")
            case .info: (w("提示", "Note"), "status")
            }
        return "<div class=\"notice \(kind.rawValue)\" role=\"\(role)\"><strong>\(word)：</strong>\(text)</div>"
    }

    enum Kind: String { case ok, refused, info }
}
