package mmr.model.sage;

import java.util.Arrays;
import java.util.SplittableRandom;

/** The deterministic neighbour sample of the forward pass: a partial Fisher–Yates shuffle from a given seed. */
public final class NeighbourSample {
    private NeighbourSample() {}

    /**
     * At most {@code sampleSize} of {@code ids} (which callers keep in a fixed order, e.g. sorted),
     * the same ones for the same seed; {@code ids} itself when it is small enough.
     */
    public static long[] draw(long[] ids, int sampleSize, long seed) {
        if (ids.length <= sampleSize) {
            return ids;
        }
        long[] shuffled = ids.clone();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < sampleSize; i++) {
            int j = i + rnd.nextInt(shuffled.length - i);
            long t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        return Arrays.copyOf(shuffled, sampleSize);
    }

    /**
     * At most {@code sampleSize} of {@code ids}, drawn with {@code rnd} (training: a fresh sample each
     * step); {@code ids} itself when it is small enough.
     */
    public static int[] draw(int[] ids, int sampleSize, SplittableRandom rnd) {
        if (ids.length <= sampleSize) {
            return ids;
        }
        int[] shuffled = ids.clone();
        for (int i = 0; i < sampleSize; i++) {
            int j = i + rnd.nextInt(shuffled.length - i);
            int t = shuffled[i];
            shuffled[i] = shuffled[j];
            shuffled[j] = t;
        }
        return Arrays.copyOf(shuffled, sampleSize);
    }
}
