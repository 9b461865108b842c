/// An AMD SEV-SNP attestation report (1184 bytes, little-endian; §2), parsed and format-checked but not verified.
///
/// Parsing checks the size, the version (2–5; 1 only with `compatVersion1`), the signature algorithm, the
/// signer info, every must-be-zero range, the POLICY reserved bits and that R and S fit in 48 bytes. The TCB
/// fields are kept raw here: their layout depends on the product (``tcb(_:product:)``), which a version 2 report
/// does not name.
public struct SNPAttestationReport: Sendable, Hashable {
    /// The size of every report.
    public static let size = 0x4A0
    /// The end of the signed part: the signature covers `[0, 0x2A0)`.
    public static let signedSize = 0x2A0

    /// The report bytes exactly as received.
    public let bytes: [UInt8]
    /// VERSION as found in the report.
    public let version: UInt32
    public let guestSVN: UInt32
    public let policy: GuestPolicy
    /// FAMILY_ID (16 bytes) from the ID block.
    public let familyID: [UInt8]
    /// IMAGE_ID (16 bytes) from the ID block.
    public let imageID: [UInt8]
    /// The VM privilege level that requested the report.
    public let vmpl: UInt32
    /// SIGNATURE_ALGO (always 1, ECDSA P-384 with SHA-384, once parsed).
    public let signatureAlgorithm: UInt32
    public let currentTCBRaw: UInt64
    public let platformInfo: PlatformInfo
    public let signerInfo: SignerInfo
    /// REPORT_DATA (64 bytes), supplied by the guest.
    public let reportData: [UInt8]
    /// MEASUREMENT (48 bytes), the launch digest.
    public let measurement: [UInt8]
    /// HOST_DATA (32 bytes), supplied by the host at launch.
    public let hostData: [UInt8]
    /// ID_KEY_DIGEST (48 bytes).
    public let idKeyDigest: [UInt8]
    /// AUTHOR_KEY_DIGEST (48 bytes).
    public let authorKeyDigest: [UInt8]
    /// REPORT_ID (32 bytes).
    public let reportID: [UInt8]
    /// REPORT_ID_MA (32 bytes; all `FF` without a migration agent).
    public let reportIDMA: [UInt8]
    /// REPORTED_TCB: the TCB the VCEK was derived for.
    public let reportedTCBRaw: UInt64
    /// CPUID family, model and stepping (version 3 and later).
    public let cpuid: (family: UInt8, model: UInt8, stepping: UInt8)?
    /// CHIP_ID (64 bytes; zero when MASK_CHIP_ID is set).
    public let chipID: [UInt8]
    public let committedTCBRaw: UInt64
    /// Firmware version (build, minor, major) running now and committed.
    public let currentFirmware: FirmwareVersion
    public let committedFirmware: FirmwareVersion
    public let launchTCBRaw: UInt64
    /// Mitigation vectors (version 5 and later).
    public let launchMitigationVector: UInt64?
    public let currentMitigationVector: UInt64?
    /// R and S of the ECDSA P-384 signature, 48 bytes each, big-endian.
    public let signatureR: [UInt8]
    public let signatureS: [UInt8]

    /// The bytes the signature covers (a slice of ``bytes``).
    public var signedBytes: ArraySlice<UInt8> { bytes[0..<Self.signedSize] }

