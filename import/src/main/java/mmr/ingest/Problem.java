package mmr.ingest;

import java.util.Locale;

/** One record the importer could not take (or took with a change), with the reason. */
public record Problem(long line, String id, Kind kind, String reason) {

    /** What went wrong; {@link #TAG_DROPPED} is a warning — the image is imported without that tag. */
    public enum Kind {
        MALFORMED_LINE,
        NOT_UTF8,
        DUPLICATE_ID,
        MISSING_FILE,
        UNREADABLE_FILE,
        EMPTY_FILE,
        UNSUPPORTED_FORMAT,
        CORRUPT_IMAGE,
        /** Fully transparent or one flat colour: nothing visual to search with (as mmr.search refuses such a query). */
        BLANK_IMAGE,
        TOO_LARGE,
        TOO_COSTLY,
        UNSAFE_SVG,
        BUSY,
        BAD_FEATURES,
        WRONG_SOURCE,
        TAG_DROPPED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the record is left out (rather than imported with a warning). */
        public boolean rejects() {
            return this != TAG_DROPPED;
        }
    }

    @Override
    public String toString() {
        return "line " + line + (id == null ? "" : " (id '" + id + "')") + ": " + kind.label() + ": " + reason;
    }
}
