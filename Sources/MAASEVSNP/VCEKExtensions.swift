import SwiftASN1

/// The AMD extensions of a VCEK or VLEK (prefix 1.3.6.1.4.1.3704.1, §3.3): the product, the TCB the key was
/// derived for, and the chip (VCEK) or cloud provider (VLEK) it belongs to.
public struct VCEKExtensions: Sendable, Hashable {
    /// `.1`, structure version (absent in some certificates).
    public let structureVersion: Int?
    /// `.2`, e.g. `Milan-B0` (VCEK) or `Milan` (VLEK).
    public let productName: String
    /// `.3.1` boot loader, `.3.2` TEE, `.3.3` SNP, `.3.8` microcode, `.3.9` FMC (Turin and later).
    public let bootLoaderSPL: UInt8
    public let teeSPL: UInt8
    public let snpSPL: UInt8
    public let microcodeSPL: UInt8
    public let fmcSPL: UInt8?
    /// `.4`, the chip's hardware ID (64 bytes, Turin 8), VCEK only.
    public let hardwareID: [UInt8]?
    /// `.5`, the cloud service provider ID, VLEK only.
    public let cspID: String?

    static let prefix = "1.3.6.1.4.1.3704.1."
    static let authorityKeyIdentifier = "2.5.29.35"
    static let subjectKeyIdentifier = "2.5.29.14"
    static let basicConstraints = "2.5.29.19"
    static let keyUsage = "2.5.29.15"

    /// Reads the extensions of a VCEK or VLEK certificate.
    ///
    /// Each AMD extension may appear once; INTEGER SPLs are DER INTEGERs in 0–255; the product name is an
    /// IA5String; hwID is taken raw (what KDS emits) or as a DER OCTET STRING wrapping it, and must be 8 or 64
    /// bytes. Extensions other than AMD's, the key identifiers, basic constraints and key usage are rejected
    /// (AMD issues none). The reserved SPLs `.3.4`–`.3.7` are not required (the Turin VCEK lacks `.3.4`).
    /// - Throws: `certificateExtensionMalformed(field)`.
    public init(_ certificate: AMDCertificate) throws(SEVSNPError) {
        var seen: Set<String> = []
        var values: [String: [UInt8]] = [:]
        for ext in certificate.extensions {
            guard seen.insert(ext.oid).inserted else {
                throw SEVSNPError(.certificateExtensionMalformed(Self.field(ext.oid)), "extension \(ext.oid) appears twice")
            }
            if ext.oid.hasPrefix(Self.prefix) {
                values[String(ext.oid.dropFirst(Self.prefix.count))] = ext.value
            } else if ![Self.authorityKeyIdentifier, Self.subjectKeyIdentifier, Self.basicConstraints, Self.keyUsage]
                .contains(ext.oid)
            {
                throw SEVSNPError(.certificateExtensionMalformed("unexpected"), "unexpected extension \(ext.oid) in a VCEK/VLEK")
            }
        }
        func spl(_ suffix: String, required: Bool = true) throws(SEVSNPError) -> UInt8? {
            guard let value = values[suffix] else {
                if required { throw SEVSNPError(.certificateExtensionMalformed(suffix), "missing extension .\(suffix)") }
                return nil
            }
            guard let level = Self.smallInteger(value), level <= 255 else {
                throw SEVSNPError(.certificateExtensionMalformed(suffix), "extension .\(suffix) is not an INTEGER in 0-255")
            }
            return UInt8(level)
        }
        if let version = values["1"] {
            guard let number = Self.smallInteger(version) else {
                throw SEVSNPError(.certificateExtensionMalformed("1"), "structure version is not a small INTEGER")
            }
            structureVersion = number
        } else {
            structureVersion = nil
        }
        guard let nameValue = values["2"], let name = Self.ia5String(nameValue), !name.isEmpty else {
            throw SEVSNPError(.certificateExtensionMalformed("2"), "missing or malformed product name")
        }
        productName = name
        bootLoaderSPL = try spl("3.1") ?? 0
        teeSPL = try spl("3.2") ?? 0
        snpSPL = try spl("3.3") ?? 0
        for reserved in ["3.4", "3.5", "3.6", "3.7"] { _ = try spl(reserved, required: false) }
        microcodeSPL = try spl("3.8") ?? 0
        fmcSPL = try spl("3.9", required: false)
        if let raw = values["4"] {
            guard let id = Self.hardwareID(raw) else {
                throw SEVSNPError(.certificateExtensionMalformed("hwID"), "hwID of \(raw.count) bytes (8 or 64 expected)")
            }
            hardwareID = id
        } else {
            hardwareID = nil
        }
        if let raw = values["5"] {
            guard let csp = Self.ia5String(raw) else {
                throw SEVSNPError(.certificateExtensionMalformed("cspID"), "CSP ID is not an IA5String")
            }
            cspID = csp
        } else {
            cspID = nil
        }
        guard !(hardwareID != nil && cspID != nil) else {
            throw SEVSNPError(.certificateExtensionMalformed("hwID"), "both hwID and CSP ID present")
        }
        let known: Set<String> = ["1", "2", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "4", "5"]
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            throw SEVSNPError(.certificateExtensionMalformed(unknown), "unknown AMD extension .\(unknown)")
        }
    }

    /// The TCB the certificate names, in the product's layout (Turin requires the FMC SPL).
    public func tcb(product: SNPProduct) throws(SEVSNPError) -> TCBVersion {
        if product.usesTurinTCBLayout, fmcSPL == nil {
            throw SEVSNPError(.certificateExtensionMalformed("3.9"), "a Turin VCEK needs the FMC SPL")
        }
        return TCBVersion(
            product: product, bootLoader: bootLoaderSPL, tee: teeSPL, snp: snpSPL, microcode: microcodeSPL, fmc: fmcSPL
        )
    }

    private static func field(_ oid: String) -> String {
        oid.hasPrefix(prefix) ? String(oid.dropFirst(prefix.count)) : oid
    }

    /// A DER INTEGER with 1 or 2 content bytes, non-negative.
    static func smallInteger(_ bytes: [UInt8]) -> Int? {
        guard let node = try? DER.parse(bytes), node.identifier == .integer,
            case .primitive(let content) = node.content, content.count == 1 || content.count == 2,
            let value = try? Int(derEncoded: node), value >= 0
        else { return nil }
        return value
    }

    private static func ia5String(_ bytes: [UInt8]) -> String? {
        guard let node = try? DER.parse(bytes), let text = try? ASN1IA5String(derEncoded: node) else { return nil }
        return String(text)
    }

    private static func hardwareID(_ bytes: [UInt8]) -> [UInt8]? {
        if bytes.count == 64 || bytes.count == 8 { return bytes }
        guard let node = try? DER.parse(bytes), let octets = try? ASN1OctetString(derEncoded: node) else { return nil }
        let inner = Array(octets.bytes)
        return inner.count == 64 || inner.count == 8 ? inner : nil
    }
}
