package mmr.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import mmr.ingest.graph.CypherRunner;

/**
 * Prints GDS's progress for a running training every few seconds ({@code CALL gds.listProgress()}
 * in its own transaction), so that a long {@code mmr.train} is visibly alive: the task, its
 * percentage and the elapsed time. Silent when GDS reports nothing new.
 */
final class TrainProgress implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mmr-train-progress");
        t.setDaemon(true);
        return t;
    });
    private final CypherRunner cypher;
    private final PrintWriter out;
    private final long started = System.nanoTime();
    private String last = "";

    TrainProgress(CypherRunner cypher, PrintWriter out, long periodSeconds) {
        this.cypher = cypher;
        this.out = out;
        timer.scheduleWithFixedDelay(this::poll, periodSeconds, periodSeconds, TimeUnit.SECONDS);
    }

    private void poll() {
        try {
            StringBuilder line = new StringBuilder();
            cypher.read("CALL gds.listProgress() YIELD taskName, progress, status "
                    + "WHERE taskName STARTS WITH 'GraphSage' RETURN taskName, progress, status", Map.of(), row -> {
                        line.append(line.length() == 0 ? "" : "; ").append(row.get("taskName")).append(' ')
                                .append(row.get("progress")).append(" (").append(row.get("status")).append(')');
                    });
            String now = line.toString();
            if (!now.isEmpty() && !now.equals(last)) {
                last = now;
                out.printf("  [%4d s] %s%n", (System.nanoTime() - started) / 1_000_000_000L, now);
                out.flush();
            }
        } catch (RuntimeException e) {
            // progress is informational: a failed poll must never disturb the training
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
