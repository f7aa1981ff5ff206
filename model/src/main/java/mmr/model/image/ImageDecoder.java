package mmr.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;

/**
 * Turns bytes into a decoded image, or a clear refusal, under a budget that does not depend on the
 * byte count:
 * <ul>
 *   <li><b>pixels</b>: the declared size is checked from the header before any pixel is decoded;</li>
 *   <li><b>memory</b>: images are decoded subsampled to at most {@value #DECODE_SIDE} pixels on the longer
 *       side (every encoder reads far smaller images), so the decoded buffer is at most
 *       {@value #DECODE_SIDE}² pixels whatever the image declares — a 16-bit RGBA PNG of 40 megapixels
 *       allocates a few megabytes, not 320 (WebP, decoded whole by its reader, has a pixel cap of its own,
 *       {@value #MAX_WEBP_PIXELS});</li>
 *   <li><b>work</b>: a JPEG's scans are counted from its markers before decoding (each progressive scan
 *       is another pass over every pixel): more than {@value #MAX_JPEG_SCANS} scans, or more than
 *       {@value #MAX_SCAN_PIXELS} scan-pixels (scans × pixels), is refused;</li>
 *   <li><b>time</b>: a decode that runs past its deadline is aborted;</li>
 *   <li><b>SVG</b>: documents are rendered by {@link SvgRasterizer} under its own bounds (size, elements,
 *       no DTD, no scripts, nothing fetched, render time) to at most {@value SvgRasterizer#RENDER_SIDE} pixels;</li>
 *   <li><b>orientation</b>: a JPEG is turned upright as its EXIF orientation says ({@link ExifOrientation}), as a
 *       browser shows it;</li>
 *   <li><b>white on transparency</b>: an image drawn in one light colour on a transparent background, which the
 *       encoders (compositing on white) would see as blank, comes back drawn in black ({@link BlankImages#visibleOnWhite});</li>
 *   <li><b>concurrency</b>: at most {@link #MAX_CONCURRENT_DECODES} decodes run at once in a JVM; a caller
 *       over the limit waits up to {@value #BUSY_WAIT_MILLIS} ms, then is told the server is busy. A batch job
 *       that bounds its own concurrency (an import) takes a decoder of its own instead ({@link #forBatch}),
 *       whose callers wait their turn and are never refused.</li>
 * </ul>
 */
public final class ImageDecoder {
    /** Default pixel cap: 40 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final String ACCEPTED_FORMATS = "PNG, JPEG, GIF, BMP, TIFF, WebP, SVG";
    /** Longest side of a decoded image; larger images are subsampled while decoding. */
    public static final int DECODE_SIDE = 1024;
    /**
     * Most pixels of a WebP image: its reader (TwelveMonkeys) decodes the whole image before subsampling,
     * so the decoded size is bounded here instead (a lossless one of this size holds about 64 MB while it decodes).
     */
    public static final long MAX_WEBP_PIXELS = 16_000_000L;
    /** Most scans a JPEG may have (progressive JPEGs from cameras and encoders have about 10). */
    public static final int MAX_JPEG_SCANS = 100;
    /** Most scans × declared pixels of a JPEG: 12 scans of a 40-megapixel photo, 100 of 5 megapixels. */
    public static final long MAX_SCAN_PIXELS = 500_000_000L;
    /** Default wall-clock budget of one decode. */
    public static final long DEFAULT_DECODE_MILLIS = 3_000;
    /** Decodes at once per JVM: half the cores, at least one. */
    public static final int MAX_CONCURRENT_DECODES = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    /** How long a decode waits for a free slot before it is refused as busy. */
    public static final long BUSY_WAIT_MILLIS = 2_000;
    private static final Semaphore SLOTS = new Semaphore(MAX_CONCURRENT_DECODES, true);

