public import ArgumentParser
import Foundation
import JifenCore

/// `jifen`: the volunteer points ledger from the command line.
public struct Jifen: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jifen",
        abstract: "积分 Jifen — volunteer service hours become points; points buy services at partner merchants.",
        discussion: """
            以服务换积分，以积分换服务。A first run, in an empty folder:
            Example: jifen init --community 玫瑰园社区 --admin 李主任
            Example: jifen --as 李主任 volunteer add --name 张桂兰 --phone 13800001234
            Example: jifen --as 李主任 grant V0001 100 --reason 纸质台账结转
            Example: jifen balance V0001
            The examples of `jifen <command> --help` run as written on the database
            the README's commands make (init --admin 李主任, export JIFEN_ACTOR=李主任).
            `jifen --version` (or `--json --version`) prints the release and the commit it was built from.
            Example: jifen --version
            Exit status: 0 ok, 1 verify found faults, 64 usage, 65 refused, 74 database fault, 75 busy.
            """,
        subcommands: [
            Init.self, Config.self, TeamCommand.self, VolunteerCommand.self, MerchantCommand.self,
            ActivityCommand.self, Checkin.self, Checkout.self, Hours.self, Records.self, CertificateCommand.self,
            Grant.self, TransferCommand.self, Reverse.self, Balance.self, Statement.self, Expire.self, Verify.self,
            CheckpointCommand.self,
            WebhookCommand.self, Notify.self, Migrate.self, Backup.self,
            OfferCommand.self, Code.self, Redeem.self, Pickup.self, Release.self, Refund.self, Settle.self, Report.self,
            Export.self, Seed.self,
            Serve.self, Login.self, Logout.self, WhoAmI.self, CredentialCommand.self,
            WishCommand.self,
            ResidentCommand.self, RequestCommand.self,
            OfficeCommand.self, CommunityCommand.self,
            PersonCommand.self,
            ConsentCommand.self, SealIDs.self,
        ])

    public init() {}
}

extension Jifen {
    /// The global options that take a value, and those that do not.
    static let takesValue: Set<String> = ["--db", "--as", "--lang", "--busy-timeout", "--server", "--key-file"]
    static let flags: Set<String> = ["--json"]

    /// Whether the arguments ask for the version: `--version` alone, with global options around it
    /// (`jifen --json --version`), before any subcommand.
    public static func asksForVersion(_ arguments: [String]) -> Bool {
        var rest: [String] = []
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) || (takesValue.contains(name) && argument.contains("=")) {
                index += 1
            } else if takesValue.contains(name) {
                index += 2
            } else {
                rest.append(argument)
                index += 1
            }
        }
        return rest == ["--version"]
    }

    /// Global options may come before the subcommand (`jifen --as V0001 balance V0001`), as
    /// people expect; ArgumentParser reads options only on the command that declares them, so
    /// leading global options are moved to the end, where the subcommand's `GlobalOptions` reads them.
    public static func reorderGlobalOptions(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) {
                leading.append(argument)
                index += 1
            } else if takesValue.contains(name) {
                if argument.contains("=") {
                    leading.append(argument)
                    index += 1
                } else {
                    leading.append(contentsOf: arguments[index..<min(index + 2, arguments.count)])
                    index += 2
                }
            } else {
                break
            }
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        var rest = Array(arguments[index...])
        // Options must stay before a `--` that ends them (as in `grant V0001 -- -5`).
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: leading, at: end)
        return rest
    }

    /// The executable's entry point.
    /// - Parameter commit: the commit the binary was built from (the BuildCommit plugin's `buildCommit`).
    public static func runFromCommandLine(commit: String = "unknown") {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if asksForVersion(arguments) {
            let version = BuildVersion(commit: commit)
            print(ArgumentErrors.preferences(arguments).json ? version.json : version.line)
            exit()
        }
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(reorderGlobalOptions(arguments))
        } catch {
            // Help and version requests are not errors: the parser prints them and exits 0.
            if exitCode(for: error) == .success { exit(withError: error) }
            let (language, json) = ArgumentErrors.preferences(arguments)
            let explained = ArgumentErrors.explain(error, arguments: arguments)
            Context.report(explained, language: language, json: json)
            if !json, explained.code != .unknownCommand {
                // The usage lines and the `--help` pointer after the parser's own first line.
                let rest = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
                    .joined(separator: "\n").trimmingCharacters(in: .newlines)
                if !rest.isEmpty { FileHandle.standardError.write(Data((rest + "\n").utf8)) }
            }
            exit(withError: ExitCode(ExitStatus.usage))
        }
        do {
            var command = command
            try command.run()
            exit()
        } catch {
            exit(withError: error)
        }
    }
}
