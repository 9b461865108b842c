import Hummingbird
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
public func buildApplication(
    service: AttestationService,
    authenticator: any Authenticator,
    configuration: ServerConfiguration = ServerConfiguration(),
    metrics: ServerMetrics = ServerMetrics(),
    logger: Logger = Logger(label: "attest.server"),
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let responder = MAAResponder(
        service: service,
        authenticator: authenticator,
        configuration: configuration,
        metrics: metrics
    )
    return Application(
        responder: responder,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: nil
        ),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger
    )
}
