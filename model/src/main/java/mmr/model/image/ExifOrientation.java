package mmr.model.image;

import java.awt.image.BufferedImage;

/**
 * A JPEG's EXIF orientation (tag 0x0112): how a camera says its pixels must be turned to stand upright.
 * Java's reader ignores it, so a phone photo taken in portrait would be encoded lying on its side —
 * while a browser, the explorer's thumbnails included, shows it upright. Read from the APP1 "Exif"
 * segment before the first scan, every offset checked against the segment's bounds; anything malformed
 * or absent reads as 1 (as stored).
 */
public final class ExifOrientation {
    /** As stored. */
    public static final int NORMAL = 1;
    private static final int ORIENTATION_TAG = 0x0112;

    private ExifOrientation() {}

    /** The orientation, 1–8, of JPEG bytes; 1 when there is none or it cannot be read. */
    public static int of(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            return NORMAL;
        }
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return NORMAL;
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {               // first scan or end: no EXIF before it
                return NORMAL;
            }
            int length = u16(b, i + 2, true);
            if (length < 2 || i + 2 + length > b.length) {
                return NORMAL;
            }
            if (marker == 0xE1 && length >= 8 && b[i + 4] == 'E' && b[i + 5] == 'x' && b[i + 6] == 'i' && b[i + 7] == 'f'
                    && b[i + 8] == 0 && b[i + 9] == 0) {
                int orientation = fromTiff(b, i + 10, i + 2 + length);
                if (orientation != 0) {
                    return orientation;
                }
            }
            i += 2 + length;
        }
        return NORMAL;
    }

    /** The orientation in the TIFF structure of {@code b[from, to)}, 0 when it holds none. */
    private static int fromTiff(byte[] b, int from, int to) {
        if (to - from < 8) {
            return 0;
        }
        boolean bigEndian;
        if (b[from] == 'M' && b[from + 1] == 'M') {
            bigEndian = true;
        } else if (b[from] == 'I' && b[from + 1] == 'I') {
            bigEndian = false;
        } else {
            return 0;
        }
        long ifd = u32(b, from + 4, bigEndian);
        if (ifd < 8 || from + ifd + 2 > to) {
            return 0;
        }
        int at = (int) (from + ifd);
        int entries = u16(b, at, bigEndian);
        for (int e = 0; e < entries; e++) {
            int entry = at + 2 + 12 * e;
            if (entry + 12 > to) {
                return 0;
            }
            if (u16(b, entry, bigEndian) == ORIENTATION_TAG) {
                int value = u16(b, entry + 8, bigEndian);   // type SHORT, count 1: the value sits in the entry
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    /** {@code image} turned upright for {@code orientation} (1–8); the same image for 1 or an unknown value. */
    public static BufferedImage apply(BufferedImage image, int orientation) {
        if (orientation <= NORMAL || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        boolean swap = orientation >= 5;                // 5–8 turn by a quarter: width and height trade places
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] in = Pixels.argb(image);
        int[] out = new int[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int tx;
                int ty;
                switch (orientation) {
                    case 2 -> { tx = w - 1 - x; ty = y; }           // mirrored
                    case 3 -> { tx = w - 1 - x; ty = h - 1 - y; }   // upside down
                    case 4 -> { tx = x; ty = h - 1 - y; }           // mirrored upside down
                    case 5 -> { tx = y; ty = x; }                   // mirrored, turned a quarter counter-clockwise
                    case 6 -> { tx = h - 1 - y; ty = x; }           // turned a quarter counter-clockwise: rotate clockwise
                    case 7 -> { tx = h - 1 - y; ty = w - 1 - x; }   // mirrored, turned a quarter clockwise
                    default -> { tx = y; ty = w - 1 - x; }          // 8: turned a quarter clockwise: rotate counter-clockwise
                }
                out[ty * ow + tx] = in[y * w + x];
            }
        }
        BufferedImage upright = new BufferedImage(ow, oh, image.getColorModel().hasAlpha()
                ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        upright.setRGB(0, 0, ow, oh, out, 0, ow);
        return upright;
    }

    private static int u16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF) : (b[i + 1] & 0xFF) << 8 | (b[i] & 0xFF);
    }

    private static long u32(byte[] b, int i, boolean bigEndian) {
        return bigEndian
                ? ((long) (b[i] & 0xFF) << 24) | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF)
                : ((long) (b[i + 3] & 0xFF) << 24) | (b[i + 2] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i] & 0xFF);
    }
}
