package mmr.procedures.knn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The heap check before mmr.knn holds every image's features: what to raise and by how much, or how to do without. */
class InMemoryNeighboursTest {
    private static final long GB = 1024L * 1024 * 1024;

    @Test
    void aHeapThatHoldsTheFeaturesPasses() {
        assertThat(InMemoryNeighbours.heapTooSmall(100_000, 960, KnnConfig.VECTOR_INDEX, 3 * GB, 4 * GB)).isNull();
    }

    @Test
    void aSmallHeapIsRefusedWithTheSettingAndTheAmount() {
        assertThat(InMemoryNeighbours.heapTooSmall(1_000_000, 960, KnnConfig.VECTOR_INDEX, 3 * GB, 4 * GB)).isEqualTo(
                "mmr.knn: refining holds every image's features in memory, about 3.8 GB for 1000000 images of 960 dimensions, "
                        + "but the heap has 3.0 GB free of 4.0 GB (a quarter kept spare); raise server.memory.heap.max_size by at "
                        + "least 1.8 GB, or pass refine: 0 (the first pass's lists as they are)");
        assertThat(InMemoryNeighbours.heapTooSmall(1_000_000, 960, KnnConfig.DESCENT, 3 * GB, 4 * GB))
                .startsWith("mmr.knn: method 'descent' holds every image's features in memory").endsWith("or use method 'vectorIndex'");
    }
}
