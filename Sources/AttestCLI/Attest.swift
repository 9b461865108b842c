import ArgumentParser

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
}
