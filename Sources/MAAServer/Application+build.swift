import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MAAService

/// Builds the HTTP application around a service core (hummingbird-template style; tests call this with port 0).
///
/// - Parameters:
///   - service: the service core (storage, keys, policies).
///   - authenticator: bearer-token authentication; typically an ``AuthenticatorChain`` of static tokens and OIDC.
///   - configuration: bind address, limits, api-versions.
///   - metrics: the Prometheus registry served at `/metrics`.
///   - logger: the server logger; each request adds `request.id`.
///   - onServerRunning: called with the bound port once listening.
/// - Throws: when the TLS certificate or key files cannot be read.
public func buildApplication(
    service: AttestationService,
    authenticator: any Authenticator,
    configuration: ServerConfiguration = ServerConfiguration(),
    metrics: ServerMetrics = ServerMetrics(),
    logger: Logger = Logger(label: "attest.server"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let responder = MAAResponder(
        service: service,
        authenticator: authenticator,
        configuration: configuration,
        metrics: metrics
    )
    let turns = RequestTurns()
    var server = HTTPServerBuilder { responder in EventLoopPinnedChannel(HTTP1Channel(responder: turns.inTurn(responder))) }
    if let tls = configuration.tls {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath)
        let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
        let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        server = HTTPServerBuilder { responder in
            EventLoopPinnedChannel(
                try TLSChannel(HTTP1Channel(responder: turns.inTurn(responder)), tlsConfiguration: tlsConfiguration)
            )
        }
    }
    return Application(
        responder: responder,
        server: server,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: nil
        ),
        services: [RequestTurnsService(turns: turns)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger
    )
}
