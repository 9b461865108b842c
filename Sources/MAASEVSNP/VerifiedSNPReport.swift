public import Foundation
import Crypto

/// An SEV-SNP report whose signature, AMD chain, VCEK binding and TCB consistency checked out (§5 step 13).
///
/// Everything appraisal needs is reported, not judged: debug, VMPL, migration agent, SMT and platform bits are
/// for policy (§7; ``SNPAppraisalPolicy`` is the client-side helper).
public struct VerifiedSNPReport: Sendable, Hashable {
    /// The parsed report (raw fields).
    public let report: SNPAttestationReport
    /// The processor generation.
    public let product: SNPProduct
    /// Which key signed the report.
    public let signingKey: SigningKeyKind
    /// The four TCB_VERSION fields, decoded with the product's layout.
    public let tcbs: ReportTCBs
    /// The TCB the VCEK/VLEK certifies (equal to REPORTED_TCB, component by component).
    public let certificateTCB: TCBVersion
    /// The VCEK/VLEK extensions (product name, SPLs, hwID or CSP ID).
    public let leafExtensions: VCEKExtensions
    /// The verified chain.
    public let chain: AMDCertificateChain
    /// Whether an AMD CRL was checked (a CRL is optional unless ``SEVSNPVerifier/Options/requireCRL`` is set).
    public let revocationChecked: Bool
    /// Whether CHIP_ID is all zero (MASK_CHIP_ID), so the VCEK's hwID was not compared.
    public let chipIDMasked: Bool
    /// The verification time used.
    public let verifiedAt: Date

    public var policy: GuestPolicy { report.policy }
    public var platformInfo: PlatformInfo { report.platformInfo }
    /// POLICY.DEBUG.
    public var isDebuggable: Bool { report.policy.debug }

    /// Checks that SHA-256(`runtimeData`) is REPORT_DATA bytes 0–31 and bytes 32–63 are zero (§1).
    public func bindRuntimeData(_ runtimeData: [UInt8]) throws(SEVSNPError) {
        let expected = Array(SHA256.hash(data: runtimeData)) + [UInt8](repeating: 0, count: 32)
        guard report.reportData == expected else {
            throw SEVSNPError(.runtimeDataMismatch, "SHA-256 of the runtime data is not REPORT_DATA[0..<32] (with 32 zero bytes after)")
        }
    }

    /// Checks that SHA-256(`initTimeData`) is HOST_DATA (§1).
    public func bindInitTimeData(_ initTimeData: [UInt8]) throws(SEVSNPError) {
        guard report.hostData == Array(SHA256.hash(data: initTimeData)) else {
            throw SEVSNPError(.initTimeDataMismatch, "SHA-256 of the init-time data is not HOST_DATA")
        }
    }
}
