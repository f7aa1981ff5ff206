package mmr.procedures.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

import mmr.model.tag.VoteWeight;
import mmr.model.tag.VoterCount;
import mmr.model.vector.Vectors;
import mmr.procedures.graph.LoadedModel;
import mmr.procedures.graph.Neo4jSageGraph;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.TagWithoutImage;
import mmr.procedures.graph.VectorIndexes;
import mmr.procedures.search.QueryNode;
import mmr.procedures.search.SearchConfig;

/**
 * The stored graph's side of {@link VoterCount} and {@link VoteWeight}: a seeded sample of tagged
 * images, each with its nearest other images from the features index (as a new image's attachment
 * finds them) and their tags. Read-only.
 */
final class VoterSamples {
    /** Tagged images left out one at a time; enough to tell counts apart by a few hundredths of precision. */
    static final int SAMPLES = 1_000;
    /** Tags scored per sample: the precision@5 mmr eval reports. */
    static final int TOP = 5;
    /** Candidates asked of the index per sample, as the query node's attachment asks at least. */
    private static final int CANDIDATES = 50;

    private VoterSamples() {}

    /** A tagged image left out: its node id, its features, and its nearest other images' node ids, nearest first. */
    record LeftOut(VoterCount.Sample votes, long image, float[] features, long[] neighbours) {}

    /** A seeded sample of tagged images and their nearest other images; empty without a features index. */
    static List<LeftOut> read(Transaction tx, long seed) {
        return VectorIndexes.online(tx, Schema.IMAGE_FEATURES_INDEX) ? read(tx, sample(tx, seed)) : List.of();
    }

    /**
     * Up to {@link #SAMPLES} of the tagged images among {@code ids} and their nearest other images; empty
     * without a features index.
     */
    static List<LeftOut> read(Transaction tx, long[] ids) {
        if (!VectorIndexes.online(tx, Schema.IMAGE_FEATURES_INDEX)) {
            return List.of();
        }
        List<Node> images = new ArrayList<>();
        for (long id : ids) {
            Node image = tx.getNodeById(id);
            if (images.size() < SAMPLES && image.getDegree(Schema.TAGGED_TYPE, Direction.OUTGOING) > 0) {
                images.add(image);
            }
        }
        return read(tx, images);
    }

    private static List<LeftOut> read(Transaction tx, List<Node> images) {
        List<LeftOut> out = new ArrayList<>();
        int maxVoters = VoterCount.CANDIDATES.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (Node image : images) {
            float[] f = Vectors.toFloats(image.getProperty(Schema.FEATURES, null));
            if (f == null) {
                continue;
            }
            List<long[]> tags = new ArrayList<>();
            List<Double> cosines = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            // The seek stops once it has the most voters tried and the image itself.
            for (VectorIndexes.Nearest near : VectorIndexes.nearest(tx, Schema.IMAGE_FEATURES_INDEX, CANDIDATES, f,
                    Double.NEGATIVE_INFINITY, maxVoters + 1)) {
                if (near.node().getId() != image.getId() && tags.size() < maxVoters) {
                    tags.add(tags(near.node()));
                    cosines.add(near.cosine());
                    ids.add(near.node().getId());
                }
            }
            Set<Long> own = new HashSet<>();
            for (long t : tags(image)) {
                own.add(t);
            }
            out.add(new LeftOut(new VoterCount.Sample(own, tags, cosines.stream().mapToDouble(Double::doubleValue).toArray()),
                    image.getId(), f, ids.stream().mapToLong(Long::longValue).toArray()));
        }
        return out;
    }

    /** The count of voters chosen on the images left out; {@link VoterCount#DEFAULT} without any. */
    static VoterCount.Choice chooseVoters(Transaction tx, List<LeftOut> leftOut) {
        Map<Long, Integer> carriers = new HashMap<>();
        return VoterCount.choose(leftOut.stream().map(LeftOut::votes).toList(), SearchConfig.DEFAULT_SIMILARITY_CUTOFF, TOP,
                t -> carriers.computeIfAbsent(t, id -> tx.getNodeById(id).getDegree(Schema.TAGGED_TYPE, Direction.INCOMING)));
    }

