package mmr.model.sage;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which embeddings an edge change alters, under a model's sample sizes. A node's layer-k state
 * h_k(n) reads h_(k−1) of n itself and of its layer-k sample of neighbours (deterministic per
 * node; see {@link NeighbourSample}). When edges between {@code endpoints} and others are added or
 * removed, the endpoints' neighbour lists — and so their samples — change, and nothing else's
 * lists do. So, with C_0 = the nodes whose input features are new:
 * <pre>
 *   C_k = endpoints ∪ C_(k−1) ∪ { n : layer-k sample of n meets C_(k−1) }
 * </pre>
 * and the embeddings to recompute are C_L for an L-layer model. Only neighbours of C_(k−1) can
 * sample a member of it, so each step reads the neighbour lists around the change, no further.
 */
public final class ChangeReach {
    private ChangeReach() {}

    public static Set<Long> affected(SageGraph graph, SageWeights weights, Set<Long> endpoints, Set<Long> newInputs) {
        return affected(graph, weights, endpoints, newInputs, weights.layers().size());
    }

    /** C_layers: the nodes whose state at layer {@code layers} changes (C_1: whose first-layer state does). */
    public static Set<Long> affected(SageGraph graph, SageWeights weights, Set<Long> endpoints, Set<Long> newInputs, int layers) {
        Set<Long> changed = new LinkedHashSet<>(newInputs);
        for (int k = 1; k <= layers; k++) {
            int sampleSize = weights.layers().get(k - 1).sampleSize();
            Set<Long> next = new LinkedHashSet<>(endpoints);
            next.addAll(changed);
            for (long c : changed) {
                for (long n : graph.neighbours(c, Integer.MAX_VALUE)) {
                    if (next.contains(n)) {
                        continue;
                    }
                    for (long sampled : graph.neighbours(n, sampleSize)) {
                        if (sampled == c) {
                            next.add(n);
                            break;
                        }
                    }
                }
            }
            changed = next;
        }
        return changed;
    }
}
