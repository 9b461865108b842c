import MAAWire

/// A fixed-size binary value from a report: a measurement register (MRENCLAVE, MRSIGNER, MRTD, RTMRn, …),
/// report data, an SVN vector or an identifier. Compare by value; ``hex`` is lowercase.
public struct Measurement: Hashable, Sendable, CustomStringConvertible {
    /// The raw bytes, as stored in the report.
    public let bytes: [UInt8]

    public init(_ bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }

    /// Lowercase hexadecimal.
    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }
    /// Whether every byte is zero.
    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
}
