public import MAADCAP

/// What a caller asks for when creating an instance (from the CLI or the admin API).
public struct InstanceSpec: Sendable, Hashable {
    public var name: String
    public var mode: InstanceMode
    /// PEM or DER policy-signer certificates; required (at least one) for isolated mode, refused otherwise.
    public var signerCertificatesDER: [[UInt8]]
    /// Accepted TCB statuses by name; `nil` means ``TCBStatus/secureDefault``.
    public var acceptedTCBStatuses: [String]?
    /// An explicit public base URL for host-name routing; see ``InstanceRecord/baseURL``.
    public var baseURL: String?

    public init(
        name: String,
        mode: InstanceMode,
        signerCertificatesDER: [[UInt8]] = [],
        acceptedTCBStatuses: [String]? = nil,
        baseURL: String? = nil
    ) {
        self.name = name
        self.mode = mode
        self.signerCertificatesDER = signerCertificatesDER
        self.acceptedTCBStatuses = acceptedTCBStatuses
        self.baseURL = baseURL
    }
}
