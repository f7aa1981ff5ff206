package mmr.model.progress;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far one long task has come (a training, a kNN rebuild): its phase, steps done of the phase's
 * total, and for training the epoch, losses and the best epoch kept. Written by the task's thread,
 * read by whoever asks ({@code mmr.progress()}, the log); every read is a consistent snapshot.
 */
public final class Progress {
    private final String task;
    private final long started = System.nanoTime();
    private String phase = "starting";
    private long phaseStarted = System.nanoTime();
    private long done;
    private long total;
    private int epoch;
    private int epochs;
    private int epochsDone;
    private Integer bestEpoch;
    private final List<Double> losses = new ArrayList<>();
    private final List<Double> validationLosses = new ArrayList<>();

    public Progress(String task) {
        this.task = task;
    }

    /** A new phase of {@code total} steps (0: unknown). */
    public synchronized void phase(String name, long total) {
        this.phase = name;
        this.total = total;
        this.done = 0;
        this.phaseStarted = System.nanoTime();
    }

    public synchronized void step(long doneSoFar) {
        this.done = doneSoFar;
    }

    /** Training: the epoch under way (1-based) of {@code of}. */
    public synchronized void epoch(int current, int of) {
        this.epoch = current;
        this.epochs = of;
    }

    /** Training: an epoch's mean loss, its validation loss (null without a validation split) and the epoch kept so far. */
    public synchronized void epochDone(double meanLoss, Double validation, int best) {
        this.epochsDone++;
        this.losses.add(meanLoss);
        this.validationLosses.add(validation);
        this.bestEpoch = best;
    }

    /** The state now, as {@code mmr.progress()} returns it. */
    public synchronized Snapshot snapshot() {
        long now = System.nanoTime();
        double elapsed = (now - started) / 1e9;
        double inPhase = (now - phaseStarted) / 1e9;
        Double eta = total > 0 && done > 0 && done < total ? inPhase * (total - done) / done : null;
        return new Snapshot(task, phase, done, total, total > 0 ? Math.min(100.0, 100.0 * done / total) : null, epoch, epochs,
                epochsDone, List.copyOf(losses), Collections.unmodifiableList(new ArrayList<>(validationLosses)), bestEpoch, elapsed,
                eta);
    }

    /**
     * @param percent     of the phase, null when its total is unknown
     * @param etaSeconds  the phase's remaining time at its pace so far, null when unknown
     */
    public record Snapshot(String task, String phase, long done, long total, Double percent, int epoch, int epochs, int epochsDone,
                           List<Double> epochLosses, List<Double> validationLosses, Integer bestEpoch, double elapsedSeconds,
                           Double etaSeconds) {
        /** The last finished epoch's mean loss, or null. */
        public Double loss() {
            return epochLosses.isEmpty() ? null : epochLosses.get(epochLosses.size() - 1);
        }

        /** The last finished epoch's validation loss, or null. */
        public Double validationLoss() {
            return validationLosses.isEmpty() ? null : validationLosses.get(validationLosses.size() - 1);
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", task);
            m.put("phase", phase);
            m.put("done", done);
            m.put("total", total);
            m.put("percent", percent);
            m.put("epoch", (long) epoch);
            m.put("epochs", (long) epochs);
            m.put("epochsDone", (long) epochsDone);
            m.put("epochLosses", epochLosses);
            m.put("validationLosses", validationLosses);
            m.put("bestEpoch", bestEpoch == null ? null : (long) bestEpoch);
            m.put("elapsedSeconds", elapsedSeconds);
            m.put("etaSeconds", etaSeconds);
            return m;
        }
    }
}
