import Crypto
import MAAWire

/// Claims of a verified quote, named as MAA names them (spec §7, policy-language §4).
///
/// ``VerifiedQuote/claims(runtimeData:)`` gives the token claims the verifier can supply (request-independent
/// ones plus `x-ms-sgx-ehd` when runtime data is given); ``VerifiedQuote/incomingClaims(runtimeData:)`` adds
/// the deprecated `$`-named aliases the policy language sees. Service claims (`iss`, `x-ms-policy-hash`, …) are
/// not produced here.
///
/// Our additions, not in MAA's documented SGX set: `x-ms-sgx-tcb-status` and `x-ms-sgx-advisory-ids` (SGX/OE),
/// `attester_advisory_ids` (TDX, beside MAA's `attester_tcb_status`).
extension VerifiedQuote {
    /// Checks that SHA-256(`runtimeData`) equals REPORTDATA bytes 0–31 (§7.2).
    public func bindRuntimeData(_ runtimeData: [UInt8]) throws(DCAPError) {
        let digest = Array(SHA256.hash(data: runtimeData))
        guard Array(reportData.bytes.prefix(32)) == digest else {
            throw DCAPError(.runtimeDataMismatch, "SHA-256 of the runtime data is not REPORTDATA[0..<32]")
        }
    }

    /// Checks that SHA-256(`initTimeData`) equals CONFIGID bytes 0–31 and bytes 32–63 are zero (SGX only, §7.2).
    public func bindInitTimeData(_ initTimeData: [UInt8]) throws(DCAPError) {
        guard case .sgx(let body) = quote.body else { throw DCAPError(.initTimeDataMismatch, "not an SGX quote") }
        let expected = Array(SHA256.hash(data: initTimeData)) + [UInt8](repeating: 0, count: 32)
        guard body.configID.bytes == expected else { throw DCAPError(.initTimeDataMismatch) }
    }

    /// The report data of the enclave or TD.
    public var reportData: Measurement {
        switch quote.body {
        case .sgx(let body): body.reportData
        case .td(let td): td.reportData
        }
    }

    /// Token claims. `runtimeData` (already bound with ``bindRuntimeData(_:)``) adds `x-ms-sgx-ehd`.
    public func claims(runtimeData: [UInt8]? = nil) -> [String: ClaimValue] {
        switch quote.body {
        case .sgx(let body): sgxClaims(body, runtimeData: runtimeData)
        case .td(let td): tdxClaims(td)
        }
    }

    /// Incoming claims for the policy engine: the token claims plus the deprecated `$`-named aliases (SGX).
    public func incomingClaims(runtimeData: [UInt8]? = nil) -> [String: ClaimValue] {
        incomingClaims(extending: claims(runtimeData: runtimeData))
    }

    /// Incoming claims built on token claims this quote's ``claims(runtimeData:)`` already returned (so a caller
    /// that needs both computes them once).
    public func incomingClaims(extending tokenClaims: [String: ClaimValue]) -> [String: ClaimValue] {
        var claims = tokenClaims
        if case .sgx(let body) = quote.body {
            claims["$is-debuggable"] = .bool(body.isDebuggable)
            claims["$product-id"] = .integer(Int64(body.isvProductID))
            claims["$sgx-mrsigner"] = .string(body.mrSigner.hex)
            claims["$sgx-mrenclave"] = .string(body.mrEnclave.hex)
            claims["$svn"] = .integer(Int64(body.isvSVN))
            claims["$tee"] = .string("sgx")
            if let collateral = claims["x-ms-sgx-collateral"] { claims["$maa-attestationcollateral"] = collateral }
            if let ehd = claims["x-ms-sgx-ehd"] {
                claims["$maa-ehd"] = ehd
                claims["$aas-ehd"] = ehd
            }
        }
        return claims
    }

