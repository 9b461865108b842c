import ArgumentParser
import Foundation

@main
struct Attest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Verify attestation evidence, manage attestation policies, and run an MAA-compatible service.",
        subcommands: [
            TokenCommand.self, VerifyCommand.self, CollateralCommand.self, PolicyCommand.self, ServeCommand.self,
            InstanceCommand.self, MetadataCommand.self, SignersCommand.self, SgxCommand.self, OpenEnclaveCommand.self,
            TpmCommand.self, SevSnpCommand.self, TdxCommand.self, PolicySignersCommand.self,
        ]
    )

    /// Runs the command. Usage errors (an unknown or missing option) exit with status 2, the "error" status of every
    /// `attest` command's contract, rather than ArgumentParser's 64; help and version requests still exit 0.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
