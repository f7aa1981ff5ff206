package mmr.model.rank;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongPredicate;

/**
 * Geodesic distances on a weighted graph (paper 004): the length of the cheapest path, found by a
 * bounded, multi-source Dijkstra. Sources start at given costs (the transient query node's edges to
 * its attachments, or 0 for a path's start); the search stops as soon as {@code wanted} accepted
 * nodes are settled, when nothing is left within {@code maxHops} hops, or when {@code maxExpanded}
 * nodes have been settled — whichever comes first, so the work per call is bounded.
 *
 * <p>The hop bound is applied when an edge is relaxed: a node is reached by the cheapest path the
 * search finds among paths of at most {@code maxHops} hops (exact whenever the bound does not bind;
 * with it, a cheaper path of more hops is not taken, a dearer path of fewer hops may be missed).
 * Ties are broken by node id, so the result is deterministic. Weights must be finite and ≥ 0.
 */
public final class Geodesic {
    private Geodesic() {}

    /** The graph the search walks. */
    public interface Graph {
        /** Calls {@code sink} once per edge of {@code node}: its other end and its weight (finite, ≥ 0). */
        void neighbours(long node, EdgeSink sink);
    }

    /** Receives edges. */
    @FunctionalInterface
    public interface EdgeSink {
        void edge(long other, double weight);
    }

    /**
     * Bounds of one search.
     *
     * @param maxHops     edges on a path, at most
     * @param maxExpanded nodes settled (their edges read), at most
     */
    public record Bounds(int maxHops, int maxExpanded) {
        public Bounds {
            if (maxHops < 1 || maxExpanded < 1) {
                throw new IllegalArgumentException("bounds must be ≥ 1, got maxHops " + maxHops + ", maxExpanded " + maxExpanded);
            }
        }
    }

    /** Why a search stopped. */
    public enum Stop {
        /** {@code wanted} accepted nodes were settled. */
        FOUND,
        /** Every node within {@code maxHops} hops was settled first. */
        EXHAUSTED,
        /** {@code maxExpanded} nodes were settled first. */
        EXPANSION_LIMIT
    }

    /** A settled node: its geodesic distance, its hops and the node before it on its path (−1 at a source). */
    public record Reached(long node, double distance, int hops, long previous) {}

    /**
     * The outcome: the accepted nodes settled, nearest first; every node settled (for paths); how
     * many nodes were expanded and why the search stopped.
     */
    public record Result(List<Reached> accepted, Map<Long, Reached> settled, int expanded, Stop stop) {
        /** The path to a settled node, from its source to it. */
        public List<Reached> pathTo(long node) {
            List<Reached> path = new ArrayList<>();
            Reached r = settled.get(node);
            while (r != null) {
                path.add(0, r);
                r = r.previous() < 0 ? null : settled.get(r.previous());
            }
            return path;
        }
    }

    /**
     * Searches from {@code sources} (each with its starting cost, 0 hops before its first edge is
     * counted as {@code sourceHops}) until {@code wanted} nodes passing {@code accept} are settled.
     *
     * @param sourceHops hops already on the path at a source (1 for the query node's attachments)
     */
    public static Result search(Graph graph, long[] sources, double[] sourceCosts, int sourceHops, LongPredicate accept,
                                int wanted, Bounds bounds) {
        if (sources.length != sourceCosts.length) {
            throw new IllegalArgumentException(sources.length + " sources but " + sourceCosts.length + " costs");
        }
        Map<Long, Reached> best = new HashMap<>();
        Map<Long, Reached> settled = new HashMap<>();
        PriorityQueue<Reached> queue = new PriorityQueue<>((a, b) -> a.distance() != b.distance()
                ? Double.compare(a.distance(), b.distance()) : Long.compare(a.node(), b.node()));
        for (int i = 0; i < sources.length; i++) {
            requireWeight(sourceCosts[i]);
            Reached r = new Reached(sources[i], sourceCosts[i], sourceHops, -1);
            Reached old = best.get(sources[i]);
            if (old == null || r.distance() < old.distance()) {
                best.put(sources[i], r);
                queue.add(r);
            }
        }
        List<Reached> accepted = new ArrayList<>();
        int expanded = 0;
        Stop stop = Stop.EXHAUSTED;
        while (!queue.isEmpty()) {
            Reached r = queue.poll();
            if (settled.containsKey(r.node()) || best.get(r.node()) != r) {
                continue;   // a stale entry: the node was reached more cheaply
            }
            settled.put(r.node(), r);
            if (accept.test(r.node())) {
                accepted.add(r);
                if (accepted.size() >= wanted) {
                    stop = Stop.FOUND;
                    break;
                }
            }
            if (r.hops() >= bounds.maxHops()) {
                continue;
            }
            if (expanded >= bounds.maxExpanded()) {
                stop = Stop.EXPANSION_LIMIT;
                break;
            }
            expanded++;
            graph.neighbours(r.node(), (other, weight) -> {
                requireWeight(weight);
                if (settled.containsKey(other)) {
                    return;
                }
                double d = r.distance() + weight;
                Reached old = best.get(other);
                if (old == null || d < old.distance()) {
                    Reached next = new Reached(other, d, r.hops() + 1, r.node());
                    best.put(other, next);
                    queue.add(next);
                }
            });
        }
        return new Result(accepted, settled, expanded, stop);
    }

    private static void requireWeight(double w) {
        if (!(w >= 0) || Double.isInfinite(w)) {
            throw new IllegalArgumentException("edge weights must be finite and ≥ 0, got " + w);
        }
    }

    /** An edge weight from a cosine: 1 − cos, clamped at 0 against rounding (cos may exceed 1 by an ulp). */
    public static double weight(double cosine) {
        return Math.max(0, 1 - cosine);
    }
}
