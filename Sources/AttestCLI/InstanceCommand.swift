import MAADCAP
import ArgumentParser
import Foundation
import MAAService
import MAAStorageSQLite
import MAAWire

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `attest instance create|list|delete`: manages instances in a data directory (offline) or through a running
/// server's admin API (`--url`).
struct InstanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "Manage attestation instances (tenants).",
        subcommands: [Create.self, List.self, Delete.self, RotateKey.self, StorageStressCommand.self]
    )

    struct Target: ParsableArguments {
        @Option(help: "Data directory to change directly (default ./attest-data, or ATTEST_DATA_DIR).")
        var dataDir: String?

        @Option(help: "A running server's URL (e.g. http://127.0.0.1:8080): use its admin API instead of the data directory.")
        var url: String?

        @Option(help: "Admin API token for --url (or ATTEST_API_TOKEN).")
        var apiToken: String?

        @Option(help: "Public base URL for instance URLs when working offline (default http://127.0.0.1:8080).")
        var publicURL: String?

        var environment: [String: String] { ProcessInfo.processInfo.environment }

        func withService<T>(_ body: (AttestationService) async throws -> T) async throws -> T {
            let directory = dataDir ?? environment["ATTEST_DATA_DIR"] ?? "attest-data"
            let base = publicURL ?? environment["ATTEST_PUBLIC_URL"] ?? "http://127.0.0.1:8080"
            let store = try await SQLiteStore.open(directory: directory)
            do {
                let result = try await body(AttestationService(store: store, configuration: ServiceConfiguration(publicBaseURL: base)))
                try await store.close()
                return result
            } catch {
                try? await store.close()
                throw error
            }
        }

        /// Sends an admin API request and returns the parsed JSON body; non-200 answers become errors.
        func admin(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> JSONValue {
            guard let base = url, let endpoint = URL(string: base.trimmingSuffix("/") + path) else {
                throw ValidationError("a valid --url is required")
            }
            guard let token = apiToken ?? environment["ATTEST_API_TOKEN"] else {
                throw ValidationError("--api-token (or ATTEST_API_TOKEN) is required with --url")
            }
            var request = URLRequest(url: endpoint)
            request.httpMethod = method
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            if let body {
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(body.serializedBytes())
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let json = try JSONValue(parsing: Array(data))
            guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
                let code = json["error"]?["code"]?.stringValue ?? "Error"
                let message = json["error"]?["message"]?.stringValue ?? "request failed"
                throw ValidationError("\(code): \(message)")
            }
            return json
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an instance.")

        @Argument(help: "Instance name (a-z, 0-9, '-').")
        var name: String

        @Option(help: "Trust model: aad, isolated or shared.")
        var mode: String

        @Option(name: .customLong("signer-cert"), help: "PEM file of a policy-signer certificate (isolated mode; repeatable).")
        var signerCerts: [String] = []

        @Option(name: .customLong("accepted-tcb-status"), help: "An accepted TCB status (repeatable; default: the secure set).")
        var acceptedTCBStatuses: [String] = []

        @Option(help: "An explicit public base URL for the instance (its host name then routes to it).")
        var baseURL: String?

        @OptionGroup var target: Target

        func run() async throws {
            guard let mode = InstanceMode(rawValue: mode) else { throw ValidationError("--mode must be aad, isolated or shared") }
            var pems: [String] = []
            for path in signerCerts {
                guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
                pems.append(String(decoding: data, as: UTF8.self))
            }
            if target.url != nil {
                var members: [(key: String, value: JSONValue)] = [("name", .string(name)), ("mode", .string(mode.rawValue))]
                if !pems.isEmpty { members.append(("signerCertificates", .array(pems.map { .string($0) }))) }
                if !acceptedTCBStatuses.isEmpty {
                    members.append(("acceptedTCBStatuses", .array(acceptedTCBStatuses.map { .string($0) })))
                }
                if let baseURL { members.append(("baseURL", .string(baseURL))) }
                let created = try await target.admin("POST", "/admin/instances", body: .object(JSONObject(members)))
                print("created \(name): \(created["url"]?.stringValue ?? "")")
                return
            }
            var certificates: [[UInt8]] = []
            for pem in pems { certificates += try CertificateInput.derCertificates(from: pem) }
            let spec = InstanceSpec(
                name: name,
                mode: mode,
                signerCertificatesDER: certificates,
                acceptedTCBStatuses: acceptedTCBStatuses.isEmpty ? nil : acceptedTCBStatuses,
                baseURL: baseURL
            )
            let url = try await target.withService { service in
                service.url(of: try await service.createInstance(spec, caller: .localAdministrator))
            }
            print("created \(name): \(url)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List instances.")

        @OptionGroup var target: Target

        func run() async throws {
            if target.url != nil {
                let list = try await target.admin("GET", "/admin/instances")
                for instance in list["instances"]?.arrayValue ?? [] {
                    let name = instance["name"]?.stringValue ?? "?"
                    let mode = instance["mode"]?.stringValue ?? "?"
                    print("\(name)\t\(mode)\t\(instance["url"]?.stringValue ?? "")")
                }
                return
            }
            let lines = try await target.withService { service in
                try await service.listInstances(caller: .localAdministrator).map { instance in
                    "\(instance.name)\t\(instance.mode.rawValue)\t\(service.url(of: instance))"
                }
            }
            lines.forEach { print($0) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an instance and everything it owns.")

        @Argument(help: "Instance name.")
        var name: String

        @OptionGroup var target: Target

        func run() async throws {
            if target.url != nil {
                _ = try await target.admin("DELETE", "/admin/instances/\(name)")
            } else {
                try await target.withService { service in
                    try await service.deleteInstance(named: name, caller: .localAdministrator)
                }
            }
            print("deleted \(name)")
        }
    }
}

extension InstanceCommand {
    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Give an instance a new token-signing key; the old one stays in /certs until its tokens expire."
        )

        @Argument(help: "Instance name.")
        var name: String

        @OptionGroup var target: Target

        func run() async throws {
            if target.url != nil {
                _ = try await target.admin("POST", "/admin/instances/\(name):rotate-key")
            } else {
                try await target.withService { service in
                    let instance = try await service.instance(named: name)
                    try await service.rotateSigningKey(for: instance, caller: .localAdministrator)
                }
            }
            print("rotated the signing key of \(name)")
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var value = self
        while value.hasSuffix(suffix) { value.removeLast(suffix.count) }
        return value
    }
}

/// `attest instance _storage-stress`: a hidden diagnostic that performs multi-statement storage transactions in a
/// loop (create an isolated instance with signers and a key, rewrite its signer set, set a policy, delete it).
/// The storage crash test kills it with SIGKILL at arbitrary moments and then checks that no transaction is half
/// applied.
struct StorageStressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_storage-stress",
        abstract: "Diagnostic: loop storage transactions until killed.",
        shouldDisplay: false
    )

    @Option(help: "Data directory.")
    var dataDir: String

    @Option(help: "Stop after this many rounds.")
    var rounds: Int = 1_000_000

    func run() async throws {
        let store = try await SQLiteStore.open(directory: dataDir)
        let key = try SigningKeyFactory.make(instanceURL: "http://stress", now: 0)
        let certificates = try (0..<3).map { index in
            try SigningKeyFactory.make(instanceURL: "http://signer-\(index)", now: 0, key: SigningKeyFactory.privateKey(of: key))
                .certificateDER
        }
        FileHandle.standardOutput.write(Data("ready\n".utf8))
        for round in 0..<rounds {
            let name = "i\(round % 4)"
            let signers = certificates.map { PolicySigner(certificateDER: $0, addedAt: Int64(round)) }
            if try await store.instance(named: name) != nil {
                _ = try await store.deleteInstance(named: name)
            }
            try await store.createInstance(
                InstanceRecord(name: name, mode: .isolated, createdAt: Int64(round)), signers: signers, signingKey: key
            )
            let keep = round % 3 + 1
            try await store.updateSigners(instance: name) { current in
                current = Array(signers.prefix(keep))
            }
            try await store.setPolicy(
                instance: name, type: .sgxEnclave,
                StoredPolicy(jws: "policy-\(round)", signerX5C: ["x\(round)"], updatedAt: Int64(round))
            )
        }
        try await store.close()
    }
}
