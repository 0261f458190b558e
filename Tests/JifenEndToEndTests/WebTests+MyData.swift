import Foundation
import JifenTestSupport
import JifenWeb
import Testing

extension WebTests.Volunteer {
    /// "下载我的数据": her page links to her copy, which downloads as a JSON file holding her data
    /// and nobody else's; signed out, it is the sign-in page's.
    @Test(arguments: StoreKind.allCases)
    func herPageDownloadsHerData(store: StoreKind) throws {
        let (box, site) = try Self.site(store)
        var phone = try Self.signedIn(site, box, as: "V0001")
        #expect(Self.html(phone.get("/web/me")).contains("href=\"/web/me/export\""))
        let file = phone.get("/web/me/export")
        #expect(file.status == 200)
        #expect(WebTests.header(file, "Content-Disposition").first?.contains("attachment") == true)
        let text = WebTests.body(file)
        #expect(text.contains("\"person\":\"V0001\"") && text.contains("张桂兰"))
        #expect(!text.contains("李志强") && !text.contains("13800005678"))
        var stranger = Phone(site: site)
        #expect(stranger.get("/web/me/export").headers.contains { $0.0 == "Content-Disposition" } == false)
    }
}
