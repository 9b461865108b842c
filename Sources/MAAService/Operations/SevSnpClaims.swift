import MAADCAP
import MAASEVSNP
import MAAWire

/// MAA's claims for a verified SEV-SNP report (sevsnp-verification.md §8), typed: booleans are JSON booleans,
/// SVNs and VMPL numbers, digests lowercase hex.
///
/// The four SVN claims come from REPORTED_TCB (the TCB the VCEK certifies). `x-ms-compliance-status` (an Azure
/// judgement about Azure-built images) is not emitted; a policy may issue its own.
enum SevSnpClaims {
    static func tokenClaims(_ verified: VerifiedSNPReport) -> [String: ClaimValue] {
        let report = verified.report
        let tcb = verified.tcbs.reported
        return [
            "x-ms-sevsnpvm-authorkeydigest": .string(Hex.encode(report.authorKeyDigest)),
            "x-ms-sevsnpvm-bootloader-svn": .integer(Int64(tcb.bootLoader)),
            "x-ms-sevsnpvm-familyId": .string(Hex.encode(report.familyID)),
            "x-ms-sevsnpvm-guestsvn": .integer(Int64(report.guestSVN)),
            "x-ms-sevsnpvm-hostdata": .string(Hex.encode(report.hostData)),
            "x-ms-sevsnpvm-idkeydigest": .string(Hex.encode(report.idKeyDigest)),
            "x-ms-sevsnpvm-imageId": .string(Hex.encode(report.imageID)),
            "x-ms-sevsnpvm-is-debuggable": .bool(report.policy.debug),
            "x-ms-sevsnpvm-launchmeasurement": .string(Hex.encode(report.measurement)),
            "x-ms-sevsnpvm-microcode-svn": .integer(Int64(tcb.microcode)),
            "x-ms-sevsnpvm-migration-allowed": .bool(report.policy.migrateMA),
            "x-ms-sevsnpvm-reportdata": .string(Hex.encode(report.reportData)),
            "x-ms-sevsnpvm-reportid": .string(Hex.encode(report.reportID)),
            "x-ms-sevsnpvm-smt-allowed": .bool(report.policy.smtAllowed),
            "x-ms-sevsnpvm-snpfw-svn": .integer(Int64(tcb.snp)),
            "x-ms-sevsnpvm-tee-svn": .integer(Int64(tcb.tee)),
            "x-ms-sevsnpvm-vmpl": .integer(Int64(report.vmpl)),
        ]
    }

    /// The policy sees the token claims plus what MAA documents no claim for (our additions, policy only):
    /// `x-ms-sevsnpvm-fmc-svn` (Turin and later), `x-ms-sevsnpvm-policy` and `x-ms-sevsnpvm-platforminfo` (the raw
    /// u64 words, for bit tests such as TSME or ALIAS_CHECK_COMPLETE), `x-ms-sevsnpvm-product` (`Milan`, `Genoa`,
    /// `Turin`) and `x-ms-sevsnpvm-revocation-checked`.
    static func incomingClaims(_ verified: VerifiedSNPReport, extending tokenClaims: [String: ClaimValue])
        -> [String: ClaimValue]
    {
        var claims = tokenClaims
        if let fmc = verified.tcbs.reported.fmc { claims["x-ms-sevsnpvm-fmc-svn"] = .integer(Int64(fmc)) }
        claims["x-ms-sevsnpvm-policy"] = .integer(Int64(bitPattern: verified.report.policy.raw))
        claims["x-ms-sevsnpvm-platforminfo"] = .integer(Int64(bitPattern: verified.report.platformInfo.raw))
        claims["x-ms-sevsnpvm-product"] = .string(verified.product.rawValue)
        claims["x-ms-sevsnpvm-revocation-checked"] = .bool(verified.revocationChecked)
        return claims
    }
}