    /// Parses a report.
    /// - Parameter compatVersion1: accept VERSION 1 as version 2 (MAA's 2022 example); off by default.
    public init(_ input: some Collection<UInt8>, compatVersion1: Bool = false) throws(SEVSNPError) {
        let bytes = Array(input)
        guard bytes.count >= Self.size else {
            throw SEVSNPError(.reportTruncated, "\(bytes.count) bytes, a report has \(Self.size)")
        }
        guard bytes.count == Self.size else {
            throw SEVSNPError(.reportMalformed("size"), "\(bytes.count) bytes, a report has \(Self.size)")
        }
        self.bytes = bytes
        func u32(_ offset: Int) -> UInt32 {
            var value: UInt32 = 0
            for index in (0..<4).reversed() { value = value << 8 | UInt32(bytes[offset + index]) }
            return value
        }
        func u64(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
            return value
        }
        func field(_ offset: Int, _ count: Int) -> [UInt8] { Array(bytes[offset..<(offset + count)]) }

        version = u32(0x000)
        let layoutVersion: UInt32
        switch version {
        case 2...5: layoutVersion = version
        case 1 where compatVersion1: layoutVersion = 2
        default: throw SEVSNPError(.unsupportedReportVersion, "report version \(version)")
        }
        signatureAlgorithm = u32(0x034)
        guard signatureAlgorithm == 1 else {
            throw SEVSNPError(.unsupportedSignatureAlgorithm, "SIGNATURE_ALGO \(signatureAlgorithm) (only 1, ECDSA P-384)")
        }
        signerInfo = try SignerInfo(raw: u32(0x048))
        guard signerInfo.signingKey != .none else { throw SEVSNPError(.reportUnsigned, "SIGNING_KEY is 7 (no key)") }

        let reservedStart = layoutVersion >= 3 ? 0x18B : 0x188
        let zeroRanges: [Range<Int>] = [
            0x04C..<0x050, reservedStart..<0x1A0, 0x1EB..<0x1EC, 0x1EF..<0x1F0, 0x208..<0x2A0, 0x330..<0x4A0,
        ]
        for range in zeroRanges {
            if let offset = range.first(where: { bytes[$0] != 0 }) {
                throw SEVSNPError(
                    .reportMalformed("reserved"), "reserved byte at 0x\(String(offset, radix: 16)) is not zero"
                )
            }
        }

        policy = GuestPolicy(raw: u64(0x008))
        guard policy.isWellFormed else {
            throw SEVSNPError(.reportMalformed("policy"), "POLICY 0x\(String(policy.raw, radix: 16)): bit 17 must be 1, bits 26-63 zero")
        }

        // R at 0x2A0 and S at 0x2E8, 72 bytes little-endian each; the top 24 bytes must be zero.
        func scalar(_ offset: Int) throws(SEVSNPError) -> [UInt8] {
            guard bytes[(offset + 48)..<(offset + 72)].allSatisfy({ $0 == 0 }) else {
                throw SEVSNPError(.reportMalformed("signature"), "signature component wider than 48 bytes")
            }
            return bytes[offset..<(offset + 48)].reversed()
        }
        signatureR = try scalar(0x2A0)
        signatureS = try scalar(0x2E8)

        guestSVN = u32(0x004)
        familyID = field(0x010, 16)
        imageID = field(0x020, 16)
        vmpl = u32(0x030)
        currentTCBRaw = u64(0x038)
        platformInfo = PlatformInfo(raw: u64(0x040))
        reportData = field(0x050, 64)
        measurement = field(0x090, 48)
        hostData = field(0x0C0, 32)
        idKeyDigest = field(0x0E0, 48)
        authorKeyDigest = field(0x110, 48)
        reportID = field(0x140, 32)
        reportIDMA = field(0x160, 32)
        reportedTCBRaw = u64(0x180)
        cpuid = layoutVersion >= 3 ? (bytes[0x188], bytes[0x189], bytes[0x18A]) : nil
        chipID = field(0x1A0, 64)
        committedTCBRaw = u64(0x1E0)
        currentFirmware = FirmwareVersion(build: bytes[0x1E8], minor: bytes[0x1E9], major: bytes[0x1EA])
        committedFirmware = FirmwareVersion(build: bytes[0x1EC], minor: bytes[0x1ED], major: bytes[0x1EE])
        launchTCBRaw = u64(0x1F0)
        launchMitigationVector = layoutVersion >= 5 ? u64(0x1F8) : nil
        currentMitigationVector = layoutVersion >= 5 ? u64(0x200) : nil
    }

    /// The product the report names in its CPUID bytes (version 3 and later); `nil` for version 2.
    /// - Throws: `unsupportedProduct` for a family/model this verifier does not support (Venice included).
    public func cpuidProduct() throws(SEVSNPError) -> SNPProduct? {
        guard let cpuid else { return nil }
        guard let product = SNPProduct.identify(family: cpuid.family, model: cpuid.model) else {
            throw SEVSNPError(
                .unsupportedProduct,
                "CPUID family 0x\(String(cpuid.family, radix: 16)) model 0x\(String(cpuid.model, radix: 16))"
            )
        }
        return product
    }

    /// The four TCB fields decoded with a product's layout.
    public func tcbs(product: SNPProduct) -> ReportTCBs {
        ReportTCBs(
            current: TCBVersion(raw: currentTCBRaw, product: product),
            reported: TCBVersion(raw: reportedTCBRaw, product: product),
            committed: TCBVersion(raw: committedTCBRaw, product: product),
            launch: TCBVersion(raw: launchTCBRaw, product: product)
        )
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

/// A firmware version as the report carries it.
public struct FirmwareVersion: Sendable, Hashable, CustomStringConvertible {
    public let build: UInt8
    public let minor: UInt8
    public let major: UInt8

    public var description: String { "\(major).\(minor) build \(build)" }
}

/// The four TCB_VERSION fields of a report, decoded.
public struct ReportTCBs: Sendable, Hashable {
    public let current: TCBVersion
    public let reported: TCBVersion
    public let committed: TCBVersion
    public let launch: TCBVersion
}
