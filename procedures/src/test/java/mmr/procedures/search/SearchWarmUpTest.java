package mmr.procedures.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.NullLog;

import mmr.procedures.encode.ServerEncoders;
import mmr.procedures.testing.TrainedEmojiGraph;

/** The warm-up a database start runs in the background: the catalog's encoder loaded, a search run, nothing written. */
class SearchWarmUpTest extends TrainedEmojiGraph {

    @Test
    void warmingLoadsTheCatalogsEncoderAndWritesNothing() {
        ServerEncoders.closeAll();
        String before = checksum();
        SearchWarmUp.warm((GraphDatabaseAPI) db, NullLog.getInstance());
        assertThat(ServerEncoders.loaded()).anySatisfy(key -> assertThat(key).startsWith("descriptor/512/"));
        assertThat(checksum()).isEqualTo(before);
        assertThat(Searcher.running()).as("no search left counted as running").isZero();
    }

    @Test
    void theWarmUpAlsoRunsTheSearchAsAUserDoesAProcedureCallInCypher() throws Exception {
        String before = checksum();
        String said = SearchWarmUp.callThroughCypher((GraphDatabaseAPI) db, SearchWarmUp.png(SearchWarmUp.sample()), 3);
        assertThat(said).startsWith(", once more as CALL mmr.search in Cypher in ");
        assertThat(checksum()).isEqualTo(before);
    }
}
