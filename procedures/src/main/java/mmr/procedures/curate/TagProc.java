package mmr.procedures.curate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

import mmr.model.sage.ChangeReach;
import mmr.model.sage.GraphSage;
import mmr.model.sage.SageWeights;
import mmr.model.tag.TagFeatures;
import mmr.model.tag.TagNames;
import mmr.model.text.Bounded;
import mmr.model.vector.Vectors;
import mmr.procedures.config.ConfigMap;
import mmr.procedures.graph.CatalogGraph;
import mmr.procedures.graph.DenseSamples;
import mmr.procedures.graph.LoadedModel;
import mmr.procedures.graph.ModelStore;
import mmr.procedures.graph.Neo4jSageGraph;
import mmr.procedures.graph.SageStates;
import mmr.procedures.graph.Schema;
import mmr.procedures.graph.TagCarriers;
import mmr.procedures.train.EmbedProc;

/**
 * {@code mmr.tag} and {@code mmr.untag}: a curator adds or removes an image's tags, and the
 * embeddings the change alters are recomputed with the stored model in the same transaction — no
 * retraining. Which embeddings: {@link ChangeReach} (the image, the tags, and the nodes whose sampled
 * neighbourhood holds one of them, layer by layer).
 */
public class TagProc {
    /** Most tags one call adds or removes. */
    public static final int MAX_TAGS = 100;
    /** Most embeddings one call recomputes; a change reaching further is refused (retrain instead). */
    public static final int MAX_REEMBEDDED = 20_000;

    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    @Procedure(name = "mmr.tag", mode = Mode.WRITE)
    @Description("Adds tags to an image (an Image node or id): names normalised like import, new Tag nodes created with "
            + "features as the catalog's tagFeatureInit says, TAGGED edges added, and every embedding the change alters "
            + "recomputed with the stored model in this transaction (no retraining).")
    public Stream<TagResult> tag(@Name("image") Object image, @Name("tags") List<String> tags,
                                 @Name(value = "config", defaultValue = "{}") Map<String, Object> config) {
        return Stream.of(change("mmr.tag", image, tags, config, true));
    }

    @Procedure(name = "mmr.untag", mode = Mode.WRITE)
    @Description("Removes tags from an image (an Image node or id): the TAGGED edges go, a tag no other image uses goes "
            + "too, and every embedding the change alters is recomputed with the stored model (no retraining).")
    public Stream<TagResult> untag(@Name("image") Object image, @Name("tags") List<String> tags,
                                   @Name(value = "config", defaultValue = "{}") Map<String, Object> config) {
        return Stream.of(change("mmr.untag", image, tags, config, false));
    }

    private TagResult change(String procedure, Object rawImage, List<String> rawTags, Map<String, Object> rawConfig, boolean add) {
        long t0 = System.nanoTime();
        String modelName = ConfigMap.of(procedure, rawConfig, List.of("model")).string("model", Schema.DEFAULT_NAME);
        Node image = new CatalogGraph(tx).image(procedure, "image", rawImage);
        List<String> names = names(procedure, rawTags);
        Node modelNode = new ModelStore(tx).current(modelName);
        if (modelNode == null) {
            throw new IllegalArgumentException(procedure + ": there is no trained model '" + modelName
                    + "' to re-embed with; run CALL mmr.train() first");
        }
        LoadedModel model = LoadedModel.of(procedure, tx, modelNode);
        float[] imageFeatures = Vectors.toFloats(image.getProperty("features", null));
        if (imageFeatures == null) {
            throw new IllegalArgumentException(procedure + ": image " + Bounded.quote(id(image)) + " has no 'features'");
        }

        boolean changedBefore = DenseSamples.hasChanges(tx);

        // --- write the edges (everything below runs in the caller's transaction: a failure undoes it all)
        Set<Long> endpoints = new LinkedHashSet<>();
        Set<Long> newInputs = new LinkedHashSet<>();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<Long> orphans = new ArrayList<>();
        for (String name : names) {
            Node tag = tx.findNode(Schema.TAG_LABEL, "name", name);
            Relationship edge = tag == null ? null : edge(image, tag);
            if (add) {
                if (edge != null) {
                    unchanged.add(name);
                    continue;
                }
                if (tag == null) {
                    tag = tx.createNode(Schema.TAG_LABEL);
                    tag.setProperty("name", name);
                    tag.setProperty("features", newTagFeatures(name, imageFeatures));
                    created.add(name);
                    newInputs.add(tag.getId());
                }
                image.createRelationshipTo(tag, Schema.TAGGED_TYPE);
            } else {
                if (edge == null) {
                    unchanged.add(name);
                    continue;
                }
                edge.delete();
                if (!tag.hasRelationship(Direction.INCOMING, Schema.TAGGED_TYPE)) {
                    orphans.add(tag.getId());
                }
            }
            changed.add(name);
            endpoints.add(tag.getId());
        }
        if (changed.isEmpty()) {
            return new TagResult(id(image), List.of(), unchanged, List.of(), List.of(), 0, millis(t0));
        }
        endpoints.add(image.getId());

        // --- tags no image uses any more go (their edges are gone; nothing else points at them)
        List<String> deleted = new ArrayList<>();
        Set<Long> touched = new LinkedHashSet<>(endpoints);   // every node whose edge list this call changes
        for (long orphan : orphans) {
            Node t = tx.getNodeById(orphan);
            deleted.add((String) t.getProperty("name", ""));
            for (Relationship r : t.getRelationships()) {
                touched.add(r.getOtherNodeId(orphan));
                r.delete();
            }
            t.delete();
            endpoints.remove(orphan);
        }

        // --- re-embed what the change reaches under the model's sample sizes
        Neo4jSageGraph graph = new Neo4jSageGraph(tx, model.randomSeed(), DenseSamples.forTransaction(db, touched, changedBefore));
        Set<Long> affected = ChangeReach.affected(graph, model.sage().weights(), endpoints, newInputs);
        if (affected.size() > MAX_REEMBEDDED) {
            throw new IllegalArgumentException(procedure + ": this change reaches " + affected.size()
                    + " embeddings, more than " + MAX_REEMBEDDED + " one call recomputes; retrain with CALL mmr.train() instead "
                    + "(nothing was written)");
        }
        long[] ids = affected.stream().mapToLong(Long::longValue).toArray();
        graph.prefetchFeatures(ids);
        EmbedProc.write(tx, model, graph, ids, unchangedStates(graph, model, affected, endpoints, newInputs));
        TagCarriers.refresh(tx, model.key(), endpoints);
        return new TagResult(id(image), changed, unchanged, created, deleted, ids.length, millis(t0));
    }

