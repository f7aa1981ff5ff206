package mmr.model.encode;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Turns decoded images into visual feature vectors. Implementations load their model once,
 * are safe to call from several threads, and release native memory on {@link #close()}.
 */
public interface ImageEncoder extends AutoCloseable {

    /** Name, dimension and version of the vectors this encoder produces. */
    EncoderIdentity identity();

    /** Encodes a batch; row {@code i} is the L2-normalised feature vector of image {@code i}. */
    float[][] encode(List<BufferedImage> images);

    default float[] encode(BufferedImage image) {
        return encode(List.of(image))[0];
    }

    @Override
    void close();
}
