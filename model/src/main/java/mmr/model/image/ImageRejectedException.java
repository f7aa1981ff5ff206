package mmr.model.image;

/** An input that is not a usable image, with a machine-readable reason and a message for people. */
public final class ImageRejectedException extends Exception {

    /** Why an image was rejected. */
    public enum Reason {
        MISSING_FILE,
        UNREADABLE,
        EMPTY,
        UNSUPPORTED_FORMAT,
        CORRUPT,
        TOO_LARGE,
        /** Decoding would cost more than the budget (progressive scans × pixels, or wall-clock time). */
        TOO_COSTLY,
        /** An SVG document asks for what is never done: a DTD or entity, a script, a reference outside it. */
        UNSAFE,
        /** Every decoding slot stayed taken for the whole wait. */
        BUSY
    }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
