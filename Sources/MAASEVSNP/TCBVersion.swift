/// A TCB_VERSION (8 bytes) decoded with its product's layout (§2.2): the security patch level of each firmware
/// component.
///
/// Milan and Genoa: byte 0 boot loader, 1 TEE, 6 SNP, 7 microcode. Turin: byte 0 FMC, 1 boot loader, 2 TEE,
/// 3 SNP, 7 microcode. Compare with ``isAtMost(_:)`` / ``isAtLeast(_:)``, component by component — never as one
/// integer (a higher u64 can hide a lower SNP level).
public struct TCBVersion: Sendable, Hashable, CustomStringConvertible {
    /// The raw value, as a little-endian u64 of the report bytes.
    public let raw: UInt64
    public let bootLoader: UInt8
    public let tee: UInt8
    public let snp: UInt8
    public let microcode: UInt8
    /// The FMC level (Turin and later); `nil` for Milan and Genoa.
    public let fmc: UInt8?

    /// Decodes a raw TCB_VERSION with the product's layout.
    public init(raw: UInt64, product: SNPProduct) {
        self.raw = raw
        func byte(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: raw >> (8 * UInt64(index))) }
        if product.usesTurinTCBLayout {
            fmc = byte(0)
            bootLoader = byte(1)
            tee = byte(2)
            snp = byte(3)
        } else {
            fmc = nil
            bootLoader = byte(0)
            tee = byte(1)
            snp = byte(6)
        }
        microcode = byte(7)
    }

    /// A TCB from its components, encoded with the product's layout (Turin needs `fmc`; it is ignored otherwise).
    public init(product: SNPProduct, bootLoader: UInt8, tee: UInt8, snp: UInt8, microcode: UInt8, fmc: UInt8? = nil) {
        var raw = UInt64(microcode) << 56
        if product.usesTurinTCBLayout {
            raw |= UInt64(fmc ?? 0) | UInt64(bootLoader) << 8 | UInt64(tee) << 16 | UInt64(snp) << 24
        } else {
            raw |= UInt64(bootLoader) | UInt64(tee) << 8 | UInt64(snp) << 48
        }
        self.init(raw: raw, product: product)
    }

    /// Every component (FMC too when both have one) is ≤ the other's.
    public func isAtMost(_ other: TCBVersion) -> Bool {
        bootLoader <= other.bootLoader && tee <= other.tee && snp <= other.snp && microcode <= other.microcode
            && (fmc ?? 0) <= (other.fmc ?? 0)
    }

    /// Every component is ≥ the other's.
    public func isAtLeast(_ other: TCBVersion) -> Bool { other.isAtMost(self) }

    /// Components equal (the reserved bytes are not compared: they carry no level).
    public func hasSameComponents(as other: TCBVersion) -> Bool {
        bootLoader == other.bootLoader && tee == other.tee && snp == other.snp && microcode == other.microcode
            && fmc == other.fmc
    }

    public var description: String {
        let fmcText = fmc.map { "fmc \($0), " } ?? ""
        return "\(fmcText)bl \(bootLoader), tee \(tee), snp \(snp), ucode \(microcode)"
    }
}

/// A minimum TCB a policy requires, per component, independent of the layout (§6).
public struct MinimumTCB: Sendable, Hashable {
    public var bootLoader: UInt8
    public var tee: UInt8
    public var snp: UInt8
    public var microcode: UInt8
    /// Turin and later only; ignored for Milan and Genoa.
    public var fmc: UInt8

    public init(bootLoader: UInt8 = 0, tee: UInt8 = 0, snp: UInt8 = 0, microcode: UInt8 = 0, fmc: UInt8 = 0) {
        self.bootLoader = bootLoader
        self.tee = tee
        self.snp = snp
        self.microcode = microcode
        self.fmc = fmc
    }

    /// Whether `tcb` meets this minimum in every component.
    public func isMet(by tcb: TCBVersion) -> Bool {
        tcb.bootLoader >= bootLoader && tcb.tee >= tee && tcb.snp >= snp && tcb.microcode >= microcode
            && (tcb.fmc.map { $0 >= fmc } ?? true)
    }
}
