package mmr.procedures.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;

import mmr.procedures.testing.EmojiFixture;
import mmr.procedures.testing.TestDatabases;

/** mmr.progress seen from a second session while mmr.train and mmr.knn run, and nothing when they are done. */
class ProgressProcTest {

    @Test
    void aRunningTrainingReportsItsPhasesEpochsAndLosses() throws Exception {
        try (Neo4j neo4j = TestDatabases.builder(true).build()) {
            GraphDatabaseService db = neo4j.defaultDatabaseService();
            EmojiFixture.load(db);
            assertThat(progress(db)).as("nothing runs").isEmpty();
            CompletableFuture<Object> training = CompletableFuture.supplyAsync(() ->
                    db.executeTransactionally("CALL mmr.train({epochs: 15, patience: 0})", Map.of(), r -> r.next().get("epochs")));
            List<Map<String, Object>> seen = new ArrayList<>();
            while (!training.isDone()) {
                seen.addAll(progress(db));
                Thread.sleep(20);
            }
            assertThat(training.get()).isEqualTo(15L);
            assertThat(seen).extracting(r -> r.get("task")).containsOnly("mmr.train");
            assertThat(seen).extracting(r -> r.get("phase")).contains("training");
            Map<String, Object> late = seen.stream().filter(r -> "training".equals(r.get("phase"))
                    && ((Number) r.get("epochsDone")).longValue() > 0).reduce((a, b) -> b).orElseThrow();
            assertThat(((Number) late.get("done")).longValue()).isPositive().isLessThanOrEqualTo(((Number) late.get("total")).longValue());
            assertThat(late.get("epochs")).isEqualTo(15L);
            assertThat(((Number) late.get("loss")).doubleValue()).isPositive();
            assertThat((List<?>) late.get("epochLosses")).hasSize(((Number) late.get("epochsDone")).intValue())
                    .last().isEqualTo(late.get("loss"));
            assertThat(late.get("validationLoss")).isNotNull();
            assertThat(((Number) late.get("bestEpoch")).longValue()).isBetween(0L, 15L);
            assertThat(progress(db)).as("a finished training is gone").isEmpty();

            CompletableFuture<Object> knn = CompletableFuture.supplyAsync(() ->
                    db.executeTransactionally("CALL mmr.knn({writeBatchSize: 10})", Map.of(), r -> r.next().get("relationshipsWritten")));
            List<Map<String, Object>> knnSeen = new ArrayList<>();
            while (!knn.isDone()) {
                knnSeen.addAll(progress(db));
                Thread.sleep(5);
            }
            assertThat(((Number) knn.get()).longValue()).isPositive();
            assertThat(knnSeen).allSatisfy(r -> assertThat(r.get("task")).isEqualTo("mmr.knn"));
            assertThat(progress(db)).isEmpty();
        }
    }

    private static List<Map<String, Object>> progress(GraphDatabaseService db) {
        return db.executeTransactionally("CALL mmr.progress()", Map.of(), r -> {
            List<Map<String, Object>> out = new ArrayList<>();
            r.forEachRemaining(out::add);
            return out;
        });
    }
}
