package mmr.cli;

import java.util.Locale;
import java.util.Map;

/**
 * What a {@code mmr bench scale} run needs before it starts a stage — disk, heap, and a heap and page
 * cache that leave room on the machine for what lives outside both — and the refusals that name the
 * setting to change. Estimates per image from the runs in docs/benchmarks.md.
 */
final class ScaleLimits {
    private static final double GB = 1L << 30;

    private ScaleLimits() {}

    /** Bytes the remaining stages will write, by the sizes measured at 100k images (docs/benchmarks.md). */
    static long plannedBytes(long images, int dimension, Map<String, ?> done) {
        long manifest = done.containsKey("generate") ? 0 : images * dimension * 9L;
        // features as a float array in the store and again in the vector index, plus the HNSW graph
        long store = done.containsKey("import") ? 0 : images * (dimension * 4L * 2 + 2_000);
        // 128-d embedding, 256-d state, their index, the SIMILAR edges
        long trained = done.containsKey("train") ? 0 : images * (128 * 4L * 2 + 256 * 4 + 600);
        return manifest + store + trained;
    }


    /** Heap a stage needs: what it holds per image, measured at 100k, with 1 GB for Neo4j itself. */
    static long neededHeapBytes(String stage, long images, int dimension) {
        long features = images * dimension * 4L;
        return switch (stage) {
            // GDS's in-memory graph holds every feature vector (as doubles) and the top-k lists
            case "knn" -> features * 2 + images * 200L + (1L << 30);
            // the trainer reads every image's features and keeps embeddings and states for all nodes
            case "train" -> features + images * 3_000L + (1L << 30);
            default -> 1L << 30;
        };
    }


    /** Why {@code maxHeap} is too small for the stage, or null when it suffices. */
    static String heapProblem(String stage, long images, int dimension, long maxHeap) {
        long needed = neededHeapBytes(stage, images, dimension);
        if (needed <= maxHeap) {
            return null;
        }
        return String.format(Locale.ROOT, "stage '%s' on %,d images of %d dimensions needs about %d GB of heap; this JVM has "
                        + "%.1f GB: raise it by %d GB (MMR_JAVA_OPTS=-Xmx%dg ./mmr bench scale …)", stage, images, dimension,
                ceilGb(needed), maxHeap / (double) (1L << 30), ceilGb(needed) - maxHeap / (1L << 30), ceilGb(needed));
    }


    /**
     * Why heap + page cache + the memory outside both (DJL's natives and Lucene's index buffers while
     * training) does not fit the machine, or null. Training 1M images with -Xmx14g and a 6 GB page cache
     * on 24 GB was killed by the kernel at 24.3 GB resident — the reason for this check.
     */
    static String memorySplitProblem(String stage, long heap, long pageCache, long ram) {
        long outside = stage.equals("train") ? 4L << 30 : 2L << 30;
        if (heap + pageCache + outside <= ram) {
            return null;
        }
        return String.format(Locale.ROOT, "stage '%s': heap %.1f GB + page cache %.1f GB + about %d GB outside both "
                        + "(DJL's natives, Lucene's index buffers) is more than this machine's %.1f GB; lower -Xmx or --page-cache "
                        + "(1M images of 960 dimensions train with -Xmx10g and --page-cache 3g)", stage, heap / GB, pageCache / GB,
                outside >> 30, ram / GB);
    }

    /** Neo4j's size syntax: a number with an optional k, m or g. */
    static long parseBytes(String size) {
        String t = size.trim().toLowerCase(Locale.ROOT);
        long unit = t.endsWith("g") ? 1L << 30 : t.endsWith("m") ? 1L << 20 : t.endsWith("k") ? 1L << 10 : 1;
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return (long) (Double.parseDouble(digits) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--page-cache takes a size like 3g or 512m, got '" + size + "'");
        }
    }

    static long ceilGb(long bytes) {
        return (bytes + (1L << 30) - 1) >> 30;
    }
}
