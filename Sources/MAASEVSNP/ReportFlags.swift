/// The guest POLICY (u64) the guest owner set at launch (§2.3).
public struct GuestPolicy: Sendable, Hashable {
    /// The raw value.
    public let raw: UInt64

    public init(raw: UInt64) { self.raw = raw }

    /// Minimum firmware ABI minor version (bits 7:0).
    public var abiMinor: UInt8 { UInt8(truncatingIfNeeded: raw) }
    /// Minimum firmware ABI major version (bits 15:8).
    public var abiMajor: UInt8 { UInt8(truncatingIfNeeded: raw >> 8) }
    /// SMT may be enabled (bit 16).
    public var smtAllowed: Bool { bit(16) }
    /// A migration agent may be associated (bit 18).
    public var migrateMA: Bool { bit(18) }
    /// The host may debug (decrypt) the guest (bit 19).
    public var debug: Bool { bit(19) }
    /// The guest may run on one socket only (bit 20).
    public var singleSocket: Bool { bit(20) }
    /// CXL may be populated (bit 21).
    public var cxlAllowed: Bool { bit(21) }
    /// AES-256-XTS memory encryption required (bit 22).
    public var memAES256XTS: Bool { bit(22) }
    /// RAPL must be disabled (bit 23).
    public var raplDisabled: Bool { bit(23) }
    /// Ciphertext hiding for DRAM must be enabled (bit 24).
    public var ciphertextHiding: Bool { bit(24) }
    /// Guest page swap commands are disabled (bit 25).
    public var pageSwapDisabled: Bool { bit(25) }

    /// Bit 17 is reserved and must be 1; bits 63:26 are reserved and must be 0.
    var isWellFormed: Bool { bit(17) && raw >> 26 == 0 }

    private func bit(_ index: UInt64) -> Bool { raw >> index & 1 == 1 }
}

/// PLATFORM_INFO (u64): how the platform was configured when the report was made (§2.4). Unknown bits are kept in
/// ``raw`` and are not an error (firmware may add bits).
public struct PlatformInfo: Sendable, Hashable {
    public let raw: UInt64

    public init(raw: UInt64) { self.raw = raw }

    public var smtEnabled: Bool { bit(0) }
    public var tsmeEnabled: Bool { bit(1) }
    public var eccEnabled: Bool { bit(2) }
    public var raplDisabled: Bool { bit(3) }
    public var ciphertextHidingEnabled: Bool { bit(4) }
    /// The BadRAM alias check has completed (AMD-SB-3015).
    public var aliasCheckComplete: Bool { bit(5) }
    public var tioEnabled: Bool { bit(7) }

    private func bit(_ index: UInt64) -> Bool { raw >> index & 1 == 1 }
}

/// Which key signed the report (signer info bits 4:2).
public enum SigningKeyKind: UInt8, Sendable, Hashable {
    /// The chip's Versioned Chip Endorsement Key.
    case vcek = 0
    /// A Versioned Loaded Endorsement Key (provisioned by a cloud provider).
    case vlek = 1
    /// The report is not signed.
    case none = 7
}

/// The signer info word at 0x48 (§2).
public struct SignerInfo: Sendable, Hashable {
    public let raw: UInt32
    /// AUTHOR_KEY_EN: the ID block was signed with an author key (AUTHOR_KEY_DIGEST is meaningful).
    public var authorKeyEnabled: Bool { raw & 1 == 1 }
    /// MASK_CHIP_KEY: CHIP_ID is zero.
    public var maskChipKey: Bool { raw >> 1 & 1 == 1 }
    public let signingKey: SigningKeyKind

    /// Decodes the word; reserved SIGNING_KEY values (2–6) or any of bits 31:5 set → `reportMalformed(signerInfo)`.
    init(raw: UInt32) throws(SEVSNPError) {
        guard raw >> 5 == 0 else {
            throw SEVSNPError(.reportMalformed("signerInfo"), "reserved signer-info bits set: 0x\(String(raw, radix: 16))")
        }
        guard let kind = SigningKeyKind(rawValue: UInt8(truncatingIfNeeded: raw >> 2 & 0x7)) else {
            throw SEVSNPError(.reportMalformed("signerInfo"), "reserved SIGNING_KEY value \(raw >> 2 & 0x7)")
        }
        self.raw = raw
        self.signingKey = kind
    }
}
