import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MAACollateralFetch
import MAADCAP
import MAAServer
import MAAService
import MAAStorageSQLite
import MAAWire

/// `attest serve`: runs the MAA-compatible service on an embedded SQLite data directory.
///
/// With no options it binds 127.0.0.1:8080, uses `./attest-data`, creates an AAD-mode instance `default` and a
/// shared instance `shared` on first start, and prints their URLs and a newly generated admin API token once.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the MAA-compatible attestation service.",
        discussion: """
            Environment variables (used when the option is not given): ATTEST_HOST, ATTEST_PORT, ATTEST_DATA_DIR,
            ATTEST_API_TOKEN, ATTEST_PUBLIC_URL, ATTEST_COLLATERAL_TIME, ATTEST_OIDC_ISSUER, ATTEST_OIDC_JWKS,
            ATTEST_OIDC_AUDIENCE, ATTEST_TLS_CERT, ATTEST_TLS_KEY, ATTEST_LOG_LEVEL, ATTEST_LOG_FORMAT, ATTEST_PCCS_URL,
            ATTEST_PCCS_ROOT_CRL_URL, ATTEST_RSA_BACKEND.
            A JSON config file (--config or ATTEST_CONFIG) may set the same settings with lower precedence than
            options and environment variables: {"host", "port", "dataDir", "apiToken", "publicURL", "collateral": [..],
            "collateralTime", "oidcIssuer", "oidcJwks", "oidcAudience", "tlsCert", "tlsKey", "logLevel", "logFormat",
            "pccsURL", "pccsRootCRLURL", "rsaBackend"}.
            Roles in JWTs: "Attestation Reader", "Attestation Contributor", "Attestation Administrator"
            (also without spaces, and Attestation.Read/Write/Admin).
            """
    )

    @Option(help: "A JSON configuration file (see below).")
    var config: String?

    @Option(help: "Address to bind (default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to bind (default 8080; 0 = a free port, which the instance URLs then name).")
    var port: Int?

    @Option(help: "Data directory (default ./attest-data).")
    var dataDir: String?

    @Option(help: "An admin API token to accept (at least 16 characters); no token is generated then.")
    var apiToken: String?

    @Option(help: "The public base URL clients use (default http://HOST:PORT); instance URLs and token issuers derive from it.")
    var publicURL: String?

    @Option(help: "DCAP collateral: a QuoteCollateralV3 JSON file or a directory of them (repeatable). <data-dir>/collateral is always loaded.")
    var collateral: [String] = []

    @Option(help: "Judge collateral and certificates at this UNIX time instead of the clock (tokens still use the clock).")
    var collateralTime: Int64?

    @Option(help: "Fetch DCAP collateral for platforms with none stored from this PCCS / Intel PCS base URL (v4 API); fetched sets are verified, then kept in <data-dir>/collateral.")
    var pccsURL: String?

    @Option(name: .customLong("pccs-root-crl-url"), help: "Where to fetch the Intel SGX Root CA CRL (DER, hex or PEM) when --pccs-url is set (default <pccs-url>/sgx/certification/v4/rootcacrl, a PCCS's path; Intel publishes it at https://certificates.trustedservices.intel.com/IntelSGXRootCA.der).")
    var pccsRootCRLURL: String?

    @Option(help: "Also accept JWTs from this OpenID Connect issuer (exact iss), e.g. https://login.microsoftonline.com/TENANT/v2.0.")
    var oidcIssuer: String?

    @Option(help: "The issuer's JWKS: a file path or an https URL (required with --oidc-issuer).")
    var oidcJwks: String?

    @Option(help: "Required JWT audience (default https://attest.azure.net).")
    var oidcAudience: String?

    @Option(help: "JWT claim holding role names (default roles).")
    var oidcRolesClaim: String?

    @Option(help: "Serve HTTPS with this PEM certificate chain (with --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "Token-signing RSA implementation: automatic (the system OpenSSL 3 libcrypto when it loads and passes a self-test, else swift-crypto) or boringssl.")
    var rsaBackend: String?

    @Option(help: "Log records as text lines (default) or json (one object per line); ATTEST_LOG_LEVEL sets the level.")
    var logFormat: String?

    @Option(help: "Largest accepted request body in bytes.")
    var maxBodySize: Int = 1 << 20

    func run() async throws {
        let processEnvironment = ProcessInfo.processInfo.environment
        var environment = processEnvironment
        var collateral = self.collateral
        if let path = config ?? processEnvironment["ATTEST_CONFIG"] {
            let file = try ServeConfigFile(path: path)
            environment = file.settings.merging(processEnvironment) { _, fromProcess in fromProcess }
            collateral += file.collateral
        }
        let host = host ?? environment["ATTEST_HOST"] ?? "127.0.0.1"
        let requestedPort = try port ?? environment["ATTEST_PORT"].map { text in
            guard let value = Int(text), (0...65535).contains(value) else { throw ValidationError("bad ATTEST_PORT") }
            return value
        } ?? 8080
        let dataDir = dataDir ?? environment["ATTEST_DATA_DIR"] ?? "attest-data"
        let apiToken = apiToken ?? environment["ATTEST_API_TOKEN"]
        let urlHost = host.contains(":") ? "[\(host)]" : (host == "0.0.0.0" ? "127.0.0.1" : host)
        let tlsCert = tlsCert ?? environment["ATTEST_TLS_CERT"]
        let tlsKey = tlsKey ?? environment["ATTEST_TLS_KEY"]
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        let tls = tlsCert.flatMap { cert in tlsKey.map { ServerConfiguration.TLSFiles(certificateChainPath: cert, privateKeyPath: $0) } }
        let scheme = tls == nil ? "http" : "https"
        let explicitURL = publicURL ?? environment["ATTEST_PUBLIC_URL"]
        // Instance URLs include the port, so port 0 becomes a concrete free port before anything names it.
        let port = try requestedPort == 0 && explicitURL == nil ? EphemeralPort.reserve(host: host) : requestedPort
        let publicURL = explicitURL ?? "\(scheme)://\(urlHost):\(port)"

        let logFormatName = logFormat ?? environment["ATTEST_LOG_FORMAT"] ?? AttestLogHandler.Format.text.rawValue
        guard let logFormat = AttestLogHandler.Format(rawValue: logFormatName) else {
            throw ValidationError("--log-format must be one of: \(AttestLogHandler.Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let logLevel = environment["ATTEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = AttestLogHandler(label: label, format: logFormat)
            handler.logLevel = logLevel
            return handler
        }
        var logger = Logger(label: "attest")
        logger.logLevel = logLevel

        let collateralTime = try collateralTime ?? environment["ATTEST_COLLATERAL_TIME"].map { text in
            guard let value = Int64(text) else { throw ValidationError("bad ATTEST_COLLATERAL_TIME") }
            return value
        }
        let collateralStore = try loadCollateral(dataDir: dataDir, extra: collateral, logger: logger)

        let rsaBackendName = rsaBackend ?? environment["ATTEST_RSA_BACKEND"] ?? RSASigningBackend.automatic.rawValue
        guard let rsaSigningBackend = RSASigningBackend(rawValue: rsaBackendName) else {
            throw ValidationError("--rsa-backend must be one of: \(RSASigningBackend.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        let store = try await SQLiteStore.open(directory: dataDir, logger: logger)
        do {
            let service = AttestationService(
                store: store,
                configuration: ServiceConfiguration(publicBaseURL: publicURL, rsaSigningBackend: rsaSigningBackend),
                evidence: EvidenceVerification(
                    collateral: collateralStore, collateralTime: collateralTime,
                    refresher: try (pccsURL ?? environment["ATTEST_PCCS_URL"]).map { url in
                        CollateralRefresher(
                            source: PCSCollateralSource(configuration: try .init(
                                baseURL: url, rootCACRLURL: pccsRootCRLURL ?? environment["ATTEST_PCCS_ROOT_CRL_URL"])),
                            store: collateralStore,
                            directory: CollateralDirectory(dataDirectory: URL(fileURLWithPath: dataDir)))
                    })
            )
            let generatedToken = try await service.bootstrapAPIToken(configuredToken: apiToken)
            let admin = Principal.localAdministrator
            if try await store.instances().isEmpty {
                try await service.createInstance(InstanceSpec(name: "default", mode: .aad), caller: admin)
                try await service.createInstance(InstanceSpec(name: "shared", mode: .shared), caller: admin)
            }
            let rotated = try await service.reconcileSigningKeys()
            if !rotated.isEmpty {
                logger.notice("new signing keys for changed instance URLs", metadata: ["instances": "\(rotated)"])
            }

            say("attest: data directory \(dataDir); \(collateralStore.all.count) collateral set(s)"
                + (collateralTime.map { "; collateral judged at UNIX time \($0)" } ?? "")
                + "; tokens signed with \(TokenSigningKey.implementationDescription(for: rsaSigningBackend))")
            for instance in try await store.instances() {
                say("attest: instance \(instance.name) (\(instance.mode.rawValue)): \(service.url(of: instance))")
            }
            if let generatedToken {
                say("attest: admin API token (shown once, store it now): \(generatedToken)")
            }

            let app = try buildApplication(
                service: service,
                authenticator: try authenticator(store: store, environment: environment),
                configuration: ServerConfiguration(host: host, port: port, maximumBodySize: maxBodySize, tls: tls),
                logger: logger,
                onServerRunning: { bound in say("attest: listening on \(host):\(bound)") }
            )
            try await app.runService()
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }
}

extension ServeCommand {
    /// Static API tokens, then (when configured) JWTs from an OpenID Connect issuer.
    func authenticator(store: SQLiteStore, environment: [String: String]) throws -> any Authenticator {
        var chain: [any Authenticator] = [StaticTokenAuthenticator(store: store)]
        if let issuer = oidcIssuer ?? environment["ATTEST_OIDC_ISSUER"] {
            guard let jwks = oidcJwks ?? environment["ATTEST_OIDC_JWKS"] else {
                throw ValidationError("--oidc-jwks (or ATTEST_OIDC_JWKS) is required with --oidc-issuer")
            }
            let source: any JWKSSource = FileManager.default.fileExists(atPath: jwks)
                ? FileJWKSSource(path: jwks) : try URLJWKSSource(jwks)
            var configuration = OIDCConfiguration(issuer: issuer)
            if let audience = oidcAudience ?? environment["ATTEST_OIDC_AUDIENCE"] { configuration.audience = audience }
            if let claim = oidcRolesClaim { configuration.rolesClaim = claim }
            chain.append(OIDCAuthenticator(configuration: configuration, keys: source))
        }
        return AuthenticatorChain(chain)
    }

    /// Loads `<data-dir>/collateral/` and every `--collateral` file or directory; bad files are logged and skipped.
    func loadCollateral(dataDir: String, extra collateral: [String], logger: Logger) throws -> CollateralStore {
        let store = CollateralStore()
        var failures = try CollateralDirectory(dataDirectory: URL(fileURLWithPath: dataDir)).load(into: store)
        for path in collateral {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("no collateral at \(path)")
            }
            if isDirectory.boolValue {
                let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".json") }.sorted()
                for file in files { failures += addBundle(at: (path as NSString).appendingPathComponent(file), to: store) }
            } else {
                failures += addBundle(at: path, to: store)
            }
        }
        for (url, error) in failures {
            logger.warning("collateral rejected", metadata: ["file": "\(url.path)", "error": "\(error)"])
        }
        return store
    }

    private func addBundle(at path: String, to store: CollateralStore) -> [(URL, any Error)] {
        let url = URL(fileURLWithPath: path)
        do {
            let data = try Data(contentsOf: url)
            guard data.count <= CollateralDirectory.maximumFileSize else { throw ValidationError("file too large") }
            store.add(try VerifiedCollateral(try CollateralBundle(jsonBytes: Array(data))))
            return []
        } catch {
            return [(url, error)]
        }
    }
}

/// Writes a line to standard output unbuffered, so URLs and the token reach a pipe or log file at once.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// `attest serve --config FILE`: settings as a strict JSON object, mapped onto the ATTEST_* variable names.
struct ServeConfigFile {
    static let keys: [String: String] = [
        "host": "ATTEST_HOST", "port": "ATTEST_PORT", "dataDir": "ATTEST_DATA_DIR", "apiToken": "ATTEST_API_TOKEN",
        "publicURL": "ATTEST_PUBLIC_URL", "collateralTime": "ATTEST_COLLATERAL_TIME", "oidcIssuer": "ATTEST_OIDC_ISSUER",
        "oidcJwks": "ATTEST_OIDC_JWKS", "oidcAudience": "ATTEST_OIDC_AUDIENCE", "tlsCert": "ATTEST_TLS_CERT",
        "tlsKey": "ATTEST_TLS_KEY", "logLevel": "ATTEST_LOG_LEVEL", "logFormat": "ATTEST_LOG_FORMAT",
        "pccsURL": "ATTEST_PCCS_URL",
        "pccsRootCRLURL": "ATTEST_PCCS_ROOT_CRL_URL",
        "rsaBackend": "ATTEST_RSA_BACKEND",
    ]

    var settings: [String: String] = [:]
    var collateral: [String] = []

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
            throw ValidationError("cannot read the config file \(path)")
        }
        let json: JSONValue
        do { json = try JSONValue(parsing: Array(data)) } catch {
            throw ValidationError("the config file is not valid JSON: \(error.reason)")
        }
        guard let object = json.objectValue else { throw ValidationError("the config file must hold a JSON object") }
        for (key, value) in object.members {
            if key == "collateral" {
                guard let paths = value.arrayValue?.compactMap(\.stringValue), paths.count == value.arrayValue?.count else {
                    throw ValidationError("config 'collateral' must be an array of paths")
                }
                collateral = paths
                continue
            }
            guard let variable = Self.keys[key] else { throw ValidationError("unknown config key '\(key)'") }
            if let text = value.stringValue {
                settings[variable] = text
            } else if let number = value.integerValue {
                settings[variable] = String(number)
            } else {
                throw ValidationError("config '\(key)' must be a string or an integer")
            }
        }
    }
}
