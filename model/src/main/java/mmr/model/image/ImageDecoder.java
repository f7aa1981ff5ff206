package mmr.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns bytes into a decoded image, or a clear refusal. The pixel cap is checked from the header
 * before any pixel is decoded, so a decompression bomb costs a header read, not gigabytes of heap.
 */
public final class ImageDecoder {
    /** Default pixel cap: 40 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final String ACCEPTED_FORMATS = "PNG, JPEG, GIF, BMP, TIFF";

    private final long maxPixels;

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
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
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(ImageRejectedException.Reason.UNSUPPORTED_FORMAT,
                        label + " is not an image in a supported format" + sniff(bytes)
                                + "; accepted: " + ACCEPTED_FORMATS);
            }
            ImageReader reader = readers.next();
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
                WarningTrap trap = new WarningTrap();
                reader.addIIOReadWarningListener(trap);
                BufferedImage image = reader.read(0);
                if (trap.warning != null) {
                    // JPEG readers report truncated data as a warning and return grey pixels.
                    throw new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                            label + " is a damaged " + reader.getFormatName().toUpperCase(Locale.ROOT)
                                    + " image: " + trap.warning);
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

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }

    /** Names formats people commonly try that ImageIO does not read. */
    private static String sniff(byte[] b) {
        if (startsWith(b, "RIFF") && b.length >= 12 && new String(b, 8, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("WEBP")) {
            return " (it looks like WebP)";
        }
        if (b.length >= 12 && new String(b, 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("ftyp")) {
            return " (it looks like HEIC/AVIF)";
        }
        if (startsWith(b, "<svg") || startsWith(b, "<?xml")) {
            return " (it looks like SVG/XML text)";
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
        String warning;

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            if (this.warning == null) {
                this.warning = warning;
            }
        }
    }
}
