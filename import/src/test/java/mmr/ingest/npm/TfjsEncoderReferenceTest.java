package mmr.ingest.npm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import mmr.ingest.emoji.EmojiDataset;
import mmr.model.encode.EncoderIdentity;
import mmr.model.encode.Encoders;
import mmr.model.encode.ImageEncoder;
import mmr.model.tfjs.JsLiteral;
import mmr.model.vector.Vectors;

/**
 * mmr's TF.js runner against TF.js itself: nsfwjs's InceptionV3 (mixed5), MobileNetV2 (out_relu)
 * and the graph model mobilenet_v2_mid (its feature vector, an inner node) on two fixture images, against outputs TF.js recorded once (resources/tfjs/reference.js
 * says how). The nsfwjs package is fetched into the cache with npm pack when missing.
 */
class TfjsEncoderReferenceTest {
    private static Path models;
    private static Map<String, Object> reference;
    private static List<BufferedImage> images;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        models = new NsfwjsModels(EmojiDataset.defaultCache()).prepare();
        reference = (Map<String, Object>) JsLiteral.parse(Files.readString(Path.of("src/test/resources/tfjs/nsfwjs-reference.json")));
        Map<String, Object> pixels = (Map<String, Object>) JsLiteral.parse(Files.readString(Path.of("src/test/resources/tfjs/pixels.json")));
        images = new ArrayList<>();
        for (Object o : (List<Object>) pixels.get("images")) {
            Map<String, Object> p = (Map<String, Object>) o;
            int w = ((Number) p.get("width")).intValue();
            int h = ((Number) p.get("height")).intValue();
            List<Object> rgb = (List<Object>) p.get("rgb");
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = (y * w + x) * 3;
                    img.setRGB(x, y, (((Number) rgb.get(i)).intValue() << 16) | (((Number) rgb.get(i + 1)).intValue() << 8)
                            | ((Number) rgb.get(i + 2)).intValue());
                }
            }
            images.add(img);
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertMatchesTfjs(String spec, String key, int dimension) {
        try (ImageEncoder encoder = Encoders.open(spec, name -> models.resolve(name))) {
            EncoderIdentity id = encoder.identity();
            assertThat(id.dimension()).isEqualTo(dimension);
            float[][] got = encoder.encode(images);
            List<List<Number>> want = (List<List<Number>>) ((Map<String, Object>) reference.get("outputs")).get(key);
            for (int i = 0; i < got.length; i++) {
                float[] w = new float[want.get(i).size()];
                for (int j = 0; j < w.length; j++) {
                    w[j] = want.get(i).get(j).floatValue();
                }
                assertThat(Vectors.cosine(got[i], w)).as(spec + " image " + i).isGreaterThanOrEqualTo(0.9999);
            }
            assertThat(Vectors.cosine(got[0], got[1])).as("two different images").isLessThan(0.99);
        }
    }

    @Test
    void inceptionV3Mixed5MatchesTfjs() {
        assertMatchesTfjs("tfjs:inception_v3/mixed5", "inception_v3/mixed5", 768);
    }

    @Test
    void mobileNetV2MatchesTfjs() {
        assertMatchesTfjs("tfjs:mobilenet_v2/out_relu", "mobilenet_v2/out_relu", 1280);
    }

    @Test
    void mobileNetV2MidFeatureVectorMatchesTfjs() {   // a graph model; without a node: what its classifier head reads
        try (ImageEncoder encoder = Encoders.open("tfjs:mobilenet_v2_mid", name -> models.resolve(name))) {
            assertThat(encoder.identity().name()).isEqualTo("tfjs-mobilenet_v2_mid-spatialsqueeze");
        }
        assertMatchesTfjs("tfjs:mobilenet_v2_mid", "mobilenet_v2_mid/feature_vector/SpatialSqueeze", 1792);
        assertMatchesTfjs("tfjs:mobilenet_v2_mid/feature_vector/SpatialSqueeze", "mobilenet_v2_mid/feature_vector/SpatialSqueeze", 1792);
    }

    @Test
    void aGraphModelsInnerNodeMatchesTfjs() {
        assertMatchesTfjs("tfjs:mobilenet_v2_mid/MobilenetV2/expanded_conv_4/add", "mobilenet_v2_mid/MobilenetV2/expanded_conv_4/add", 48);
    }

    @Test
    void atASmallerSideTheFeatureVectorsFixedPoolAveragesTheWholeMap() {
        try (ImageEncoder small = Encoders.open("tfjs:mobilenet_v2_mid@160", name -> models.resolve(name));
             ImageEncoder map = Encoders.open("tfjs:mobilenet_v2_mid/MobilenetV2/Conv_1/Relu6@160", name -> models.resolve(name));
             ImageEncoder own = Encoders.open("tfjs:mobilenet_v2_mid", name -> models.resolve(name))) {
            assertThat(small.identity().name()).isEqualTo("tfjs-mobilenet_v2_mid-spatialsqueeze-160");
            assertThat(small.identity().dimension()).isEqualTo(1792);
            float[] a = small.encode(images.get(0));
            assertThat(Vectors.cosine(a, map.encode(images.get(0)))).isGreaterThanOrEqualTo(0.9999);   // 5×5 map, averaged
            assertThat(Vectors.cosine(a, own.encode(images.get(0)))).isBetween(0.5, 0.999);   // another side: near, not the same
        }
    }

    @Test
    void theServerEncodesAGraphModelCatalogsQueriesWithTheSameModel() {
        try (ImageEncoder importer = Encoders.open("tfjs:mobilenet_v2_mid@128", name -> models.resolve(name))) {
            ImageEncoder server = mmr.procedures.encode.ServerEncoders.forCatalog("mmr.search", importer.identity(), models);
            assertThat(server.identity()).isEqualTo(importer.identity());
            assertThat(Vectors.cosine(server.encode(images.get(1)), importer.encode(images.get(1)))).isGreaterThanOrEqualTo(0.9999);
        } finally {
            mmr.procedures.encode.ServerEncoders.closeAll();
        }
    }

    @Test
    void theServerRebuildsAFusedCatalogsEncoderFromItsIdentity() {
        try (ImageEncoder importer = Encoders.open("0.4*descriptor+0.6*tfjs:mobilenet_v2_mid", name -> models.resolve(name))) {
            EncoderIdentity catalog = importer.identity();
            assertThat(catalog.dimension()).isEqualTo(512 + 1792);
            ImageEncoder server = mmr.procedures.encode.ServerEncoders.forCatalog("mmr.search", catalog, models);
            assertThat(server.identity()).isEqualTo(catalog);
            assertThat(Vectors.cosine(server.encode(images.get(0)), importer.encode(images.get(0)))).isGreaterThanOrEqualTo(0.9999);
            // a part's model changed: named as for that part alone
            String[] versions = catalog.version().split("-");
            EncoderIdentity changed = new EncoderIdentity(catalog.name(), catalog.dimension(), versions[0] + "-000000000000");
            assertThatThrownBy(() -> mmr.procedures.encode.ServerEncoders.forCatalog("mmr.search", changed, models))
                    .hasMessageContaining("has changed since the catalog was imported (checksum " + versions[1]);
        } finally {
            mmr.procedures.encode.ServerEncoders.closeAll();
        }
    }

    @Test
    void theServerEncodesATfjsCatalogsQueriesWithTheSameModel() throws Exception {
        try (ImageEncoder importer = Encoders.open("tfjs:mobilenet_v2/out_relu", name -> models.resolve(name))) {
            EncoderIdentity catalog = importer.identity();
            ImageEncoder server = mmr.procedures.encode.ServerEncoders.forCatalog("mmr.search", catalog, models);
            assertThat(server.identity()).isEqualTo(catalog);
            assertThat(Vectors.cosine(server.encode(images.get(0)), importer.encode(images.get(0)))).isGreaterThanOrEqualTo(0.9999);
            EncoderIdentity other = new EncoderIdentity(catalog.name(), catalog.dimension(), "000000000000");
            assertThatThrownBy(() -> mmr.procedures.encode.ServerEncoders.forCatalog("mmr.search", other, models))
                    .hasMessageContaining("has changed since the catalog was imported (checksum " + catalog.version());
            assertThatThrownBy(() -> mmr.procedures.encode.ServerEncoders.forCatalog("mmr.search", catalog, null))
                    .hasMessageContaining("set server.mmr.models_root to the folder holding that model's folder");
        } finally {
            mmr.procedures.encode.ServerEncoders.closeAll();
        }
    }

    @Test
    void badSpecsAreNamed() {
        assertThatThrownBy(() -> Encoders.open("tfjs:inception_v3/mixed99", name -> models.resolve(name)))
                .hasMessageContaining("has no layer 'mixed99'; its last layers:");
        assertThatThrownBy(() -> Encoders.open("tfjs:mobilenet_v2_mid/Nope/add", name -> models.resolve(name)))
                .hasMessageContaining("has no node 'Nope/add'; its last nodes:");
        assertThatThrownBy(() -> Encoders.open("tfjs:mobilenet_v2_mid/add", name -> models.resolve(name)))
                .hasMessageContaining("'add' names 10 nodes of the TF.js model").hasMessageContaining("write more of the name");
        assertThatThrownBy(() -> Encoders.open("tfjs:", name -> models.resolve(name)))
                .hasMessageContaining("names no model; write tfjs:<model folder or name>[/<layer>]");
        assertThatThrownBy(() -> Encoders.open("tfjs:resnet/x", name -> null))
                .hasMessageContaining("no TF.js model folder or known model named 'resnet'");
        assertThatThrownBy(() -> Encoders.open("clip", name -> null)).hasMessageContaining("unknown encoder 'clip'; accepted:");
    }
}
