package mmr.ingest.graph;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the importer's Cypher runs: an embedded database or a server over Bolt. Each call is one
 * transaction, so a crash loses at most the batch in flight.
 */
public interface CypherRunner extends AutoCloseable {

    /** Runs a write in its own transaction and returns its rows. */
    List<Map<String, Object>> write(String cypher, Map<String, Object> params);

    /** Runs a read in its own transaction, handing rows to {@code rows} as they stream. */
    void read(String cypher, Map<String, Object> params, Consumer<Map<String, Object>> rows);

    /** Where this runs, for messages: a directory or a URI. */
    String describe();

    @Override
    void close();
}
