package mmr.procedures.graph;

import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.RelationshipType;

/**
 * The names of everything mmr stores: labels, relationship types, properties, index names and the
 * one catalog and model name. Every Cypher string and every {@code Label}/{@code RelationshipType}
 * in the plugin is built from these, so a rename is one edit ({@code cypher/schema.cypher} and the
 * importer's statements spell the same names; the tests run both against the plugin).
 */
public final class Schema {
    private Schema() {}

    public static final String IMAGE = "Image";
    public static final String TAG = "Tag";
    public static final String CATALOG = "MmrCatalog";
    public static final String MODEL = "MmrModel";

    public static final Label IMAGE_LABEL = Label.label(IMAGE);
    public static final Label TAG_LABEL = Label.label(TAG);
    public static final Label CATALOG_LABEL = Label.label(CATALOG);
    public static final Label MODEL_LABEL = Label.label(MODEL);

    /** Image → Tag. */
    public static final String TAGGED = "TAGGED";
    /** Image → Image, a visual kNN edge with its cosine as {@code score}. */
    public static final String SIMILAR = "SIMILAR";
    /** Image ↔ Image liked together (feedback), with a {@code count}. */
    public static final String LIKED_WITH = "LIKED_WITH";
    /** Image → Tag liked for a query with that tag (feedback), with a {@code count}. */
    public static final String LIKED_FOR = "LIKED_FOR";

    public static final RelationshipType TAGGED_TYPE = RelationshipType.withName(TAGGED);
    public static final RelationshipType SIMILAR_TYPE = RelationshipType.withName(SIMILAR);
    public static final RelationshipType LIKED_WITH_TYPE = RelationshipType.withName(LIKED_WITH);
    public static final RelationshipType LIKED_FOR_TYPE = RelationshipType.withName(LIKED_FOR);

    /** Image key. */
    public static final String ID = "id";
    /** Tag, catalog and model key. */
    public static final String NAME = "name";
    /** The encoder's features of an image, or a tag's initial features. */
    public static final String FEATURES = "features";
    /** The trained GraphSAGE embedding of an image or a tag. */
    public static final String EMBEDDING = "embedding";
    /** A node's stored first-layer state, reused when a change re-embeds its neighbours. */
    public static final String SAGE_STATE = "sageState";
    /** SIMILAR's cosine. */
    public static final String SCORE = "score";
    /** LIKED_WITH's and LIKED_FOR's accumulated count. */
    public static final String COUNT = "count";

    /** The name of the one catalog record and of the model searches use unless told otherwise. */
    public static final String DEFAULT_NAME = "default";

    /** Vector index on Image.features: the query's visual neighbours. */
    public static final String IMAGE_FEATURES_INDEX = "mmr_image_features";
    /** Vector index on Image.embedding: the ranking. */
    public static final String IMAGE_EMBEDDING_INDEX = "mmr_image_embedding";
    /** Vector index on Tag.embedding: tag prediction. */
    public static final String TAG_EMBEDDING_INDEX = "mmr_tag_embedding";
}
