package mmr.model.image;

/** Test access to the decoder's JPEG scan count, for tests in other modules. */
public final class ImageDecoderScans {
    private ImageDecoderScans() {}

    public static int of(byte[] jpeg) {
        return ImageDecoder.jpegScans(jpeg);
    }
}
