import Testing

@testable import JifenCLI

/// The command line's argument-error helpers: the nearest command to a mistyped one, negative
/// numbers told apart from options, and the language and JSON preferences read before parsing.
@Suite struct ArgumentErrorsTests {
    @Test func nearestCommandAndNegativeNumbers() {
        #expect(ArgumentErrors.distance("blance", "balance") == 1)
        #expect(ArgumentErrors.distance("", "abc") == 3)
        #expect(ArgumentErrors.distance("verfy", "verify") == 1)
        #expect(
            ArgumentErrors.commandWords(["--db", "x.sqlite", "--lang", "zh", "--json", "hours", "aprove", "--as", "A"])
                == ["hours", "aprove"])
        #expect(
            ArgumentErrors.unknownCommand(["--lang", "zh", "blance"])?.message.en.contains(
                "Did you mean jifen balance?") == true)
        #expect(ArgumentErrors.unknownCommand(["certificate", "V0001"]) == nil)
        #expect(ArgumentErrors.unknownCommand(["grant", "V0001", "5"]) == nil)
        for text in ["-5", "-0.5", "-12"] { #expect(ArgumentErrors.isNegativeNumber(text)) }
        for text in ["--json", "-h", "-", "5", "-x5"] { #expect(!ArgumentErrors.isNegativeNumber(text)) }
        let prefs = ArgumentErrors.preferences(
            ["--lang=zh", "grant", "--json", "--", "--lang", "en"], environment: [:])
        #expect(prefs.language == .zh && prefs.json)
        #expect(ArgumentErrors.chinese("Unknown option '--bogus'").contains("未知选项 --bogus"))
    }
}
