package mmr.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void decodesPngAndJpeg() throws Exception {
        BufferedImage img = TestImages.circle(40, Color.RED, 0, true);
        assertThat(decoder.decode(TestImages.bytes(img, "png"), "x").getWidth()).isEqualTo(40);
        BufferedImage rgb = TestImages.circle(50, Color.RED, 0, false);
        assertThat(decoder.decode(TestImages.bytes(rgb, "jpg"), "x").getHeight()).isEqualTo(50);
    }

    /** Issue 10, 1: a progressive JPEG with a scan repeated 1,000 times is refused from its markers, fast. */
    @Test
    void aJpegWithThousandsOfScansIsRefusedBeforeDecoding() {
        byte[] bomb = mmr.model.image.CraftedImages.progressiveJpegRepeatingAScan(TestImages.square(256, Color.GRAY), 1000);
        long t0 = System.nanoTime();
        ImageRejectedException e = rejected(bomb);
        assertThat((System.nanoTime() - t0) / 1e9).as("seconds to refuse").isLessThan(2);
        assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.TOO_COSTLY);
        assertThat(e.getMessage()).isEqualTo("'q' is a 256x256 JPEG with " + ImageDecoder.jpegScans(bomb) + " scans; each scan "
                + "is another pass over every pixel, and at most 100 scans and 500000000 scan-pixels (scans x pixels) are decoded");
        assertThat(ImageDecoder.jpegScans(bomb)).isGreaterThan(1000);
    }

    @Test
    void anOrdinaryProgressiveJpegDecodes() throws Exception {
        byte[] progressive = mmr.model.image.CraftedImages.progressiveJpegRepeatingAScan(TestImages.circle(96, Color.RED, 0, false), 0);
        assertThat(ImageDecoder.jpegScans(progressive)).isBetween(2, 20);
        assertThat(decoder.decode(progressive, "x").getWidth()).isEqualTo(96);
        assertThat(ImageDecoder.jpegScans(TestImages.bytes(TestImages.circle(32, Color.RED, 0, false), "jpg"))).isEqualTo(1);
        assertThat(ImageDecoder.jpegScans("not a jpeg".getBytes(StandardCharsets.US_ASCII))).isZero();
    }

    /** Issue 10, 2: a 70-byte PNG declaring 6324x6324 16-bit RGBA allocates little before it is refused. */
    @Test
    void aTinyPngDeclaringAHugeImageAllocatesLittle() {
        for (int depth : new int[] {8, 16}) {
            byte[] bomb = mmr.model.image.CraftedImages.pngBomb(6324, 6324, depth);
            assertThat(bomb.length).isLessThan(80);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            ImageRejectedException e = rejected(bomb);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat((System.nanoTime() - t0) / 1e9).as("seconds").isLessThan(2);
            assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.CORRUPT);
            assertThat(allocated).as("bytes allocated decoding a %d-bit bomb", depth).isLessThan(32L << 20);
        }
    }

    @Test
    void largeImagesAreDecodedSubsampled() throws Exception {
        BufferedImage wide = new BufferedImage(3000, 1000, BufferedImage.TYPE_INT_RGB);
        BufferedImage decoded = decoder.decode(TestImages.bytes(wide, "png"), "x");
        assertThat(decoded.getWidth()).isEqualTo(1000);
        assertThat(decoded.getHeight()).isEqualTo(334);
    }

    @Test
    void aDecodeOverItsTimeBudgetIsAbandoned() {
        BufferedImage big = TestImages.circle(1024, Color.GREEN, 0, false);
        byte[] png = TestImages.bytes(big, "png");
        ImageRejectedException e = assertThrows(() -> new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, 1).decode(png, "'slow'"));
        assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.TOO_COSTLY);
        assertThat(e.getMessage()).isEqualTo("'slow' took longer than 1 ms to decode and was abandoned; at most 1 ms are spent on one image");
    }

    private static ImageRejectedException assertThrows(org.junit.jupiter.api.function.Executable call) {
        return org.junit.jupiter.api.Assertions.assertThrows(ImageRejectedException.class, call);
    }

    /**
     * A CMYK JPEG as print workflows write it (Adobe marker, YCCK, no ICC profile): the fixture is a 2048x1536
     * drawing — a red disc (#d01010) and a blue square (#1040c0) on white — written by ImageMagick
     * ({@code -colorspace CMYK}). It is read in its own colours, subsampled like any large image.
     */
    @Test
    void aCmykJpegIsReadInItsColours() throws Exception {
        byte[] jpeg = resource("drawing-cmyk.jpg");
        assertThat(ImageDecoder.jpegComponents(jpeg)).isEqualTo(4);
        BufferedImage image = decoder.decode(jpeg, "'drawing-cmyk.jpg'");
        assertThat(image.getWidth()).isEqualTo(1024);
        assertThat(image.getHeight()).isEqualTo(768);
        assertThat(image.getColorModel().getColorSpace().isCS_sRGB()).isTrue();
        assertClose(image.getRGB(512, 384), 0xd01010, "the disc");
        assertClose(image.getRGB(150, 150), 0x1040c0, "the square");
        assertClose(image.getRGB(1000, 20), 0xffffff, "the background");
        assertRejected(Arrays.copyOf(jpeg, jpeg.length * 2 / 3), ImageRejectedException.Reason.CORRUPT,
                "'q' is a damaged JPEG image: Truncated File - Missing EOI marker");
        ImageDecoder hurried = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, 1);
        ImageRejectedException late = assertThrows(() -> hurried.decode(jpeg, "'slow'"));
        assertThat(late.reason()).isEqualTo(ImageRejectedException.Reason.TOO_COSTLY);
    }

    /** The JDK's reader still reads the other JPEGs: three components, or one. */
    @Test
    void jpegComponentsAreCountedFromTheFrameHeader() {
        assertThat(ImageDecoder.jpegComponents(TestImages.bytes(TestImages.circle(32, Color.RED, 0, false), "jpg"))).isEqualTo(3);
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        assertThat(ImageDecoder.jpegComponents(TestImages.bytes(grey, "jpg"))).isEqualTo(1);
        assertThat(ImageDecoder.jpegComponents("not a jpeg".getBytes(StandardCharsets.US_ASCII))).isZero();
    }

    /** Issue 10, 6: other CMYK images (here a TIFF written by ImageMagick) are refused clearly rather than searched with shifted colours. */
    @Test
    void aCmykTiffIsRefused() throws Exception {
        assertRejected(resource("drawing-cmyk.tif"), ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
                "'q' is a CMYK TIF image; mmr reads RGB and greyscale images only: convert it to RGB (sRGB) first");
    }

    private byte[] resource(String name) throws java.io.IOException {
        try (var in = getClass().getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        }
    }

    private static void assertClose(int argb, int rgb, String what) {
        Color got = new Color(argb);
        Color want = new Color(rgb);
        assertThat(Math.abs(got.getRed() - want.getRed()) + Math.abs(got.getGreen() - want.getGreen())
                + Math.abs(got.getBlue() - want.getBlue())).as(what + ": " + got).isLessThan(24);
    }

    /** When every decoding slot stays taken, a decode waits its bounded time and is told the server is busy. */
    @Test
    void aDecodeWithNoFreeSlotIsToldTheServerIsBusy() throws Exception {
        java.util.concurrent.Semaphore slots = decoder.slots();
        slots.acquire(ImageDecoder.MAX_CONCURRENT_DECODES);
        try {
            long t0 = System.nanoTime();
            ImageRejectedException e = rejected(TestImages.bytes(TestImages.circle(16, Color.RED, 0, true), "png"));
            assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.BUSY);
            assertThat(e.getMessage()).isEqualTo("the server is busy decoding other images (" + ImageDecoder.MAX_CONCURRENT_DECODES
                    + " at once) and 'q' waited 2000 ms for a turn; try again");
            assertThat((System.nanoTime() - t0) / 1e6).isBetween(1900.0, 10_000.0);
        } finally {
            slots.release(ImageDecoder.MAX_CONCURRENT_DECODES);
        }
        assertThat(decoder.decode(TestImages.bytes(TestImages.circle(16, Color.RED, 0, true), "png"), "x").getWidth()).isEqualTo(16);
    }

    /**
     * A batch decoder (an import's) neither takes the JVM's slots nor is refused: with them all taken it
     * decodes, and with its own taken for longer than a server's request would wait, it waits its turn.
     */
    @Test
    void aBatchDecoderWaitsItsTurnAndIsNeverRefusedAsBusy() throws Exception {
        byte[] png = TestImages.bytes(TestImages.circle(16, Color.RED, 0, true), "png");
        ImageDecoder batch = ImageDecoder.forBatch(ImageDecoder.DEFAULT_MAX_PIXELS, 1);
        java.util.concurrent.Semaphore jvm = new ImageDecoder().slots();
        jvm.acquire(ImageDecoder.MAX_CONCURRENT_DECODES);
        try {
            assertThat(batch.decode(png, "x").getWidth()).isEqualTo(16);
        } finally {
            jvm.release(ImageDecoder.MAX_CONCURRENT_DECODES);
        }
        batch.slots().acquire();
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(ImageDecoder.BUSY_WAIT_MILLIS + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batch.slots().release();
        });
        release.start();
        long t0 = System.nanoTime();
        assertThat(batch.decode(png, "x").getWidth()).isEqualTo(16);
        assertThat((System.nanoTime() - t0) / 1e6).isGreaterThan((double) ImageDecoder.BUSY_WAIT_MILLIS);
        release.join();
        assertThatThrownBy(() -> ImageDecoder.forBatch(1000, 0)).hasMessage("concurrency must be at least 1, got 0");
    }

    @Test
    void zeroBytes() {
        assertRejected(new byte[0], ImageRejectedException.Reason.EMPTY, "'q' is empty (0 bytes), not an image");
    }

    @Test
    void notAnImage() {
        assertRejected("hello, world".getBytes(StandardCharsets.UTF_8),
                ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
                "'q' is not an image in a supported format; accepted: PNG, JPEG, GIF, BMP, TIFF, WebP, SVG");
    }

    /**
     * The fixtures are a 48-px red disc with a blue square on transparent, drawn with Java2D and written by
     * cwebp ({@code cwebp -q 80} and {@code cwebp -lossless}).
     */
    @Test
    void webpLossyAndLosslessAreDecodedWithTheirTransparency() throws Exception {
        for (String name : new String[] {"circle-lossy.webp", "circle-lossless.webp"}) {
            byte[] webp = resource(name);
            BufferedImage image = decoder.decode(webp, "'" + name + "'");
            assertThat(image.getWidth()).as(name).isEqualTo(48);
            assertThat(image.getHeight()).as(name).isEqualTo(48);
            Color centre = new Color(image.getRGB(24, 24), true);
            assertThat(Math.abs(centre.getRed() - 30) + Math.abs(centre.getGreen() - 136) + Math.abs(centre.getBlue() - 229))
                    .as(name + " centre " + centre).isLessThan(30);
            assertThat(new Color(image.getRGB(8, 24), true).getRed()).as(name + " the disc").isGreaterThan(180);
            assertThat(image.getRGB(1, 1) >>> 24).as(name + " a corner: transparent").isLessThan(16);
            assertRejected(Arrays.copyOf(webp, webp.length / 2), ImageRejectedException.Reason.CORRUPT,
                    "is a truncated or corrupt image");
        }
    }

    @Test
    void webpIsCappedBeforeDecodingAtItsOwnPixelLimit() {
        // a lossless header (VP8L) declaring 5000x5000: under the general cap, over WebP's, since WebP decodes whole
        assertRejected(CraftedImages.webpHeader(5000, 5000), ImageRejectedException.Reason.TOO_LARGE,
                "'q' is a 5000x5000 = 25000000-pixel WebP image; WebP is decoded at full size, so at most 16000000 pixels "
                        + "are accepted (other formats: 40000000)");
        assertRejected(CraftedImages.webpHeader(16384, 16384), ImageRejectedException.Reason.TOO_LARGE, "16384x16384");
    }


    @Test
    void truncatedPng() {
        byte[] png = TestImages.bytes(TestImages.circle(64, Color.BLUE, 0, true), "png");
        assertRejected(Arrays.copyOf(png, png.length / 2), ImageRejectedException.Reason.CORRUPT,
                "'q' is a truncated or corrupt image");
    }

    @Test
    void truncatedJpeg() {
        byte[] jpg = TestImages.bytes(TestImages.circle(128, Color.BLUE, 0, false), "jpg");
        ImageRejectedException e = rejected(Arrays.copyOf(jpg, jpg.length / 2));
        assertThat(e.reason()).isEqualTo(ImageRejectedException.Reason.CORRUPT);
        assertThat(e.getMessage()).startsWith("'q' is a");
    }

    @Test
    void overThePixelCapIsRefusedFromTheHeaderAlone() {
        // A PNG header declaring 100000 x 100000 pixels with no pixel data behind it.
        byte[] bomb = TestImages.pngHeaderOnly(100_000, 100_000);
        assertRejected(bomb, ImageRejectedException.Reason.TOO_LARGE,
                "'q' is 100000x100000 = 10000000000 pixels; at most 40000000 pixels are accepted");
        ImageDecoder small = new ImageDecoder(100);
        assertThatThrownBy(() -> small.decode(TestImages.bytes(TestImages.square(11, Color.RED), "png"), "q"))
                .hasMessage("q is 11x11 = 121 pixels; at most 100 pixels are accepted");
    }

    @Test
    void missingFileAndDirectory(@TempDir Path dir) {
        assertThatThrownBy(() -> decoder.decode(dir.resolve("gone.png")))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("file not found: '" + dir.resolve("gone.png") + "'");
        assertThatThrownBy(() -> decoder.decode(dir))
                .hasMessageContaining("is a directory, not an image file");
    }

    @Test
    void zeroByteFile(@TempDir Path dir) throws Exception {
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        assertThatThrownBy(() -> decoder.decode(empty))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage("'" + empty + "' is empty (0 bytes), not an image");
    }

    private void assertRejected(byte[] bytes, ImageRejectedException.Reason reason, String message) {
        ImageRejectedException e = rejected(bytes);
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).contains(message);
    }

    private ImageRejectedException rejected(byte[] bytes) {
        try {
            decoder.decode(bytes, "'q'");
        } catch (ImageRejectedException e) {
            return e;
        }
        throw new AssertionError("expected a rejection");
    }
}
