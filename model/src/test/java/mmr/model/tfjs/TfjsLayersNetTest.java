package mmr.model.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDManager;

/**
 * The TF.js reader and layers runner against a tiny model whose outputs were computed with numpy
 * alone (resources/tfjs/make_tiny_tfjs.py): uneven 'same' padding, depthwise convolution, batch
 * normalisation with uint8 weights, a uint16 kernel, ReLU6, Add, ZeroPadding2D, both poolings,
 * Concatenate, Dense with softmax.
 */
class TfjsLayersNetTest {
    private static final Path TINY = TinyModels.LAYERS;

    @TempDir
    Path dir;

    @Test
    void theConvertersLayoutGivesWhatTfSemanticsGive() throws Exception {
        TfjsModel model = TfjsModel.read(TINY);
        assertThat(model.format()).isEqualTo("layers-model");
        assertThat(model.weight("bn/gamma").shape()).containsExactly(4);
        TfjsLayersNet net = new TfjsLayersNet(model);
        assertThat(net.inputSize()).isEqualTo(8);
        TinyModels.assertMatches(net, TinyModels.expected(TINY));
    }

    @Test
    void theBundledLayoutNpmPackagesShipReadsTheSame() throws Exception {
        // model.min.js: the JSON as a minified JavaScript literal; the shard as a base64 string literal
        String json = Files.readString(TINY.resolve("model.json"));
        String minified = json.replaceAll("\"([A-Za-z_][A-Za-z0-9_]*)\"\\s*:", "$1:").replace("true", "!0").replace("false", "!1")
                .replaceAll("([^0-9])0\\.", "$1.");
        Files.writeString(dir.resolve("model.min.js"), "!function(e){module.exports=e()}(function(){var n={};"
                + "return function(a,n,i){n.exports=" + minified + "}({},n,{}),n.exports});");
        Files.writeString(dir.resolve("group1-shard1of1.min.js"), "!function(d){module.exports=d()}(function(){var n={};n.exports=\""
                + Base64.getEncoder().encodeToString(Files.readAllBytes(TINY.resolve("group1-shard1of1.bin"))) + "\"});");
        TinyModels.assertMatches(new TfjsLayersNet(TfjsModel.read(dir)), TinyModels.expected(TINY));
    }

    @Test
    void badModelsAndLayerNamesAreNamed() throws Exception {
        TfjsLayersNet net = new TfjsLayersNet(TfjsModel.read(TINY));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThatThrownBy(() -> net.pooled(m, new float[2 * 8 * 8 * 3], 2, 8, 8, "mixed5"))
                    .hasMessageStartingWith("the TF.js model has no layer 'mixed5'; its layers include");
        }
        assertThatThrownBy(() -> TfjsModel.read(dir)).hasMessageContaining("holds no TF.js model (neither model.json nor model.min.js)");
        Files.copy(TINY.resolve("model.json"), dir.resolve("model.json"));
        byte[] bin = Files.readAllBytes(TINY.resolve("group1-shard1of1.bin"));
        Files.write(dir.resolve("group1-shard1of1.bin"), java.util.Arrays.copyOf(bin, bin.length - 10));
        assertThatThrownBy(() -> TfjsModel.read(dir)).hasMessageContaining("is truncated: weight 'dense/bias' needs 12 bytes, its shards have 2 left");
        Files.delete(dir.resolve("group1-shard1of1.bin"));
        assertThatThrownBy(() -> TfjsModel.read(dir)).hasMessageContaining("weight shard 'group1-shard1of1.bin' of the TF.js model in");
        Files.writeString(dir.resolve("model.json"), "{\"modelTopology\": 3}");
        assertThatThrownBy(() -> TfjsModel.read(dir)).hasMessageContaining("is not a TF.js model: it has no modelTopology and weightsManifest");
        Files.writeString(dir.resolve("model.json"), "PK\u0003\u0004 not json");
        assertThatThrownBy(() -> TfjsModel.read(dir)).hasMessageContaining("not a JavaScript literal at character").hasMessageContaining("unexpected 'PK'");
    }

    @Test
    void jsLiteralsAsMinifiersWriteThem() {
        assertThat(JsLiteral.parse("{a:.5,'b':[-.25,1e-3,!0,!1,null,void 0],c:\"x\\u0041\"}"))
                .isEqualTo(Map.of("a", 0.5, "b", java.util.Arrays.asList(-0.25, 1e-3, true, false, null, null), "c", "xA"));
        assertThatThrownBy(() -> JsLiteral.parse("{a:foo()}")).hasMessageContaining("unexpected 'foo'");
        assertThatThrownBy(() -> JsLiteral.parse("[".repeat(500))).hasMessageContaining("nested deeper than 200");
    }
}
