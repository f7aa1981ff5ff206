package mmr.cli;

import java.io.IOException;
import java.nio.file.Path;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import mmr.ingest.graph.BoltCypher;
import mmr.ingest.graph.CypherRunner;
import mmr.ingest.graph.EmbeddedCypher;
import mmr.server.EmbeddedNeo4j;

/** Where a command writes: an embedded database folder, or a running Neo4j over Bolt. */
final class TargetOptions {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--db-dir", paramLabel = "DIR",
                description = "Neo4j home of an embedded database (created if missing), e.g. .mmr/neo4j")
        Path dbDir;

        @Option(names = "--uri", paramLabel = "URI", description = "Bolt URI of a running Neo4j with GDS and the mmr plugin, e.g. bolt://localhost:7687")
        String uri;
    }

    @Option(names = "--user", paramLabel = "USER", description = "Bolt user (default: ${DEFAULT-VALUE}; none with --no-auth)", defaultValue = "neo4j")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Bolt password (default: $NEO4J_PASSWORD)",
            defaultValue = "${env:NEO4J_PASSWORD}")
    String password;

    @Option(names = "--no-auth", description = "Connect over Bolt without credentials")
    boolean noAuth;

    @Option(names = "--database", paramLabel = "NAME", description = "Database name over Bolt (default: the server's default)")
    String database;

    /** An open target; closing it closes the embedded database too. */
    record Opened(CypherRunner cypher, EmbeddedNeo4j embedded) implements AutoCloseable {
        @Override
        public void close() {
            cypher.close();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    Opened open() throws IOException {
        return open(null);
    }

    /** Whether the target is an embedded database folder (else a server over Bolt). */
    boolean embedded() {
        return target.dbDir != null;
    }

    /** {@code modelsRoot}: server.mmr.models_root of an embedded database (null: unset; not used over Bolt). */
    Opened open(Path modelsRoot) throws IOException {
        if (target.dbDir != null) {
            EmbeddedNeo4j neo4j = EmbeddedNeo4j.start(target.dbDir, EmbeddedNeo4j.OFF, EmbeddedNeo4j.OFF, false, null, modelsRoot);
            return new Opened(new EmbeddedCypher(neo4j.db(), "embedded database at " + neo4j.home()), neo4j);
        }
        if (!noAuth && password == null) {
            throw new IllegalArgumentException("--uri " + target.uri + " needs the password of user '" + user + "': give --password "
                    + "or set NEO4J_PASSWORD, or --no-auth for a server without authentication");
        }
        return new Opened(BoltCypher.connect(target.uri, noAuth ? null : user, password, database), null);
    }
}
