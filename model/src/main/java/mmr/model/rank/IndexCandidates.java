package mmr.model.rank;

/**
 * How many candidates a nearest-neighbour lookup asks an HNSW index for. The index's recall at a fixed
 * count falls as it grows, so a count set for large catalogs is several times what a small one needs
 * (recall by catalog size: docs/benchmarks.md). The count asked grows with the square root of the
 * indexed nodes until {@link #FULL_SIZE}, where it reaches the count set for large catalogs, and is
 * never below {@link #MIN_PER_WANTED} times the nodes wanted. Only for a lookup whose answer is ranked
 * by its cosine alone: where the candidates are scored again (an image + keyword query) or become the
 * query's graph neighbours (its attachment), the smaller counts cost quality in the eval, and those
 * lookups ask the full count (docs/evaluation.md).
 */
public final class IndexCandidates {
    /** From this many indexed nodes on, the full count is asked. */
    public static final long FULL_SIZE = 40_000;
    /** The least asked, per node wanted. */
    public static final int MIN_PER_WANTED = 3;

    private IndexCandidates() {}

    /**
     * @param indexed    nodes in the index (an upper bound will do)
     * @param wanted     nodes the caller keeps
     * @param atFullSize the count asked of an index of {@link #FULL_SIZE} nodes or more
     */
    public static int of(long indexed, int wanted, int atFullSize) {
        if (wanted < 0 || atFullSize < 0) {
            throw new IllegalArgumentException("wanted " + wanted + " and atFullSize " + atFullSize + " must be ≥ 0");
        }
        double share = Math.sqrt(Math.min(1.0, Math.max(0L, indexed) / (double) FULL_SIZE));
        int scaled = (int) Math.ceil(atFullSize * share);
        return Math.min(atFullSize, Math.max(MIN_PER_WANTED * wanted, scaled));
    }
}