    private func sgxClaims(_ body: SGXReportBody, runtimeData: [UInt8]?) -> [String: ClaimValue] {
        let hashes = collateralHashes
        let collateral = ClaimValue.object([
            "qeidcertshash": .string(hashes.qeIDCertsHash),
            "qeidcrlhash": .string(hashes.qeIDCRLHash),
            "qeidhash": .string(hashes.qeIDHash),
            "quotehash": .string(evidenceHash),
            "tcbinfocertshash": .string(hashes.tcbInfoCertsHash),
            "tcbinfocrlhash": .string(hashes.tcbInfoCRLHash),
            "tcbinfohash": .string(hashes.tcbInfoHash),
        ])
        var claims: [String: ClaimValue] = [
            "x-ms-attestation-type": .string("sgx"),
            "x-ms-sgx-is-debuggable": .bool(body.isDebuggable),
            "x-ms-sgx-mrenclave": .string(body.mrEnclave.hex),
            "x-ms-sgx-mrsigner": .string(body.mrSigner.hex),
            "x-ms-sgx-product-id": .integer(Int64(body.isvProductID)),
            "x-ms-sgx-svn": .integer(Int64(body.isvSVN)),
            "x-ms-sgx-report-data": .string(body.reportData.hex),
            "x-ms-sgx-collateral": collateral,
            "maa-attestationcollateral": collateral,
            "x-ms-sgx-tcb-status": .string(tcbStatus.rawValue),
            "x-ms-sgx-advisory-ids": .array(advisoryIDs.map(ClaimValue.string)),
        ]
        // Room for the claims added below and by ``incomingClaims(extending:)``, so neither grows (and rehashes) it.
        claims.reserveCapacity(32)
        if body.attributes.hasKSS {
            claims["x-ms-sgx-config-id"] = .string(body.configID.hex)
            claims["x-ms-sgx-config-svn"] = .integer(Int64(body.configSVN))
            claims["x-ms-sgx-isv-extended-product-id"] = .string(body.isvExtendedProductID.hex)
            claims["x-ms-sgx-isv-family-id"] = .string(body.isvFamilyID.hex)
        }
        if let runtimeData {
            let ehd = ClaimValue.string(Base64.urlEncoded(runtimeData))
            claims["x-ms-sgx-ehd"] = ehd
            claims["aas-ehd"] = ehd
            claims["maa-ehd"] = ehd
        }
        return claims
    }

    private func tdxClaims(_ td: TDReportBody) -> [String: ClaimValue] {
        let attributes = td.tdAttributes
        let svn = td.teeTCBSVN.bytes
        var claims: [String: ClaimValue] = [
            "x-ms-attestation-type": .string("tdxvm"),
            "eat_profile": .string("https://aka.ms/maa-eat-profile-tdxvm"),
            "dbgstat": .string(attributes.isDebug ? "enabled" : "disabled"),
            "intuse": .string("generic"),
            "attester_tcb_status": .string(tcbStatus.rawValue),
            "attester_advisory_ids": .array(advisoryIDs.map(ClaimValue.string)),
            "tdx_mrseam": .string(td.mrSeam.hex),
            "tdx_mrsignerseam": .string(td.mrSignerSeam.hex),
            "tdx_mrtd": .string(td.mrTD.hex),
            "tdx_mrconfigid": .string(td.mrConfigID.hex),
            "tdx_mrowner": .string(td.mrOwner.hex),
            "tdx_mrownerconfig": .string(td.mrOwnerConfig.hex),
            "tdx_rtmr0": .string(td.rtmrs[0].hex),
            "tdx_rtmr1": .string(td.rtmrs[1].hex),
            "tdx_rtmr2": .string(td.rtmrs[2].hex),
            "tdx_rtmr3": .string(td.rtmrs[3].hex),
            "tdx_report_data": .string(td.reportData.hex),
            "tdx_seam_attributes": .string(td.seamAttributes.hex),
            "tdx_td_attributes": .string(attributes.bytes.isEmpty ? "" : Hex.encode(attributes.bytes)),
            "tdx_xfam": .string(td.xfam.hex),
            "tdx_tee_tcb_svn": .string(td.teeTCBSVN.hex),
            // §10: the module SVN as the little-endian u16 of TEE_TCB_SVN[0..1].
            "tdx_seamsvn": .integer(Int64(svn[0]) | Int64(svn[1]) << 8),
            "tdx_td_attributes_debug": .bool(attributes.isDebug),
            "tdx_td_attributes_septve_disable": .bool(attributes.septVEDisable),
            "tdx_td_attributes_protection_keys": .bool(attributes.protectionKeys),
            "tdx_td_attributes_key_locker": .bool(attributes.keyLocker),
            "tdx_td_attributes_perfmon": .bool(attributes.perfmon),
        ]
        if let mrServiceTD = td.mrServiceTD { claims["tdx_mrservicetd"] = .string(mrServiceTD.hex) }
        if let svn2 = td.teeTCBSVN2 { claims["tdx_tee_tcb_svn2"] = .string(svn2.hex) }
        return claims
    }
}
