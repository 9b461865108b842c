import ArgumentParser
import Foundation
import MAADCAP

/// `attest collateral import FILE [--data-dir DIR]`: verifies a QuoteCollateralV3 bundle and adds it to
/// `<data-dir>/collateral/`.
struct CollateralCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collateral",
        abstract: "Manage DCAP collateral in the data directory.",
        subcommands: [Import.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a collateral bundle (signatures, chains, CRLs, contents) and store it."
        )

        @Argument(help: "Collateral in QuoteCollateralV3 JSON.")
        var file: String

        @Option(help: "Data directory (default ./attest-data).")
        var dataDir: String = "attest-data"

        @Option(help: "Also require the collateral to be current at this UNIX time.")
        var at: Int64?

        func run() throws {
            do {
                let bundle = try CollateralBundle(jsonBytes: Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                if let at {
                    _ = try VerifiedCollateral(bundle, at: Date(timeIntervalSince1970: TimeInterval(at)))
                }
                let directory = CollateralDirectory(dataDirectory: URL(fileURLWithPath: dataDir))
                let (url, verified) = try directory.importBundle(bundle)
                let format = ISO8601DateFormatter()
                print("imported \(verified.key), TCB evaluation data number \(verified.tcbInfo.tcbEvaluationDataNumber)")
                print("valid \(format.string(from: verified.validFrom)) .. \(format.string(from: verified.validUntil))")
                print(url.path)
            } catch {
                print("rejected: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
