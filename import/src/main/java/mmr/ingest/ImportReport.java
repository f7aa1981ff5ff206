package mmr.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What an import did: counts, timings, problems (the first {@value #KEPT} kept in full). */
public final class ImportReport {
    static final int KEPT = 10_000;

    long records;
    long imported;
    long alreadyPresent;
    long tagsCreated;
    long tagCentroids;
    long decodeEncodeNanos;
    long writeNanos;
    long totalNanos;
    long knnNanos;
    long embedded;
    Map<String, Object> knn;
    private final Map<Problem.Kind, Long> counts = new EnumMap<>(Problem.Kind.class);
    private final List<Problem> problems = new ArrayList<>();

    void add(Problem p) {
        counts.merge(p.kind(), 1L, Long::sum);
        if (problems.size() < KEPT) {
            problems.add(p);
        }
    }

    /** Manifest records seen (lines that parsed, including those later rejected). */
    public long records() {
        return records;
    }

    public long imported() {
        return imported;
    }

    /** Records skipped because their id was imported by an earlier run. */
    public long alreadyPresent() {
        return alreadyPresent;
    }

    public long rejected() {
        return counts.entrySet().stream().filter(e -> e.getKey().rejects()).mapToLong(Map.Entry::getValue).sum();
    }

    public long tagsCreated() {
        return tagsCreated;
    }

    /** Nodes embedded with the stored model after the import (0 when no model is trained yet). */
    public long embedded() {
        return embedded;
    }

    public long tagCentroids() {
        return tagCentroids;
    }

    public Map<Problem.Kind, Long> problemCounts() {
        return Collections.unmodifiableMap(counts);
    }

    public List<Problem> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** The {@code mmr.knn} result row, or null when kNN was not run. */
    public Map<String, Object> knn() {
        return knn;
    }

    /** Wall time of the whole run, kNN included. */
    public double seconds() {
        return totalNanos / 1e9;
    }

    /** Wall time of the import alone: reading, decoding, encoding and writing, without the kNN rebuild. */
    public double importSeconds() {
        return (totalNanos - knnNanos) / 1e9;
    }

    public double decodeEncodeSeconds() {
        return decodeEncodeNanos / 1e9;
    }

    public double writeSeconds() {
        return writeNanos / 1e9;
    }

    /** Imported images per second of the import's wall time ({@link #importSeconds}). */
    public double imagesPerSecond() {
        double s = importSeconds();
        return s > 0 ? imported / s : 0;
    }

    public double knnSeconds() {
        return knnNanos / 1e9;
    }

    /** Nothing could be imported although the manifest had new records. */
    public boolean failedCompletely() {
        return imported == 0 && alreadyPresent == 0 && (records > 0 || rejected() > 0);
    }
}
