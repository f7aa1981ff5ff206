package mmr.procedures.web;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import mmr.model.image.ImageDecoder;
import mmr.model.image.ImageRejectedException;
import mmr.model.text.Bounded;

/**
 * Thumbnails of catalog images, read from the configured image root ({@code server.mmr.images_root}) at
 * the path the importer recorded ({@code Image.source}). The client names an image id, never a
 * path; a source that leaves the root (by {@code ..} or a symbolic link) is refused. Small PNG,
 * JPEG and GIF files are sent as they are; anything larger or in another format is decoded under
 * the same limits as a query image and scaled to {@link #SIDE} pixels — as a JPEG when it is opaque
 * (a photo's thumbnail is a tenth of its PNG's size and quicker to write), else as a PNG, which keeps
 * its transparency.
 */
final class Thumbnails {
    /** Files up to this size are sent unchanged. */
    static final long DIRECT_BYTES = 512 * 1024;
    /** Files above this size are not read at all. */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
    /** Longest side of a scaled thumbnail. */
    static final int SIDE = 320;
    /** Quality of an opaque image's JPEG thumbnail (0–1). */
    static final float JPEG_QUALITY = 0.85f;

    /** Bytes and their content type. */
    record Thumbnail(byte[] bytes, String contentType) {}

    /** Why there is no thumbnail (mapped to 404 by the resource). */
    static final class Missing extends Exception {
        Missing(String message) {
            super(message);
        }
    }

    private final Path root;

    Thumbnails(Path root) {
        this.root = root;
    }

    Thumbnail read(String id, String source) throws Missing, ImageRejectedException, IOException {
        if (root == null) {
            throw new Missing("thumbnails are off: the server has no image root; set server.mmr.images_root in neo4j.conf");
        }
        if (source == null || source.isBlank() || source.indexOf('\0') >= 0) {
            throw new Missing("image " + quote(id) + " has no file (it was imported from features)");
        }
        Path base = root.toRealPath();
        Path file;
        try {
            file = base.resolve(source).normalize();
        } catch (InvalidPathException e) {
            throw new Missing("image " + quote(id) + " has no readable file");
        }
        if (!file.startsWith(base) || !Files.isRegularFile(file)) {
            throw new Missing("image " + quote(id) + " has no file under the image root");
        }
        Path real = file.toRealPath();
        if (!real.startsWith(base)) {
            throw new Missing("image " + quote(id) + " has no file under the image root");
        }
        long size = Files.size(real);
        if (size > MAX_FILE_BYTES) {
            throw new Missing("image " + quote(id) + "'s file is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MB");
        }
        byte[] bytes = Files.readAllBytes(real);
        String type = webType(bytes);
        if (type != null && size <= DIRECT_BYTES) {
            return new Thumbnail(bytes, type);
        }
        BufferedImage image = new ImageDecoder().decode(bytes, "image " + quote(id) + "'s file");
        return image.getColorModel().hasAlpha()
                ? new Thumbnail(png(scaled(image, BufferedImage.TYPE_INT_ARGB)), "image/png")
                : new Thumbnail(jpeg(scaled(image, BufferedImage.TYPE_INT_RGB)), "image/jpeg");
    }

    /** The content type of PNG, JPEG and GIF bytes (by their signatures), or null. */
    static String webType(byte[] b) {
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return "image/jpeg";
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return "image/gif";
        }
        return null;
    }

    private static BufferedImage scaled(BufferedImage image, int type) {
        int w = image.getWidth();
        int h = image.getHeight();
        double s = Math.min(1.0, (double) SIDE / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * s));
        int th = Math.max(1, (int) Math.round(h * s));
        BufferedImage out = new BufferedImage(tw, th, type);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, tw, th, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    private static String quote(String id) {
        return Bounded.quote(id);
    }
}
