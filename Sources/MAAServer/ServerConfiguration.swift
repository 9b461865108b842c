/// Settings of the HTTP server.
public struct ServerConfiguration: Sendable {
    /// Address to bind, `127.0.0.1` by default (never all interfaces unless asked).
    public var host: String
    /// Port to bind; 0 picks a free port (tests).
    public var port: Int
    /// The largest request body accepted, in bytes; larger bodies get 413.
    public var maximumBodySize: Int
    /// The `api-version` values accepted on the versioned endpoints.
    public var apiVersions: Set<String>
    /// Server name for logs.
    public var serverName: String
    /// Serve HTTPS with this certificate chain and key (PEM files); plain HTTP when `nil`.
    public var tls: TLSFiles?

    /// PEM files for HTTPS.
    public struct TLSFiles: Sendable, Hashable {
        /// The certificate chain, leaf first.
        public var certificateChainPath: String
        /// The private key of the leaf.
        public var privateKeyPath: String

        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        maximumBodySize: Int = 1 << 20,
        apiVersions: Set<String> = ["2020-10-01", "2022-08-01"],
        serverName: String = "attest",
        tls: TLSFiles? = nil
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.maximumBodySize = maximumBodySize
        self.apiVersions = apiVersions
        self.serverName = serverName
    }
}
