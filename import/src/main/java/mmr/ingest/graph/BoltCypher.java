package mmr.ingest.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;

/** Cypher against a running Neo4j over Bolt. */
public final class BoltCypher implements CypherRunner {
    private final Driver driver;
    private final String uri;
    private final String database;

    private BoltCypher(Driver driver, String uri, String database) {
        this.driver = driver;
        this.uri = uri;
        this.database = database;
    }

    /** Connects and verifies the connection; a clear {@link IllegalStateException} if it cannot. */
    public static BoltCypher connect(String uri, String user, String password, String database) {
        Driver driver;
        try {
            driver = GraphDatabase.driver(uri, user == null ? AuthTokens.none() : AuthTokens.basic(user, password),
                    Config.builder().withoutEncryption().build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad Neo4j URI '" + uri + "': " + e.getMessage()
                    + "; expected e.g. bolt://localhost:7687 or neo4j://host:7687", e);
        }
        try {
            driver.verifyConnectivity();
        } catch (ServiceUnavailableException e) {
            driver.close();
            throw new IllegalStateException("cannot reach Neo4j at " + uri + ": " + e.getMessage(), e);
        } catch (AuthenticationException e) {
            driver.close();
            throw new IllegalStateException("Neo4j at " + uri + " refused the credentials for user '" + user + "'", e);
        }
        return new BoltCypher(driver, uri, database);
    }

    private Session session() {
        return database == null ? driver.session() : driver.session(SessionConfig.forDatabase(database));
    }

    @Override
    public List<Map<String, Object>> write(String cypher, Map<String, Object> params) {
        try (Session s = session()) {
            return s.executeWrite(tx -> {
                List<Map<String, Object>> rows = new ArrayList<>();
                tx.run(cypher, params).forEachRemaining(r -> rows.add(r.asMap(BoltCypher::plain)));
                return rows;
            });
        }
    }

    @Override
    public void read(String cypher, Map<String, Object> params, Consumer<Map<String, Object>> rows) {
        try (Session s = session()) {
            s.executeRead(tx -> {
                var result = tx.run(cypher, params);
                while (result.hasNext()) {
                    Record r = result.next();
                    rows.accept(r.asMap(BoltCypher::plain));
                }
                return null;
            });
        }
    }

    private static Object plain(Value v) {
        return v.asObject();
    }

    @Override
    public String describe() {
        return uri + (database == null ? "" : " (database " + database + ")");
    }

    @Override
    public void close() {
        driver.close();
    }
}