    /**
     * The vote weight chosen on the images left out, each embedded by the newly trained {@code model} as
     * mmr.predictTags embeds a new image attached by its visual neighbours (connect 'images', as mmr eval
     * measures tag prediction: its first {@code voters} neighbours above the cutoff), its candidate tags
     * scored against the trained embeddings of {@code tags} (node ids) — the image's own tags
     * against their embeddings without it ({@link TagWithoutImage}; a tag no other image carries is not a
     * candidate, as it would not be in the catalog). {@link VoteWeight#DEFAULT} without any image left out.
     */
    static VoteWeight.Choice chooseVoteWeight(Transaction tx, List<LeftOut> leftOut, int voters, QueryNode queryNode,
                                              LoadedModel model, long[] tags, LongFunction<float[]> embeddings) {
        long[] tagIds = Arrays.stream(tags).filter(t -> embeddings.apply(t) != null).sorted().toArray();
        float[][] units = new float[tagIds.length][];
        for (int t = 0; t < tagIds.length; t++) {
            units[t] = Vectors.normalised(embeddings.apply(tagIds[t]));
        }
        int nearest = Math.max(2 * SearchConfig.DEFAULT_K, 20);   // the nearest tags mmr.predictTags asks the index for
        List<VoteWeight.Sample> samples = new ArrayList<>();
        for (LeftOut l : leftOut) {
            VoterCount.Sample v = l.votes();
            Map<Long, Double> votes = new HashMap<>();
            List<Long> attached = new ArrayList<>();
            double total = 0;
            for (int i = 0; i < v.cosines().length && attached.size() < voters; i++) {
                if (v.cosines()[i] < SearchConfig.DEFAULT_SIMILARITY_CUTOFF) {
                    continue;
                }
                double weight = Math.max(0, v.cosines()[i]);
                total += weight;
                attached.add(l.neighbours()[i]);
                for (long tag : v.neighbourTags().get(i)) {
                    votes.merge(tag, weight, Double::sum);
                }
            }
            float[] e = Vectors.normalised(queryNode.embedUntagged(model, l.features(),
                    attached.stream().mapToLong(Long::longValue).toArray(), SearchConfig.Connect.IMAGES));
            double[] cos = new double[tagIds.length];
            Integer[] order = new Integer[tagIds.length];
            for (int t = 0; t < tagIds.length; t++) {
                cos[t] = Vectors.dot(e, units[t]);
                order[t] = t;
            }
            Neo4jSageGraph stored = new Neo4jSageGraph(tx, model.randomSeed());   // per image: its cache stays small
            for (long own : v.own()) {
                int t = Arrays.binarySearch(tagIds, own);
                if (t >= 0 && tx.getNodeById(own).getDegree() <= TagWithoutImage.EXACT_NEIGHBOURS) {
                    float[] without = TagWithoutImage.embed(tx, model, stored, own, l.image());
                    cos[t] = without == null ? Double.NEGATIVE_INFINITY : Vectors.dot(e, Vectors.normalised(without));
                }
            }
            Arrays.sort(order, (a, b) -> Double.compare(cos[b], cos[a]));
            Map<Long, Double> cosines = new HashMap<>();
            for (int i = 0; i < Math.min(nearest, order.length) && cos[order[i]] > Double.NEGATIVE_INFINITY; i++) {
                cosines.put(tagIds[order[i]], cos[order[i]]);
            }
            Map<Long, Double> shares = new HashMap<>();
            for (Map.Entry<Long, Double> vote : votes.entrySet()) {
                int t = Arrays.binarySearch(tagIds, vote.getKey());
                if (t >= 0 && cos[t] > Double.NEGATIVE_INFINITY) {
                    shares.put(vote.getKey(), total > 0 ? vote.getValue() / total : 0);
                    cosines.put(vote.getKey(), cos[t]);
                }
            }
            samples.add(new VoteWeight.Sample(v.own(), shares, cosines));
        }
        return VoteWeight.choose(samples, TOP);
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

    private static long[] tags(Node image) {
        List<Long> out = new ArrayList<>();
        for (Relationship r : image.getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
            out.add(r.getEndNodeId());
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
