#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Settings of the service core.
public struct ServiceConfiguration: Sendable {
    /// The server's public base URL (scheme, host, port), e.g. `http://127.0.0.1:8080`. Instance URLs are this
    /// followed by `/<name>` unless an instance has its own base URL.
    public var publicBaseURL: String
    /// The longest lifetime of any token the service issues, in seconds (8 h, MAA's attestation tokens). Retired
    /// signing keys stay published this long (plus ``keyRetentionSlack``) after retirement.
    public var maximumTokenLifetime: Int64
    /// Extra time a retired key stays published, for clock skew.
    public var keyRetentionSlack: Int64
    /// How long a TPM `service_context` issued in round 1 stays usable, in seconds (default 5 minutes; 60–1800).
    public var tpmServiceContextLifetime: Int64
    /// Which RSA implementation signs tokens (the system OpenSSL when available, by default).
    public var rsaSigningBackend: RSASigningBackend
    /// The clock for token times and key bookkeeping (Unix seconds). Collateral judgement has its own time.
    public var now: @Sendable () -> Int64
    /// Makes a new signing key for an instance URL at a time; tests may substitute a cheaper generator.
    public var makeSigningKey: @Sendable (_ instanceURL: String, _ now: Int64) throws -> SigningKeyRecord

    public init(
        publicBaseURL: String,
        maximumTokenLifetime: Int64 = 8 * 3600,
        keyRetentionSlack: Int64 = 300,
        tpmServiceContextLifetime: Int64 = 300,
        rsaSigningBackend: RSASigningBackend = .automatic,
        now: @escaping @Sendable () -> Int64 = ServiceConfiguration.systemNow,
        makeSigningKey: @escaping @Sendable (String, Int64) throws -> SigningKeyRecord = {
            try SigningKeyFactory.make(instanceURL: $0, now: $1)
        }
    ) {
        self.makeSigningKey = makeSigningKey
        self.publicBaseURL = publicBaseURL
        self.maximumTokenLifetime = maximumTokenLifetime
        self.keyRetentionSlack = keyRetentionSlack
        self.rsaSigningBackend = rsaSigningBackend
        self.tpmServiceContextLifetime = min(max(tpmServiceContextLifetime, 60), 1800)
        self.now = now
    }

    /// The system clock in whole Unix seconds.
    @Sendable public static func systemNow() -> Int64 {
        Int64(Date().timeIntervalSince1970)
    }
}

