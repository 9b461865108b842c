import Foundation
import MAAPKI
import MAATesting
import MAAWire

@testable import MAASEVSNP

/// The virtee/sev Milan and Turin evidence (../shared/evidence/sev-snp/virtee-sev/).
enum SevSnpEvidence {
    static let directory = "evidence/sev-snp/virtee-sev/"
    /// The verification time the evidence README gives (2023-04-04T19:23:43Z).
    static let verifyTime = Date(timeIntervalSince1970: 1_680_636_223)

    static func milanReport() throws -> [UInt8] {
        let text = try SharedData.text(directory + "report_milan.hex").filter { !$0.isWhitespace }
        return try Hex.decode(text)
    }

    static func der(_ name: String) throws -> [UInt8] { try SharedData.bytes(directory + name) }

    /// PEM file → DER blocks.
    static func pem(_ name: String) throws -> [[UInt8]] { try PEMCertificates.derBlocks(try SharedData.bytes(directory + name)) }

    /// VCEK, ASK, ARK for the Milan report.
    static func milanChain() throws -> [[UInt8]] { [try der("vcek_milan.der")] + (try pem("cert_chain_milan")) }

    static func turinChain() throws -> [[UInt8]] { [try der("vcek_turin.der")] + (try pem("cert_chain_turin")) }

    static func verifyMilan(
        report: [UInt8]? = nil, chain: [[UInt8]]? = nil, options: SEVSNPVerifier.Options = .init(),
        crls: [SNPProduct: [UInt8]] = [:], at time: Date = verifyTime
    ) throws -> VerifiedSNPReport {
        try SEVSNPVerifier(options: options).verify(
            report: try report ?? milanReport(), certificates: try chain ?? milanChain(), crls: crls, at: time
        )
    }
}

/// Runs `body` and returns the SEV-SNP error code it threw (`nil` when it succeeded).
func snpErrorCode(_ body: () throws -> Void) -> SEVSNPError.Code? {
    do {
        try body()
        return nil
    } catch let error as SEVSNPError {
        return error.code
    } catch {
        return SEVSNPError.Code("unexpected: \(error)")
    }
}
