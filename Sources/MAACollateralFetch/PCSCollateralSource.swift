public import AsyncHTTPClient
import Foundation
public import MAADCAP
import MAAPKI
import MAAWire
import NIOCore
import NIOHTTP1

/// DCAP collateral fetched over HTTP from a PCCS or an Intel PCS-compatible service (the v4 API, spec §1.3).
///
/// For a ``CollateralKey`` it requests, concurrently: the TCB Info for the FMSPC (`/sgx|tdx/certification/v4/tcb`),
/// the QE / TD QE Identity (`…/qe/identity`), the PCK CRL of the key's CA (`/sgx/certification/v4/pckcrl`,
/// DER) and the Root CA CRL, and assembles a ``CollateralBundle`` from the bodies and the URL-encoded PEM
/// issuer-chain headers. The signed documents are cut out of the responses byte for byte, never re-serialised.
///
/// Nothing fetched is trusted here: use the source through ``CollateralRefresher``, which verifies every bundle
/// (signatures, chains to the pinned root, CRLs, contents, validity) before it is stored or used. Responses are
/// bounded in size and time.
public struct PCSCollateralSource: CollateralSource {
    /// Where to fetch from and the limits.
    public struct Configuration: Sendable {
        /// The service root, e.g. `https://api.trustedservices.intel.com` or `https://pccs.example:8081`; the
        /// `/sgx/certification/v4/…` and `/tdx/certification/v4/…` paths are appended.
        public var baseURL: String
        /// Where the Root CA CRL is (DER, hex or PEM accepted). Default: `<baseURL>/sgx/certification/v4/rootcacrl`
        /// (a PCCS); Intel publishes it at `https://certificates.trustedservices.intel.com/IntelSGXRootCA.der`.
        public var rootCACRLURL: String
        /// Deadline for each request, body included.
        public var timeout: Duration
        /// Largest accepted response body, per request.
        public var maximumResponseSize: Int
        /// Ask for the `early` or `standard` TCB recovery update (`update=` query); `nil` leaves the server's default.
        public var tcbUpdate: TCBUpdate?

        /// Which TCB Info / QE Identity release to request.
        public enum TCBUpdate: String, Sendable {
            case early
            case standard
        }

        /// A configuration for `baseURL` (an absolute `http` or `https` URL with a host).
        public init(
            baseURL: String, rootCACRLURL: String? = nil, timeout: Duration = .seconds(10),
            maximumResponseSize: Int = 2 << 20, tcbUpdate: TCBUpdate? = nil
        ) throws(CollateralFetchError) {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            try Self.checkURL(base)
            self.baseURL = base
            self.rootCACRLURL = rootCACRLURL ?? base + "/sgx/certification/v4/rootcacrl"
            try Self.checkURL(self.rootCACRLURL)
            guard maximumResponseSize > 0, timeout > .zero else {
                throw CollateralFetchError(.invalidURL, "the timeout and the maximum response size must be positive")
            }
            self.timeout = timeout
            self.maximumResponseSize = maximumResponseSize
            self.tcbUpdate = tcbUpdate
        }

        private static func checkURL(_ text: String) throws(CollateralFetchError) {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
            else { throw CollateralFetchError(.invalidURL, "not an absolute http(s) URL without query: \(text)") }
        }
    }

    public let configuration: Configuration
    let client: HTTPClient

    /// A source using `client` (default: AsyncHTTPClient's shared client, which the process owns).
    public init(configuration: Configuration, client: HTTPClient = .shared) {
        self.configuration = configuration
        self.client = client
    }

