package mmr.model.tfjs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDManager;

/**
 * The graph-model runner against a tiny TF.js graph model whose outputs were computed with numpy
 * alone (resources/tfjs/make_tiny_tfjs.py): scalar Mul/Sub preprocessing, fused convolutions
 * (BiasAdd + Relu6) with uneven 'same' padding, a fused depthwise one with a channel multiplier,
 * plain Conv2D + BiasAdd, AddV2/Add, Relu, 'same' AvgPool, MaxPool, Mean with an int32 axes
 * constant, _FusedMatMul, Softmax; control inputs and ':0' output suffixes.
 */
class TfjsGraphNetTest {
    private static final Path TINY = TinyModels.GRAPH;

    @TempDir
    Path dir;

    @Test
    void eachNodeGivesWhatTfSemanticsGive() throws Exception {
        TfjsModel model = TfjsModel.read(TINY);
        assertThat(model.format()).isEqualTo("graph-model");
        TfjsNet net = TfjsNet.of(model);
        assertThat(net).isInstanceOf(TfjsGraphNet.class);
        assertThat(net.inputSize()).isEqualTo(8);
        assertThat(net.headInput()).isEqualTo("net/mean");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            TinyModels.assertMatches(net, TinyModels.expected(TINY), m);
            TinyModels.assertMatches(net, TinyModels.expected(TINY), m);   // again: the kept constants and plans
        }
    }

    @Test
    void nodesAreNamedByTheirEndsAndBadNamesAreNamed() {
        TfjsNet net = TfjsNet.of(TfjsModel.read(TINY));
        assertThat(net.resolve("dw/Relu6")).isEqualTo("net/dw/Relu6");
        assertThat(net.resolve("dw")).isEqualTo("net/dw/Relu6");   // the one node in that scope (its weights are constants)
        assertThatThrownBy(() -> net.resolve("net/proj")).hasMessageStartingWith("'net/proj' names 2 nodes of the TF.js model");
        assertThat(net.resolve("net_dw_relu6")).isEqualTo("net/dw/Relu6");   // as an encoder name writes it
        assertThat(net.shortName("net/dw/Relu6")).isEqualTo("dw/Relu6");   // "Relu6" alone ends two nodes
        assertThat(net.shortName("net/add2")).isEqualTo("add2");
        assertThat(net.resolve(TfjsNet.clean(net.shortName("net/dw/Relu6")))).isEqualTo("net/dw/Relu6");
        assertThatThrownBy(() -> net.resolve("Relu6")).hasMessage("'Relu6' names 2 nodes of the TF.js model, e.g. "
                + "[net/conv1/Relu6, net/dw/Relu6]; write more of the name");
        assertThatThrownBy(() -> net.resolve("mixed5")).hasMessageStartingWith("the TF.js model has no node 'mixed5'; its last nodes: [");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThatThrownBy(() -> net.pooled(m, new float[2 * 8 * 8 * 3], 2, 8, 8, "nope"))
                    .hasMessageStartingWith("the TF.js model has no node 'nope'");
        }
    }

    @Test
    void unreadOpsAndAModelWithoutInputAreNamed() throws Exception {
        String json = Files.readString(TINY.resolve("model.json"));
        Files.copy(TINY.resolve("group1-shard1of1.bin"), dir.resolve("group1-shard1of1.bin"));
        Files.writeString(dir.resolve("model.json"), json.replace("\"op\": \"Relu\"", "\"op\": \"Erf\""));
        TfjsNet net = TfjsNet.of(TfjsModel.read(dir));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertThatThrownBy(() -> net.pooled(m, new float[8 * 8 * 3], 1, 8, 8, "net/mean"))
                    .hasMessage("TF.js graph node 'net/relu' is a Erf, which is not read");
            assertThat(net.pooled(m, new float[8 * 8 * 3], 1, 8, 8, "net/add")[0]).hasSize(4);   // what does not need it still runs
        }
        Files.writeString(dir.resolve("model.json"), json.replace("\"op\": \"Placeholder\"", "\"op\": \"Const\""));
        assertThatThrownBy(() -> TfjsNet.of(TfjsModel.read(dir))).hasMessage("the TF.js graph model has no input (Placeholder) node");
    }
}
