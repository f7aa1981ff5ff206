package mmr.procedures.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;

/** One in-process Neo4j with GDS and mmr per test class; tests clean up what they need. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HarnessTest {
    protected Neo4j neo4j;
    protected GraphDatabaseService db;

    @BeforeAll
    void startHarness() {
        neo4j = TestDatabases.start();
        db = neo4j.defaultDatabaseService();
    }

    @AfterAll
    void stopHarness() {
        neo4j.close();
    }
}
