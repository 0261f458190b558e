import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// "Download my data" (下载我的数据): the signed-in person's copy of everything Jifen holds
/// about her, as the API's JSON (`API.exportMine`), saved as a file.
extension Session {
    func myDataLink() -> Markup {
        "<p><a href=\"/web/me/export\" download>\(w("下载我的数据", "Download my data"))</a></p>"
    }

    /// `GET /web/me/export`: her data as a JSON file.
    func myData() -> WebResponse {
        do {
            let data = try call(API.exportMine, .init())
            let json = try APIJSON.encoder().encode(data)
            return WebResponse(
                headers: [
                    ("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"),
                    ("Content-Disposition", "attachment; filename=\"jifen-my-data.json\""),
                ] + WebResponse.security, body: json)
        } catch {
            return errorPage(w.text("我的数据", "My data"), error)
        }
    }
}