    /// Fetches the five pieces for `key` and assembles them. Throws ``CollateralFetchError``.
    public func fetchCollateral(for key: CollateralKey) async throws -> CollateralBundle {
        let tee = key.teeType == .sgx ? "sgx" : "tdx"
        let base = configuration.baseURL
        var tcbQuery = "fmspc=\(Hex.encodeUppercase(key.fmspc))"
        var qeQuery = ""
        if let update = configuration.tcbUpdate {
            tcbQuery += "&update=\(update.rawValue)"
            qeQuery = "?update=\(update.rawValue)"
        }
        // All four complete (or fail) before anything is thrown, so no request outlives the call.
        async let tcbResult = fetch("\(base)/\(tee)/certification/v4/tcb?\(tcbQuery)")
        async let qeResult = fetch("\(base)/\(tee)/certification/v4/qe/identity\(qeQuery)")
        async let pckCRLResult = fetch("\(base)/sgx/certification/v4/pckcrl?ca=\(key.caKind.rawValue)&encoding=der")
        async let rootCRLResult = fetch(configuration.rootCACRLURL)
        let results = await (tcbResult, qeResult, pckCRLResult, rootCRLResult)

        let tcb = try results.0.get()
        let tcbChain = try PCSFormats.issuerChain(tcb, headers: ["TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain"])
        let tcbInfo = try PCSFormats.signedDocument(tcb, key: "tcbInfo", doc: .tcbInfo)
        let qe = try results.1.get()
        let qeChain = try PCSFormats.issuerChain(qe, headers: ["SGX-Enclave-Identity-Issuer-Chain"])
        let qeIdentity = try PCSFormats.signedDocument(qe, key: "enclaveIdentity", doc: .qeIdentity)
        let pckCRL = try results.2.get()
        let pckCRLChain = try PCSFormats.issuerChain(pckCRL, headers: ["SGX-PCK-CRL-Issuer-Chain"])
        let rootCRL = try results.3.get()
        return CollateralBundle(
            pckCRLIssuerChain: pckCRLChain, rootCACRL: try PCSFormats.crlDER(rootCRL), pckCRL: try PCSFormats.crlDER(pckCRL),
            tcbInfoIssuerChain: tcbChain, tcbInfo: tcbInfo.body, tcbInfoSignature: tcbInfo.signature,
            qeIdentityIssuerChain: qeChain, qeIdentity: qeIdentity.body, qeIdentitySignature: qeIdentity.signature
        )
    }

    private func fetch(_ url: String) async -> Result<PCSFormats.Response, CollateralFetchError> {
        do { return .success(try await get(url)) } catch { return .failure(error) }
    }

    /// One bounded GET; anything but 200 is an error.
    func get(_ url: String) async throws(CollateralFetchError) -> PCSFormats.Response {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "*/*")
        let timeout = TimeAmount.nanoseconds(Self.nanoseconds(configuration.timeout))
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: configuration.maximumResponseSize)
            guard response.status == .ok else {
                let detail = response.headers.first(name: "Error-Message").map { ": \($0.prefix(200))" } ?? ""
                throw CollateralFetchError(.unexpectedStatus, "\(response.status.code) from \(url)\(detail)")
            }
            return PCSFormats.Response(url: url, headers: response.headers, body: Array(body.readableBytesView))
        } catch {
            throw Self.classify(error, url: url)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        guard seconds < Int64.max / 1_000_000_000 - 1 else { return Int64.max }
        return max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Maps AsyncHTTPClient and NIO failures onto ``CollateralFetchError`` codes.
    static func classify(_ error: any Error, url: String) -> CollateralFetchError {
        if let error = error as? CollateralFetchError { return error }
        if error is NIOTooManyBytesError {
            return CollateralFetchError(.responseTooLarge, "the response from \(url) exceeds the maximum size")
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout:
                return CollateralFetchError(.timedOut, "\(url): \(error)")
            case .invalidURL, .emptyHost, .emptyScheme:
                return CollateralFetchError(.invalidURL, "\(url): \(error)")
            default:
                return CollateralFetchError(.transportFailed, "\(url): \(error)")
            }
        }
        return CollateralFetchError(.transportFailed, "\(url): \(error)")
    }
}
