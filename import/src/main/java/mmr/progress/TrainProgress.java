package mmr.progress;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import mmr.ingest.graph.CypherRunner;

/**
 * Shows a running {@code mmr.train} while the call blocks ({@code mmr train}, {@code mmr serve}, {@code mmr eval}): it polls {@code CALL mmr.progress()} (and
 * GDS's {@code gds.listProgress()} for GDS's trainer) in a session of its own, prints each phase as it
 * starts and each epoch as it ends (mean loss, validation loss, the epoch kept), and at a terminal
 * draws a bar over all epochs' steps with its time left. A failed poll never disturbs the training.
 */
public final class TrainProgress implements AutoCloseable {
    private static final String POLL = "CALL mmr.progress() YIELD task, phase, done, total, epoch, epochs, epochLosses, "
            + "validationLosses, bestEpoch WHERE task = 'mmr.train' "
            + "RETURN phase, done, total, epoch, epochs, epochLosses, validationLosses, bestEpoch";
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mmr-train-progress");
        t.setDaemon(true);
        return t;
    });
    private final CypherRunner cypher;
    private final PrintWriter out;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private String lastPhase = "";
    private long lastEpochReported;
    private String lastGds = "";
    private ProgressBar bar;

    /** @param terminal whether to draw a bar (stderr is a terminal); lines are printed either way */
    public TrainProgress(CypherRunner cypher, PrintWriter out, boolean terminal) {
        this.cypher = cypher;
        this.out = out;
        this.terminal = terminal;
        timer.scheduleWithFixedDelay(this::poll, 1, 1, TimeUnit.SECONDS);
    }

    public TrainProgress(CypherRunner cypher, PrintWriter out) {
        this(cypher, out, System.console() != null);
    }

    private void poll() {
        try {
            List<Map<String, Object>> rows = new ArrayList<>();
            cypher.read(POLL, Map.of(), rows::add);
            if (rows.isEmpty()) {
                pollGds();
            } else {
                show(rows.get(0));
            }
        } catch (RuntimeException e) {
            // informational only
        }
    }

    private synchronized void show(Map<String, Object> row) {
        String phase = (String) row.get("phase");
        long epoch = ((Number) row.get("epoch")).longValue();
        long epochs = ((Number) row.get("epochs")).longValue();
        Object best = row.get("bestEpoch");
        List<?> losses = (List<?>) row.get("epochLosses");
        List<?> validation = (List<?>) row.get("validationLosses");
        for (int e = (int) lastEpochReported; e < losses.size(); e++) {   // every epoch, even several finished between polls
            Object v = e < validation.size() ? validation.get(e) : null;
            line(String.format(Locale.ROOT, "mmr.train: epoch %d/%d: loss %.4f%s%s", e + 1, epochs,
                    ((Number) losses.get(e)).doubleValue(), v == null ? "" : String.format(Locale.ROOT, ", validation %.4f",
                            ((Number) v).doubleValue()), e + 1 == losses.size() ? " (kept so far: epoch " + best + ")" : ""));
        }
        lastEpochReported = losses.size();
        if (!phase.equals(lastPhase)) {
            if (bar != null && !"training".equals(phase)) {
                bar.close();
                bar = null;
            }
            lastPhase = phase;
            line("mmr.train: " + phase + ("training".equals(phase) ? String.format(Locale.ROOT, " (%d epochs, %d steps)", epochs,
                    ((Number) row.get("total")).longValue()) : ""));
        }
        if ("training".equals(phase)) {
            if (terminal) {
                if (bar == null) {
                    bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(((Number) row.get("total")).longValue())
                            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                            .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
                }
                bar.stepTo(((Number) row.get("done")).longValue());
                bar.setExtraMessage(String.format(Locale.ROOT, "epoch %d/%d%s", epoch, epochs,
                        best == null ? "" : ", kept " + best));
            }
        }
    }

    private void pollGds() {
        StringBuilder line = new StringBuilder();
        cypher.read("CALL gds.listProgress() YIELD taskName, progress, status "
                + "WHERE taskName STARTS WITH 'GraphSage' RETURN taskName, progress, status", Map.of(), row ->
                line.append(line.length() == 0 ? "" : "; ").append(row.get("taskName")).append(' ')
                        .append(row.get("progress")).append(" (").append(row.get("status")).append(')'));
        String now = line.toString();
        if (!now.isEmpty() && !now.equals(lastGds)) {
            lastGds = now;
            line(now);
        }
    }

    private void line(String text) {
        if (bar != null) {
            bar.pause();
            System.err.print("\r\033[2K");   // the bar's line, cleared: the text takes it, the bar redraws below
            System.err.flush();
        }
        out.printf(Locale.ROOT, "  [%4d s] %s%n", (System.nanoTime() - started) / 1_000_000_000L, text);
        out.flush();
        if (bar != null) {
            bar.resume();
        }
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
