/// The SQLite schema. Each `CREATE` is idempotent, so running them all migrates any older version forward;
/// the version row records the newest schema a database has seen and refuses databases from a newer build.
///
/// - Version 1: instances, policies, signers, signing keys, API tokens.
/// - Version 2: TPM service-context keys and the one-time-use table (additive).
enum Schema {
    static let version = 2

    static let statements: [String] = [
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS instances (
            name TEXT PRIMARY KEY NOT NULL,
            mode TEXT NOT NULL,
            accepted_tcb TEXT NOT NULL,
            base_url TEXT,
            created_at INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS policies (
            instance TEXT NOT NULL REFERENCES instances(name) ON DELETE CASCADE,
            type TEXT NOT NULL,
            jws TEXT NOT NULL,
            signer_x5c TEXT,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (instance, type)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS signers (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            instance TEXT NOT NULL REFERENCES instances(name) ON DELETE CASCADE,
            thumbprint TEXT NOT NULL,
            der BLOB NOT NULL,
            added_at INTEGER NOT NULL,
            UNIQUE (instance, thumbprint)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS signing_keys (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            instance TEXT NOT NULL REFERENCES instances(name) ON DELETE CASCADE,
            kid TEXT NOT NULL,
            private_key BLOB NOT NULL,
            certificate BLOB NOT NULL,
            subject_url TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            retired_at INTEGER
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS api_tokens (
            token_hash TEXT PRIMARY KEY NOT NULL,
            role TEXT NOT NULL,
            label TEXT NOT NULL,
            created_at INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS service_context_keys (
            name TEXT PRIMARY KEY NOT NULL,
            key BLOB NOT NULL,
            created_at INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS used_once (
            id BLOB PRIMARY KEY NOT NULL,
            expires_at INTEGER NOT NULL
        )
        """,
    ]
}
