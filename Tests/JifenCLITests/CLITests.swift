import JifenCLI
import Testing

@Suite struct CLITests {
    @Test func tablesAlignByDisplayWidth() {
        let table = TextTable(headers: ["姓名", "积分"], rows: [["张桂兰", "120"], ["Bob", "7"]], rightAligned: [1]).render()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        // Every line ends its first column at the same terminal cell.
        let widths = lines.map { TextTable.displayWidth($0) }
        #expect(Set(widths).count == 1, "\(table)")
        #expect(lines[2].hasPrefix("张桂兰  "))
        #expect(lines[3] == "Bob   " + "  " + "   7")
    }

    @Test(arguments: [("张", 2), ("a", 1), ("积分Jifen", 9), ("é", 1), ("ｶ", 1), ("１", 2)])
    func displayWidth(text: String, width: Int) {
        #expect(TextTable.displayWidth(text) == width)
    }

    @Test func globalOptionsBeforeTheSubcommandMoveAfterIt() {
        #expect(
            Jifen.reorderGlobalOptions(["--as", "V0001", "--json", "balance", "V0001"]) == [
                "balance", "V0001", "--as", "V0001", "--json",
            ])
        #expect(Jifen.reorderGlobalOptions(["--db=x.sqlite", "verify"]) == ["verify", "--db=x.sqlite"])
        #expect(Jifen.reorderGlobalOptions(["balance", "--as", "V1"]) == ["balance", "--as", "V1"])
        #expect(
            Jifen.reorderGlobalOptions(["--db", "x", "grant", "V1", "--", "-5"]) == [
                "grant", "V1", "--db", "x", "--", "-5",
            ])
    }
}
