import Crypto
import Foundation
import MAATesting
import MAAWire
import Testing
import X509

@testable import MAADCAP

/// Spec §9 items marked [test PKI]: semantically wrong but correctly signed inputs, built from the real
/// evidence re-homed under a private root generated here.
@Suite("Negative: re-signed under a test PKI")
struct NegativePKITests {
    @Test func positiveControlUnderTestPKI() throws {
        let s = try ResignedCase.sgx()
        let v = try s.verify(try s.quote(), try s.bundle())
        #expect(v.tcbStatus == .configurationAndSWHardeningNeeded)
        #expect(v.advisoryIDs == ["INTEL-SA-00289", "INTEL-SA-00615"])
        let t = try ResignedCase.tdx()
        #expect(try t.verify(try t.quote(), try t.bundle()).tcbStatus == .upToDate)
        // Intel's pinned key does not accept the test root.
        #expect(throws: DCAPError(.untrustedRoot)) {
            try DCAPVerifier().verify(quote: try s.quote(), collateral: try s.bundle(), at: s.now)
        }
    }

    // MARK: PCK chain and root

    @Test func lookAlikeRoot() throws {
        let s = try ResignedCase.sgx()
        let rogue = try TestPKI(caKind: .processor)
        let quote = try rogue.resign(s.original, chainPEM: try rogue.chainPEM(s.spec))
        #expect(throws: DCAPError(.untrustedRoot)) { try s.verify(quote, try s.bundle()) }
    }

    @Test func leafSignedByAnotherKey() throws {
        let s = try ResignedCase.sgx()
        let other = P256.Signing.PrivateKey()
        let leaf = try TestPKI.cert(
            serial: TestPKI.pckSerial, key: s.pki.pckKey.publicKey, subject: IntelPKI.pckName, issuer: s.pki.ca.subject,
            issuerKey: other, ca: nil, issuerPublic: s.pki.caKey.publicKey,
            extra: Certificate.Extension(oid: PCKExtension.oid, critical: false, value: s.spec.der[...]))
        let quote = try s.pki.resign(s.original, chainPEM: Array(try TestPKI.pem([leaf, s.pki.ca, s.pki.root]).utf8))
        #expect(throws: DCAPError(.certificateSignatureInvalid(.pck))) { try s.verify(quote, try s.bundle()) }
    }

    @Test func intermediateSignedByAnotherKeyWithGoodLeaf() throws {
        let s = try ResignedCase.sgx()
        let badCA = try TestPKI.cert(
            serial: TestPKI.caSerial, key: s.pki.caKey.publicKey, subject: s.pki.ca.subject, issuer: IntelPKI.rootName,
            issuerKey: P256.Signing.PrivateKey(), ca: 0, issuerPublic: s.pki.rootKey.publicKey)
        let quote = try s.pki.resign(s.original, chainPEM: Array(try TestPKI.pem([try s.pki.pckLeaf(s.spec), badCA, s.pki.root]).utf8))
        #expect(throws: DCAPError(.certificateSignatureInvalid(.intermediate))) { try s.verify(quote, try s.bundle()) }
    }

    @Test func leafWithCATrueUsedAsIntermediate() throws {
        let s = try ResignedCase.sgx()
        let leaf = try s.pki.pckLeaf(s.spec, ca: 0)
        let quote = try s.pki.resign(s.original, chainPEM: Array(try TestPKI.pem([leaf, s.pki.ca, s.pki.root]).utf8))
        #expect(throws: DCAPError(.certificateConstraintsViolated(.pck))) { try s.verify(quote, try s.bundle()) }
    }

    @Test func extraSelfSignedCertificateInTheMiddle() throws {
        let s = try ResignedCase.sgx()
        let pem = try TestPKI.pem([try s.pki.pckLeaf(s.spec), s.pki.root, s.pki.ca, s.pki.root])
        let quote = try s.pki.resign(s.original, chainPEM: Array(pem.utf8))
        #expect(throws: DCAPError(.pckChainMalformed)) { try s.verify(quote, try s.bundle()) }
    }

    @Test(arguments: [[UInt8](repeating: 0x42, count: 20), []])
    func akiDoesNotMatchSKI(aki: [UInt8]) throws {
        let s = try ResignedCase.sgx()
        let leaf = try TestPKI.cert(
            serial: TestPKI.pckSerial, key: s.pki.pckKey.publicKey, subject: IntelPKI.pckName, issuer: s.pki.ca.subject,
            issuerKey: s.pki.caKey, ca: nil, issuerPublic: s.pki.caKey.publicKey,
            extra: Certificate.Extension(oid: PCKExtension.oid, critical: false, value: s.spec.der[...]), aki: aki[...])
        let quote = try s.pki.resign(s.original, chainPEM: Array(try TestPKI.pem([leaf, s.pki.ca, s.pki.root]).utf8))
        #expect(throws: DCAPError(.certificateConstraintsViolated(.pck))) { try s.verify(quote, try s.bundle()) }
    }

    // MARK: CRLs

    @Test func revokedPCK() throws {
        let s = try ResignedCase.sgx()
        #expect(throws: DCAPError(.certificateRevoked(.pck))) {
            try s.verify(try s.quote(), try s.bundle(revokedByCA: [TestPKI.pckSerial]))
        }
    }

    @Test func revokedIntermediateAndTCBSigning() throws {
        let s = try ResignedCase.sgx()
        #expect(throws: DCAPError(.certificateRevoked(.intermediate))) {
            try s.verify(try s.quote(), try s.bundle(revokedByRoot: [TestPKI.caSerial]))
        }
        #expect(throws: DCAPError(.certificateRevoked(.tcbSigning))) {
            try s.verify(try s.quote(), try s.bundle(revokedByRoot: [TestPKI.tcbSerial]))
        }
        // Serial numbers compare by value: a leading zero byte in the CRL entry still matches.
        #expect(throws: DCAPError(.certificateRevoked(.pck))) {
            try s.verify(try s.quote(), try s.bundle(revokedByCA: [[0x00, 0x8B, 0xCC], [0x0B, 0xCC]]))
        }
    }

    @Test func crlByTheWrongIssuer() throws {
        let s = try ResignedCase.sgx()
        var bundle = try s.bundle()
        // PCK CRL signed and named by the root instead of the PCK CA.
        bundle.pckCRL = try TestPKI.crl(issuer: s.pki.root, key: s.pki.rootKey)
        #expect(throws: DCAPError(.crlIssuerMismatch(.pck))) { try s.verify(try s.quote(), bundle) }
        // Right name, wrong key.
        bundle.pckCRL = try TestPKI.crl(issuer: s.pki.ca, key: P256.Signing.PrivateKey())
        #expect(throws: DCAPError(.crlSignatureInvalid(.pck))) { try s.verify(try s.quote(), bundle) }
        // Right name and key, wrong AKI.
        bundle.pckCRL = try TestPKI.crl(issuer: s.pki.ca, key: s.pki.caKey, aki: [1, 2, 3])
        #expect(throws: DCAPError(.crlIssuerMismatch(.pck))) { try s.verify(try s.quote(), bundle) }
    }

    @Test func crlTimes() throws {
        let s = try ResignedCase.sgx()
        var bundle = try s.bundle()
        bundle.pckCRL = try TestPKI.crl(issuer: s.pki.ca, key: s.pki.caKey, nextUpdate: nil)
        #expect(throws: DCAPError(.crlMalformed(.pck))) { try s.verify(try s.quote(), bundle) }
        bundle.pckCRL = try TestPKI.crl(issuer: s.pki.ca, key: s.pki.caKey, thisUpdate: s.now.addingTimeInterval(1))
        #expect(throws: DCAPError(.crlNotYetValid(.pck))) { try s.verify(try s.quote(), bundle) }
        bundle.rootCACRL = try TestPKI.crl(issuer: s.pki.root, key: s.pki.rootKey, nextUpdate: s.now.addingTimeInterval(-1))
        #expect(throws: DCAPError(.crlExpired(.root))) { try s.verify(try s.quote(), bundle) }
    }

    // MARK: PCK extension

    @Test func pckExtensionMalformed() throws {
        let s = try ResignedCase.sgx()
        var cases: [(SGXExtensionSpec, String)] = []
        var spec = s.spec; spec.extraTCBEntry = true; cases.append((spec, "tcb"))
        spec = s.spec; spec.duplicateComponent5 = true; cases.append((spec, "tcb"))
        spec = s.spec; spec.components[3] = 300; cases.append((spec, "tcb"))
        spec = s.spec; spec.dropFMSPC = true; cases.append((spec, "outer"))
        spec = s.spec; spec.fmspc = Array(spec.fmspc.prefix(5)); cases.append((spec, "fmspc"))
        spec = s.spec; spec.extraOuterEntry = true; cases.append((spec, "outer"))
        spec = s.spec; spec.cpuSVN[0] &+= 1; cases.append((spec, "cpusvn"))
        for (spec, field) in cases {
            #expect(throws: DCAPError(.pckExtensionMalformed(field))) { try s.verify(try s.quote(spec: spec), try s.bundle()) }
        }
    }

    @Test func deeplyNestedExtension() throws {
        var value: [UInt8] = DERW.int(1)
        for _ in 0..<100 { value = DERW.seq([value]) }
        #expect(throws: (any Error).self) { try PCKExtension(der: value[...]) }
        let s = try ResignedCase.sgx()
        let leaf = try TestPKI.cert(
            serial: TestPKI.pckSerial, key: s.pki.pckKey.publicKey, subject: IntelPKI.pckName, issuer: s.pki.ca.subject,
            issuerKey: s.pki.caKey, ca: nil, issuerPublic: s.pki.caKey.publicKey,
            extra: Certificate.Extension(oid: PCKExtension.oid, critical: false, value: value[...]))
        let quote = try s.pki.resign(s.original, chainPEM: Array(try TestPKI.pem([leaf, s.pki.ca, s.pki.root]).utf8))
        #expect(throws: DCAPError(.pckExtensionMalformed("der"))) { try s.verify(quote, try s.bundle()) }
    }

    // MARK: Collateral documents

    @Test func qeIdentitySignedByNonIntelKey() throws {
        let s = try ResignedCase.sgx()
        var bundle = try s.bundle()
        bundle.qeIdentitySignature = Array(try P256.Signing.PrivateKey().signature(for: bundle.qeIdentity).rawRepresentation)
        #expect(throws: DCAPError(.collateralSignatureInvalid(.qeIdentity))) { try s.verify(try s.quote(), bundle) }
        // Chained to a rogue root.
        let rogue = try TestPKI()
        bundle = try s.bundle()
        bundle.qeIdentityIssuerChain = try TestPKI.pem([rogue.tcbSigning, rogue.root])
        #expect(throws: DCAPError(.untrustedRoot)) { try s.verify(try s.quote(), bundle) }
    }

    @Test func pceIDMismatch() throws {
        let s = try ResignedCase.sgx()
        #expect(throws: DCAPError(.pceIdMismatch)) { try s.verify(try s.quote(), try s.bundle(tcbInfo: { $0["pceId"] = "0001" })) }
    }

    @Test func fifteenComponents() throws {
        for s in [try ResignedCase.sgx(), try ResignedCase.tdx()] {
            for key in s.run.quote.contains("tdx") ? ["sgxtcbcomponents", "tdxtcbcomponents"] : ["sgxtcbcomponents"] {
                let bundle = try s.bundle(tcbInfo: { info in
                    var levels = JSONEdit.levels(info)
                    var tcb = levels[0]["tcb"] as? [String: Any] ?? [:]
                    tcb[key] = Array((tcb[key] as? [Any] ?? []).prefix(15))
                    levels[0]["tcb"] = tcb
                    info["tcbLevels"] = levels
                })
                #expect(throws: DCAPError(.collateralMalformed(.tcbInfo))) { try s.verify(try s.quote(), bundle) }
            }
        }
    }

    @Test func unknownStatusAndTCBType() throws {
        let s = try ResignedCase.sgx()
        let unknown = try s.bundle(tcbInfo: { info in
            var levels = JSONEdit.levels(info)
            levels[0]["tcbStatus"] = "Unknown"
            info["tcbLevels"] = levels
        })
        #expect(throws: DCAPError(.unknownTcbStatus)) { try s.verify(try s.quote(), unknown) }
        #expect(throws: DCAPError(.collateralMalformed(.tcbInfo))) {
            try s.verify(try s.quote(), try s.bundle(tcbInfo: { $0["tcbType"] = 1 }))
        }
    }

    @Test func duplicateLevels() throws {
        let s = try ResignedCase.sgx()
        let bundle = try s.bundle(tcbInfo: { info in
            let levels = JSONEdit.levels(info)
            info["tcbLevels"] = [levels[0]] + levels
        })
        #expect(throws: DCAPError(.collateralMalformed(.tcbInfo))) { try s.verify(try s.quote(), bundle) }
    }

    @Test func tdxModuleFieldRules() throws {
        let s = try ResignedCase.sgx()
        let t = try ResignedCase.tdx()
        let tdxInfo = try JSONSerialization.jsonObject(with: Data(t.realBundle.tcbInfo)) as? [String: Any] ?? [:]
        #expect(throws: DCAPError(.collateralMalformed(.tcbInfo))) {
            try s.verify(try s.quote(), try s.bundle(tcbInfo: { $0["tdxModule"] = tdxInfo["tdxModule"] }))
        }
        #expect(throws: DCAPError(.collateralMalformed(.tcbInfo))) {
            try t.verify(try t.quote(), try t.bundle(tcbInfo: { $0["tdxModule"] = nil }))
        }
    }

    // MARK: QE

    @Test func qeIdentityMismatches() throws {
        let s = try ResignedCase.sgx()
        let cases: [(String, (inout [String: Any]) -> Void)] = [
            ("mrsigner", { $0["mrsigner"] = String(repeating: "AB", count: 32) }),
            ("isvprodid", { $0["isvprodid"] = 7 }),
            ("attributes", { $0["attributes"] = "13000000000000000000000000000000" }),
            ("miscselect", { $0["miscselect"] = "00000001" }),
        ]
        for (field, edit) in cases {
            #expect(throws: DCAPError(.qeIdentityMismatch(field))) { try s.verify(try s.quote(), try s.bundle(qeIdentity: edit)) }
        }
    }

    @Test func qeTCBLevels() throws {
        let s = try ResignedCase.sgx()
        #expect(throws: DCAPError(.qeTcbNotSupported)) {
            try s.verify(try s.quote(), try s.bundle(qeIdentity: { id in
                id["tcbLevels"] = [["tcb": ["isvsvn": 60000], "tcbDate": "2024-03-13T00:00:00Z", "tcbStatus": "UpToDate"]]
            }))
        }
        func onlyQELevel(_ status: String) throws -> CollateralBundle {
            try s.bundle(qeIdentity: { id in
                id["tcbLevels"] = [["tcb": ["isvsvn": 0], "tcbDate": "2024-03-13T00:00:00Z", "tcbStatus": status, "advisoryIDs": ["INTEL-SA-QE"]]]
            })
        }
        #expect(throws: DCAPError(.tcbRevoked)) { try s.verify(try s.quote(), try onlyQELevel("Revoked")) }
        // Platform ConfigurationAndSWHardeningNeeded + QE OutOfDate → OutOfDateConfigurationNeeded (Intel's rule).
        let v = try s.verify(try s.quote(), try onlyQELevel("OutOfDate"))
        #expect(v.tcbStatus == .outOfDateConfigurationNeeded)
        #expect(v.advisoryIDs == ["INTEL-SA-00289", "INTEL-SA-00615", "INTEL-SA-QE"])
    }

    // MARK: TCB matching

    @Test func levelOrderDoesNotMatter() throws {
        let s = try ResignedCase.sgx()
        for transform in [{ (l: [[String: Any]]) in Array(l.reversed()) }, { (l: [[String: Any]]) in
            var g = SplitMix64(seed: 7); return l.shuffled(using: &g) }] {
            let v = try s.verify(try s.quote(), try s.bundle(tcbInfo: { $0["tcbLevels"] = transform(JSONEdit.levels($0)) }))
            #expect(v.tcbStatus == .configurationAndSWHardeningNeeded)
            #expect(v.advisoryIDs == ["INTEL-SA-00289", "INTEL-SA-00615"])
        }
    }

    @Test func component16Required() throws {
        let s = try ResignedCase.sgx()
        let bundle = try s.bundle(tcbInfo: { info in
            var level = JSONEdit.levels(info)[0]
            var tcb = level["tcb"] as? [String: Any] ?? [:]
            tcb["sgxtcbcomponents"] = (0..<16).map { ["svn": $0 == 15 ? 1 : 0] }
            tcb["pcesvn"] = 0
            level["tcb"] = tcb
            info["tcbLevels"] = [level]
        })
        #expect(throws: DCAPError(.tcbLevelNotFound)) { try s.verify(try s.quote(), bundle) }
    }

    @Test func platformRevoked() throws {
        let s = try ResignedCase.sgx()
        let bundle = try s.bundle(tcbInfo: { info in
            info["tcbLevels"] = JSONEdit.levels(info).map { var l = $0; l["tcbStatus"] = "Revoked"; return l }
        })
        #expect(throws: DCAPError(.tcbRevoked)) { try s.verify(try s.quote(), bundle) }
    }

    // MARK: TDX module

    func moduleEdit(_ t: ResignedCase, _ edit: @escaping (inout [String: Any]) -> Void) throws -> CollateralBundle {
        try t.bundle(tcbInfo: { info in
            var identities = info["tdxModuleIdentities"] as? [[String: Any]] ?? []
            if let index = identities.firstIndex(where: { ($0["id"] as? String) == "TDX_01" }) { edit(&identities[index]) }
            info["tdxModuleIdentities"] = identities
        })
    }

    @Test func tdxModule() throws {
        let t = try ResignedCase.tdx()
        #expect(throws: DCAPError(.tdxModuleMismatch)) { try t.verify(try t.quote(), try moduleEdit(t) { $0["id"] = "TDX_09" }) }
        #expect(throws: DCAPError(.tdxModuleMismatch)) {
            try t.verify(try t.quote(), try moduleEdit(t) { $0["mrsigner"] = String(repeating: "01", count: 48) })
        }
        #expect(throws: DCAPError(.tdxModuleMismatch)) {
            try t.verify(try t.quote(), try moduleEdit(t) { $0["attributes"] = "0100000000000000" })
        }
        #expect(throws: DCAPError(.tdxModuleTcbNotSupported)) {
            try t.verify(try t.quote(), try moduleEdit(t) { m in
                m["tcbLevels"] = [["tcb": ["isvsvn": 200], "tcbDate": "2024-03-13T00:00:00Z", "tcbStatus": "UpToDate"]]
            })
        }
        let outdated = try t.verify(try t.quote(), try moduleEdit(t) { m in
            m["tcbLevels"] = [["tcb": ["isvsvn": 0], "tcbDate": "2024-03-13T00:00:00Z", "tcbStatus": "OutOfDate", "advisoryIDs": ["INTEL-SA-MOD"]]]
        })
        #expect(outdated.tcbStatus == .outOfDate)
        #expect(outdated.tcb.moduleStatus == .outOfDate)
        #expect(outdated.advisoryIDs == ["INTEL-SA-MOD"])
    }

    @Test func tdRelaunchAdvised() throws {
        // The v5 evidence quote: under a test PKI with a PCK whose components meet the levels, mark the levels
        // that TEE_TCB_SVN (07 01 03 …) meets OutOfDate while TEE_TCB_SVN2 (0d 01 03 …) meets an UpToDate one.
        let t = try ResignedCase(EvidenceRun.all[7])
        var spec = t.spec
        spec.components = spec.components.map { _ in 255 }
        spec.cpuSVN = spec.components.map { UInt8($0) }
        let quote = try t.quote(spec: spec)
        let bundle = try t.bundle(tcbInfo: { info in
            let base = JSONEdit.levels(info)[0]
            func level(_ tdx2: Int, _ status: String) -> [String: Any] {
                var l = base
                var tcb = l["tcb"] as? [String: Any] ?? [:]
                tcb["tdxtcbcomponents"] = (0..<16).map { ["svn": $0 == 2 ? tdx2 : 0] }
                tcb["sgxtcbcomponents"] = (0..<16).map { _ in ["svn": 0] }
                tcb["pcesvn"] = 0
                l["tcb"] = tcb
                l["tcbStatus"] = status
                l["advisoryIDs"] = nil
                return l
            }
            info["tcbLevels"] = [level(3, "OutOfDate"), level(0, "OutOfDate")]
            // No relaunch advice: both evaluations give OutOfDate.
        })
        #expect(try t.verify(quote, bundle).tcbStatus == .outOfDate)
        // Now make TEE_TCB_SVN2 (byte 0 = 0x0d, module ISVSVN) reach an UpToDate module level while TEE_TCB_SVN
        // (byte 0 = 0x07) stays OutOfDate.
        let relaunch = try t.bundle(tcbInfo: { info in
            var identities = info["tdxModuleIdentities"] as? [[String: Any]] ?? []
            for index in identities.indices {
                identities[index]["tcbLevels"] = [
                    ["tcb": ["isvsvn": 13], "tcbDate": "2025-01-01T00:00:00Z", "tcbStatus": "UpToDate"],
                    ["tcb": ["isvsvn": 0], "tcbDate": "2024-01-01T00:00:00Z", "tcbStatus": "OutOfDate"],
                ]
            }
            info["tdxModuleIdentities"] = identities
            info["tcbLevels"] = JSONEdit.levels(info).map { l in
                var l = l
                var tcb = l["tcb"] as? [String: Any] ?? [:]
                tcb["sgxtcbcomponents"] = (0..<16).map { _ in ["svn": 0] }
                tcb["pcesvn"] = 0
                tcb["tdxtcbcomponents"] = (0..<16).map { _ in ["svn": 0] }
                l["tcb"] = tcb
                l["tcbStatus"] = "UpToDate"
                return l
            }.prefix(1).map { $0 }
        })
        let v = try t.verify(quote, relaunch)
        #expect(v.tcbStatus == .tdRelaunchAdvised)
    }

    @Test func attestationKeyNotOnCurve() throws {
        let s = try ResignedCase.sgx()
        let quote = try s.pki.resign(
            s.original, chainPEM: try s.pki.chainPEM(s.spec), attestationKeyOverride: [UInt8](repeating: 0x01, count: 64))
        #expect(throws: DCAPError(.attestationKeyInvalid)) { try s.verify(quote, try s.bundle()) }
    }

    // MARK: Report attributes

    @Test func debugEnclaveIsReported() throws {
        let s = try ResignedCase.sgx()
        let quote = try s.quote(mutateBody: { $0[48 + 48] |= 0x02 })
        let v = try s.verify(quote, try s.bundle())
        #expect(v.isDebuggable)
        #expect(v.claims()["x-ms-sgx-is-debuggable"] == .bool(true))
        #expect(throws: DCAPError(.debugNotAllowed)) { try AppraisalPolicy().appraise(v) }
    }

    @Test func debugTDIsReported() throws {
        let t = try ResignedCase.tdx()
        let quote = try t.quote(mutateBody: { $0[48 + 120] |= 0x01 })
        let v = try t.verify(quote, try t.bundle())
        #expect(v.claims()["tdx_td_attributes_debug"] == .bool(true))
        #expect(v.claims()["dbgstat"] == .string("enabled"))
        #expect(throws: DCAPError(.debugNotAllowed)) { try AppraisalPolicy().appraise(v) }
    }

    @Test func serviceTDIsReported() throws {
        let t = try ResignedCase(EvidenceRun.all[7])
        var spec = t.spec
        spec.components = spec.components.map { _ in 255 }
        spec.cpuSVN = spec.components.map { UInt8($0) }
        let quote = try t.quote(spec: spec, mutateBody: { $0[54 + 600] = 1 })
        let v = try t.verify(quote, try t.bundle())
        #expect(v.claims()["tdx_mrservicetd"] != .string(String(repeating: "0", count: 96)))
        #expect(throws: DCAPError(.serviceTdNotAllowed)) {
            try AppraisalPolicy(acceptedStatuses: Set(TCBStatus.allCases)).appraise(v)
        }
    }

    @Test func outOfDateIsNotPlainValid() throws {
        let v = try EvidenceRun.all[2].run()
        #expect(throws: DCAPError(.tcbStatusNotAccepted(.outOfDate))) { try AppraisalPolicy().appraise(v) }
        try AppraisalPolicy().appraise(try EvidenceRun.all[4].run())  // UpToDate TDX passes
    }
}