    private final long maxPixels;
    private final long decodeMillis;
    /** The JVM's {@link #SLOTS}, which refuse a caller after {@value #BUSY_WAIT_MILLIS} ms, or a batch decoder's own, which do not. */
    private final Semaphore slots;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        this(maxPixels, DEFAULT_DECODE_MILLIS);
    }

    public ImageDecoder(long maxPixels, long decodeMillis) {
        this(maxPixels, decodeMillis, SLOTS);
    }

    /**
     * A decoder for a batch job, not a server's requests: at most {@code concurrency} of its decodes run
     * at once, the others wait for a turn, however long — the JVM's slots, which refuse a request after
     * {@value #BUSY_WAIT_MILLIS} ms, would drop an import's images as "busy" while its own slow ones decode.
     */
    public static ImageDecoder forBatch(long maxPixels, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        return new ImageDecoder(maxPixels, DEFAULT_DECODE_MILLIS, new Semaphore(concurrency, true));
    }

    private ImageDecoder(long maxPixels, long decodeMillis, Semaphore slots) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (decodeMillis <= 0) {
            throw new IllegalArgumentException("decodeMillis must be positive, got " + decodeMillis);
        }
        this.maxPixels = maxPixels;
        this.decodeMillis = decodeMillis;
        this.slots = slots;
    }

    /** This decoder's slots: the JVM's, or a batch decoder's own (tests hold them to check the busy path and the wait). */
    Semaphore slots() {
        return slots;
    }

    public long maxPixels() {
        return maxPixels;
    }

    /** Reads and decodes a file; {@code label} names it in messages. */
    public BufferedImage decode(Path file) throws ImageRejectedException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ImageRejectedException(ImageRejectedException.Reason.UNREADABLE,
                        "'" + file + "' is a directory, not an image file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.MISSING_FILE,
                    "file not found: '" + file + "'", e);
        } catch (IOException e) {
            throw new ImageRejectedException(ImageRejectedException.Reason.UNREADABLE,
                    "cannot read '" + file + "': " + e.getMessage(), e);
        }
        return decode(bytes, "'" + file + "'");
    }

    /** Decodes in-memory bytes; {@code label} names the source in messages. */
    public BufferedImage decode(byte[] bytes, String label) throws ImageRejectedException {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(ImageRejectedException.Reason.EMPTY,
                    label + " is empty (0 bytes), not an image");
        }
        boolean acquired;
        try {
            if (slots == SLOTS) {
                acquired = slots.tryAcquire(BUSY_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                slots.acquire();
                acquired = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageRejectedException(ImageRejectedException.Reason.BUSY, label + " was not decoded: interrupted");
        }
        if (!acquired) {
            throw new ImageRejectedException(ImageRejectedException.Reason.BUSY, "the server is busy decoding other images ("
                    + MAX_CONCURRENT_DECODES + " at once) and " + label + " waited " + BUSY_WAIT_MILLIS
                    + " ms for a turn; try again");
        }
        try {
            BufferedImage image = SvgRasterizer.looksLikeSvg(bytes) ? SvgRasterizer.render(bytes, label, decodeMillis)
                    : decodeBounded(bytes, label);
            return BlankImages.visibleOnWhite(image);
        } finally {
            slots.release();
        }
    }

    private BufferedImage decodeBounded(byte[] bytes, String label) throws ImageRejectedException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
                        label + " is not an image in a supported format" + sniff(bytes)
                                + "; accepted: " + ACCEPTED_FORMATS);
            }
            ImageReader reader = chooseReader(readers, bytes);
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                            label + " declares an empty size " + width + "x" + height);
                }
                if (width * height > maxPixels) {
                    throw new ImageRejectedException(ImageRejectedException.Reason.TOO_LARGE,
                            label + " is " + width + "x" + height + " = " + (width * height)
                                    + " pixels; at most " + maxPixels + " pixels are accepted");
                }
                if ("webp".equalsIgnoreCase(reader.getFormatName()) && width * height > Math.min(maxPixels, MAX_WEBP_PIXELS)) {
                    throw new ImageRejectedException(ImageRejectedException.Reason.TOO_LARGE,
                            label + " is a " + width + "x" + height + " = " + (width * height) + "-pixel WebP image; WebP is "
                                    + "decoded at full size, so at most " + Math.min(maxPixels, MAX_WEBP_PIXELS)
                                    + " pixels are accepted (other formats: " + maxPixels + ")");
                }
                if ("jpeg".equalsIgnoreCase(reader.getFormatName())) {
                    int scans = jpegScans(bytes);
                    if (scans > MAX_JPEG_SCANS || scans * width * height > MAX_SCAN_PIXELS) {
                        throw new ImageRejectedException(ImageRejectedException.Reason.TOO_COSTLY, label + " is a "
                                + width + "x" + height + " JPEG with " + scans + " scans; each scan is another pass over "
                                + "every pixel, and at most " + MAX_JPEG_SCANS + " scans and " + MAX_SCAN_PIXELS
                                + " scan-pixels (scans x pixels) are decoded");
                    }
                }
                ImageReadParam param = reader.getDefaultReadParam();
                long side = Math.max(width, height);
                if (side > DECODE_SIDE) {
                    int step = (int) ((side + DECODE_SIDE - 1) / DECODE_SIDE);
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                Deadline deadline = new Deadline(reader, System.nanoTime() + decodeMillis * 1_000_000L);
                reader.addIIOReadProgressListener(deadline);
                // TwelveMonkeys' reader notes how it converts colours (e.g. "No embedded ICC color profile")
                // before the pixels start; only what is reported while they decode means damaged data.
                WarningTrap trap = new WarningTrap(readsCmyk(reader) ? deadline : null);
                reader.addIIOReadWarningListener(trap);
                BufferedImage image = reader.read(0, param);
                if (deadline.expired) {
                    throw new ImageRejectedException(ImageRejectedException.Reason.TOO_COSTLY, label + " took longer than "
                            + decodeMillis + " ms to decode and was abandoned; at most " + decodeMillis + " ms are spent "
                            + "on one image");
                }
                int space = image.getColorModel().getColorSpace().getType();
                if (space == ColorSpace.TYPE_CMYK || space == ColorSpace.TYPE_4CLR) {
                    // Java's reader returns such JPEGs in a naive CMYK space whose colours come out shifted
                    // (cosine 0.88 to the RGB original measured): refused rather than searched wrongly.
                    throw new ImageRejectedException(ImageRejectedException.Reason.UNSUPPORTED_FORMAT, label + " is a CMYK "
                            + reader.getFormatName().toUpperCase(Locale.ROOT) + " image; mmr reads RGB and greyscale images "
                            + "only: convert it to RGB (sRGB) first");
                }
                if (trap.warning != null) {
                    // JPEG readers report truncated data as a warning and return grey pixels.
                    throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                            label + " is a damaged " + reader.getFormatName().toUpperCase(Locale.ROOT)
                                    + " image: " + trap.warning);
                }
                if ("jpeg".equalsIgnoreCase(reader.getFormatName())) {
                    image = ExifOrientation.apply(image, ExifOrientation.of(bytes));
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (ImageRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Truncated or malformed data: ImageIO throws IIOException, EOFException or, for some
            // malformed headers, runtime exceptions from inside the codec.
            throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                    label + " is a truncated or corrupt image: " + describe(e), e);
        }
    }

    /**
     * The number of scans (SOS markers) of a JPEG, walking its segments: APPn and other segments are
     * skipped by their length (so an embedded thumbnail's scans do not count), entropy-coded data is
     * read byte by byte (0xFF in it is always followed by 0x00 or a restart marker). 0 for non-JPEG bytes.
     */
    static int jpegScans(byte[] b) {
        int[] scans = {0};
        walkJpegSegments(b, (marker, at) -> {
            if (marker == 0xDA) {
                scans[0]++;
            }
            return true;
        });
        return scans[0];
    }

    /**
     * The number of colour components a JPEG's frame header (SOFn) declares: 1 grey, 3 YCbCr or RGB, 4
     * CMYK or YCCK; 0 when there is none (or for non-JPEG bytes).
     */
    static int jpegComponents(byte[] b) {
        int[] components = {0};
        walkJpegSegments(b, (marker, at) -> {
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame && at + 9 < b.length) {
                components[0] = b[at + 9] & 0xFF;   // FF Cn, length (2), precision (1), height (2), width (2), Nf
                return false;
            }
            return true;
        });
        return components[0];
    }

    /** Called with each segment's marker and the offset of its 0xFF; returns whether to go on. */
    private interface SegmentVisitor {
        boolean visit(int marker, int at);
    }

    private static void walkJpegSegments(byte[] b, SegmentVisitor visitor) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return;
        }
        int i = 2;
        while (i + 1 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                i++;
                continue;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {                                  // fill byte
                i++;
                continue;
            }
            if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {   // stuffing, TEM, RSTn
                i += 2;
                continue;
            }
            if (marker == 0xD9 || i + 3 >= b.length) {            // EOI, or cut short
                return;
            }
            if (!visitor.visit(marker, i)) {
                return;
            }
            int length = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
            i += 2 + Math.max(length, 2);
        }
    }

    /**
     * The JDK's reader for every JPEG but those with four components (CMYK or YCCK, as print workflows
     * write them): it returns those in a naive CMYK space with shifted colours, so they go to
     * TwelveMonkeys' reader, which converts them to RGB (through their ICC profile when they embed one).
     * ImageIO's service lookup registers it first for every JPEG; choosing here keeps the others' pixels
     * as the JDK decodes them. Where the lookup has not found it, a CMYK JPEG is refused as before.
     */
    private static ImageReader chooseReader(Iterator<ImageReader> readers, byte[] bytes) {
        ImageReader cmykReader = null;
        ImageReader reader = null;
        while (readers.hasNext() && (reader == null || cmykReader == null)) {
            ImageReader next = readers.next();
            if (readsCmyk(next)) {
                cmykReader = next;
            } else if (reader == null) {
                reader = next;
            } else {
                next.dispose();
            }
        }
        if (cmykReader == null) {
            return reader;
        }
        if (reader == null || jpegComponents(bytes) == 4) {
            if (reader != null) {
                reader.dispose();
            }
            return cmykReader;
        }
        cmykReader.dispose();
        return reader;
    }

    private static boolean readsCmyk(ImageReader reader) {
        return reader.getOriginatingProvider() instanceof JPEGImageReaderSpi;
    }

    /** Aborts a read once its deadline has passed (readers poll for it per row or per scan). */
    private static final class Deadline implements IIOReadProgressListener {
        private final ImageReader reader;
        private final long deadline;
        volatile boolean expired;
        volatile boolean started;

        Deadline(ImageReader reader, long deadline) {
            this.reader = reader;
            this.deadline = deadline;
        }

        private void check() {
            if (!expired && System.nanoTime() > deadline) {
                expired = true;
                reader.abort();
            }
        }

        @Override public void sequenceStarted(ImageReader source, int minIndex) {}
        @Override public void sequenceComplete(ImageReader source) {}
        @Override public void imageStarted(ImageReader source, int imageIndex) {
            started = true;
            check();
        }
        @Override public void imageProgress(ImageReader source, float percentageDone) { check(); }
        @Override public void imageComplete(ImageReader source) {}
        @Override public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}
        @Override public void thumbnailProgress(ImageReader source, float percentageDone) {}
        @Override public void thumbnailComplete(ImageReader source) {}
        @Override public void readAborted(ImageReader source) { expired = true; }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }

    /** Names formats people commonly try that ImageIO does not read. */
    private static String sniff(byte[] b) {
        if (b.length >= 12 && new String(b, 4, 4, StandardCharsets.US_ASCII).equals("ftyp")) {
            return " (it looks like HEIC/AVIF)";
        }
        if (startsWith(b, "<?xml")) {
            return " (it looks like XML text without an <svg> element)";
        }
        return "";
    }

    private static boolean startsWith(byte[] b, String ascii) {
        if (b.length < ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static final class WarningTrap implements IIOReadWarningListener {
        /** When given, warnings before it saw the image start are not kept. */
        private final Deadline decoding;
        String warning;

        WarningTrap(Deadline decoding) {
            this.decoding = decoding;
        }

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            if (decoding != null && !decoding.started) {
                return;
            }
            if (this.warning == null) {
                this.warning = warning;
            }
        }
    }
}
