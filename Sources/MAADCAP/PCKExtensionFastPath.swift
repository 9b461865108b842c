import MAAPKI

/// The fast path of ``PCKExtension``: one strict walk over the extension's DER with ``DERScanner`` (no node tree),
/// for extensions whose every element is in the form Intel issues. It returns `nil` for anything else, and the
/// general swift-asn1 parser then accepts or gives the error; what it accepts, the general parser accepts with the
/// same values (differential tests on the real PCK certificates and mutations of their extensions).
extension PCKExtension {
    private static let sequence: UInt8 = 0x30
    private static let objectIdentifier: UInt8 = 0x06
    private static let octetString: UInt8 = 0x04
    private static let integer: UInt8 = 0x02
    private static let enumerated: UInt8 = 0x0A
    private static let boolean: UInt8 = 0x01

    static func fastParse(_ der: ArraySlice<UInt8>) -> PCKExtension? {
        var top = DERScanner(der)
        guard let outer = top.read(sequence), top.isAtEnd else { return nil }
        // Values of .1 … .7, indexed by the last arc.
        var found = [DERScanner.Element?](repeating: nil, count: 8)
        var count = 0
        guard forEachPair(top.inside(outer), { oid, value in
            guard let arc = arc(oid, under: oidContent, in: 1...7), found[Int(arc)] == nil else { return false }
            found[Int(arc)] = value
            count += 1
            return true
        }) else { return nil }
        guard count == 5 || count == 7 else { return nil }
        guard let ppid = octets(der, found[1], 16), let pceID = octets(der, found[3], 2), let fmspc = octets(der, found[4], 6),
            let typeElement = found[5], typeElement.tag == enumerated, typeElement.content.count == 1,
            der[typeElement.content.lowerBound] <= 2, let tcbElement = found[2], tcbElement.tag == sequence
        else { return nil }
        let sgxType = Int(der[typeElement.content.lowerBound])
        // TCB: .2.1 … .2.18 once each.
        var tcb = [DERScanner.Element?](repeating: nil, count: 19)
        var tcbCount = 0
        guard forEachPair(DERScanner(der).inside(tcbElement), { oid, value in
            guard let arc = arc(oid, under: tcbOIDContent, in: 1...18), tcb[Int(arc)] == nil else { return false }
            tcb[Int(arc)] = value
            tcbCount += 1
            return true
        }), tcbCount == 18 else { return nil }
        var components: [UInt8] = []
        components.reserveCapacity(16)
        for arc in 1...16 {
            guard let value = unsignedInteger(der, tcb[arc]), value <= 255 else { return nil }
            components.append(UInt8(value))
        }
        guard let pceSVN = unsignedInteger(der, tcb[17]), pceSVN <= 65535, let cpuSVN = octets(der, tcb[18], 16),
            cpuSVN == components
        else { return nil }
        var platformInstanceID: [UInt8]?
        var configuration: [String: Bool]?
        if count == 7 {
            guard let instance = octets(der, found[6], 16), let configElement = found[7], configElement.tag == sequence else {
                return nil
            }
            var flags: [String: Bool] = [:]
            let names = ["", "dynamicPlatform", "cachedKeys", "SMTEnabled"]
            guard forEachPair(DERScanner(der).inside(configElement), { oid, value in
                guard let arc = arc(oid, under: configurationOIDContent, in: 1...3), flags[names[Int(arc)]] == nil,
                    value.tag == boolean, value.content.count == 1
                else { return false }
                let byte = der[value.content.lowerBound]
                guard byte == 0 || byte == 0xFF else { return false }
                flags[names[Int(arc)]] = byte == 0xFF
                return true
            }) else { return nil }
            platformInstanceID = instance
            configuration = flags
        }
        return PCKExtension(
            ppid: ppid, components: components, pceSVN: UInt16(pceSVN), cpuSVN: cpuSVN, pceID: pceID, fmspc: fmspc,
            sgxType: sgxType, platformInstanceID: platformInstanceID, configuration: configuration)
    }

    /// Walks `SEQUENCE OF SEQUENCE { OID, value }` (at most 32 pairs), handing each OID's content and value element;
    /// `body` returns whether to go on. Returns whether every pair was well formed and accepted.
    private static func forEachPair(
        _ scanner: DERScanner, _ body: (ArraySlice<UInt8>, DERScanner.Element) -> Bool
    ) -> Bool {
        var list = scanner
        var count = 0
        while !list.isAtEnd {
            count += 1
            guard count <= 32, let pair = list.read(sequence) else { return false }
            var parts = list.inside(pair)
            guard let oid = parts.read(objectIdentifier), let tag = parts.peekTag, let value = parts.read(tag),
                parts.isAtEnd, body(parts.content(oid), value)
            else { return false }
        }
        return true
    }

    /// An OCTET STRING of exactly `count` bytes.
    private static func octets(_ der: ArraySlice<UInt8>, _ element: DERScanner.Element?, _ count: Int) -> [UInt8]? {
        guard let element, element.tag == octetString, element.content.count == count else { return nil }
        return Array(der[element.content])
    }

    /// A non-negative INTEGER of at most three content bytes in minimal encoding.
    private static func unsignedInteger(_ der: ArraySlice<UInt8>, _ element: DERScanner.Element?) -> Int? {
        guard let element, element.tag == integer, (1...3).contains(element.content.count) else { return nil }
        let bytes = der[element.content]
        let first = bytes[bytes.startIndex]
        guard first & 0x80 == 0 else { return nil }
        if bytes.count > 1, first == 0, bytes[bytes.startIndex + 1] & 0x80 == 0 { return nil }
        return bytes.reduce(0) { $0 << 8 | Int($1) }
    }
}
