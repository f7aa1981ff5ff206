package mmr.procedures.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

import mmr.model.tag.VoterCount;
import mmr.model.vector.Vectors;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.VectorIndexes;
import mmr.procedures.search.SearchConfig;

/**
 * The stored graph's side of {@link VoterCount}: a seeded sample of tagged images, each with its
 * nearest other images from the features index (as a new image's attachment finds them) and their
 * tags. Read-only.
 */
final class VoterSamples {
    /** Tagged images left out one at a time; enough to tell counts apart by a few hundredths of precision. */
    static final int SAMPLES = 1_000;
    /** Tags scored per sample: the precision@5 mmr eval reports. */
    static final int TOP = 5;
    /** Candidates asked of the index per sample, as the query node's attachment asks at least. */
    private static final int CANDIDATES = 50;

    private VoterSamples() {}

    /** The count chosen on this graph; {@link VoterCount#DEFAULT} when it has no tagged image or no features index. */
    static VoterCount.Choice choose(Transaction tx, long seed) {
        if (!VectorIndexes.online(tx, Schema.IMAGE_FEATURES_INDEX)) {
            return VoterCount.choose(List.of(), SearchConfig.DEFAULT_SIMILARITY_CUTOFF, TOP, t -> 0);
        }
        Map<Long, Integer> carriers = new HashMap<>();
        List<VoterCount.Sample> samples = new ArrayList<>();
        int maxVoters = VoterCount.CANDIDATES.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (Node image : sample(tx, seed)) {
            float[] f = Vectors.toFloats(image.getProperty(Schema.FEATURES, null));
            if (f == null) {
                continue;
            }
            List<long[]> tags = new ArrayList<>();
            List<Double> cosines = new ArrayList<>();
            // The seek stops once it has the most voters tried and the image itself.
            for (VectorIndexes.Nearest near : VectorIndexes.nearest(tx, Schema.IMAGE_FEATURES_INDEX, CANDIDATES, f,
                    Double.NEGATIVE_INFINITY, maxVoters + 1)) {
                if (near.node().getId() != image.getId() && tags.size() < maxVoters) {
                    tags.add(tags(near.node(), carriers));
                    cosines.add(near.cosine());
                }
            }
            Set<Long> own = new HashSet<>();
            for (long t : tags(image, carriers)) {
                own.add(t);
            }
            samples.add(new VoterCount.Sample(own, tags, cosines.stream().mapToDouble(Double::doubleValue).toArray()));
        }
        return VoterCount.choose(samples, SearchConfig.DEFAULT_SIMILARITY_CUTOFF, TOP,
                t -> carriers.getOrDefault(t, 0));
    }

    /** Up to {@link #SAMPLES} images with at least one tag, reservoir-sampled in one pass. */
    private static List<Node> sample(Transaction tx, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Node> kept = new ArrayList<>();
        long seen = 0;
        try (ResourceIterator<Node> images = tx.findNodes(Schema.IMAGE_LABEL)) {
            while (images.hasNext()) {
                Node image = images.next();
                if (image.getDegree(Schema.TAGGED_TYPE, Direction.OUTGOING) == 0) {
                    continue;
                }
                seen++;
                if (kept.size() < SAMPLES) {
                    kept.add(image);
                } else {
                    long j = rng.nextLong(seen);
                    if (j < SAMPLES) {
                        kept.set((int) j, image);
                    }
                }
            }
        }
        return kept;
    }

    private static long[] tags(Node image, Map<Long, Integer> carriers) {
        List<Long> out = new ArrayList<>();
        for (Relationship r : image.getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
            Node tag = r.getEndNode();
            carriers.computeIfAbsent(tag.getId(), id -> tag.getDegree(Schema.TAGGED_TYPE, Direction.INCOMING));
            out.add(tag.getId());
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