    /**
     * The stored first-layer states of the nodes the recomputation reads whose first-layer state the
     * change does not alter (outside C_1): the top layer of an affected node then costs one layer, not
     * two. A node without a stored state of this model is computed from the graph.
     */
    private GraphSage.KnownStates unchangedStates(Neo4jSageGraph graph, LoadedModel model, Set<Long> affected, Set<Long> endpoints,
                                                  Set<Long> newInputs) {
        SageWeights weights = model.sage().weights();
        if (weights.layers().size() != 2) {
            return null;   // stored states are first-layer states: they stand in for a two-layer model's inner layer only
        }
        Set<Long> stale = ChangeReach.affected(graph, weights, endpoints, newInputs, 1);
        Set<Long> read = new LinkedHashSet<>();
        int top = weights.layers().get(1).sampleSize();
        for (long n : affected) {
            read.add(n);
            for (long m : graph.neighbours(n, top)) {
                read.add(m);
            }
        }
        read.removeAll(stale);
        GraphSage.KnownStates stored = SageStates.read(tx, model, read.stream().mapToLong(Long::longValue).toArray());
        return (layer, node) -> stale.contains(node) ? null : stored.get(layer, node);
    }

    private float[] newTagFeatures(String name, float[] imageFeatures) {
        Node catalog = new CatalogGraph(tx).catalogNode();
        String init = catalog == null ? null : (String) catalog.getProperty("tagFeatureInit", null);
        TagFeatures.Init how = init == null ? TagFeatures.Init.DEFAULT : TagFeatures.Init.parse(init);
        return how == TagFeatures.Init.RANDOM ? TagFeatures.random(name, imageFeatures.length)
                : TagFeatures.centroid(List.of(imageFeatures));
    }

    private static Relationship edge(Node image, Node tag) {
        for (Relationship r : image.getRelationships(Direction.OUTGOING, Schema.TAGGED_TYPE)) {
            if (r.getEndNodeId() == tag.getId()) {
                return r;
            }
        }
        return null;
    }

    private static List<String> names(String procedure, List<String> raw) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException(procedure + ": 'tags' is empty; give 1 to " + MAX_TAGS + " tag names");
        }
        if (raw.size() > MAX_TAGS) {
            throw new IllegalArgumentException(procedure + ": 'tags' holds " + raw.size() + " tags; one call takes at most " + MAX_TAGS);
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object o : raw) {
            if (!(o instanceof String s)) {
                throw new IllegalArgumentException(procedure + ": 'tags' must be a list of strings, but it holds " + ConfigMap.describe(o));
            }
            var problem = TagNames.problem(s);
            if (problem.isPresent()) {
                throw new IllegalArgumentException(procedure + ": bad tag " + Bounded.quote(s) + ": " + problem.get());
            }
            out.add(TagNames.normalise(s));
        }
        return new ArrayList<>(out);
    }

    private static String id(Node image) {
        return String.valueOf(image.getProperty("id", ""));
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** What one call changed. */
    public static final class TagResult {
        @Description("The image's id.")
        public final String image;
        @Description("Tags added (mmr.tag) or removed (mmr.untag).")
        public final List<String> changed;
        @Description("Tags already so: already on the image (mmr.tag), or not on it (mmr.untag).")
        public final List<String> unchanged;
        @Description("Tag nodes created (mmr.tag).")
        public final List<String> created;
        @Description("Tag nodes deleted because no image uses them any more (mmr.untag).")
        public final List<String> deleted;
        @Description("Embeddings recomputed: the image, the tags and the nodes the change reaches under the model's samples.")
        public final long reembedded;
        @Description("Milliseconds spent.")
        public final long millis;

        public TagResult(String image, List<String> changed, List<String> unchanged, List<String> created, List<String> deleted,
                         long reembedded, long millis) {
            this.image = image;
            this.changed = changed;
            this.unchanged = unchanged;
            this.created = created;
            this.deleted = deleted;
            this.reembedded = reembedded;
            this.millis = millis;
        }
    }
}
