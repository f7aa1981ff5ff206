package mmr.ingest.manifest;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import mmr.model.text.Bounded;

/**
 * Streams a catalog manifest, one entry per line, never holding the file in memory.
 * <ul>
 *   <li>JSON Lines ({@code .jsonl}, {@code .ndjson}): {@code {"id", "path" | "features", "tags": [...], "metadata": {...}}}</li>
 *   <li>CSV ({@code .csv}) with a header: {@code id}, {@code path} or {@code features} (numbers separated by
 *   spaces), {@code tags} (separated by {@code |}); any other column is evaluation metadata.</li>
 * </ul>
 * Each line is decoded as strict UTF-8: a line with invalid bytes is reported, not guessed at.
 */
public final class ManifestReader implements Iterator<ManifestEntry>, Closeable {
    public static final String ACCEPTED = ".jsonl, .ndjson (JSON Lines) or .csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private enum Format { JSONL, CSV }

    private final InputStream in;
    private final Format format;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private List<String> csvHeader;
    private long lineNo;
    private ManifestEntry next;

    private ManifestReader(InputStream in, Format format) {
        this.in = in;
        this.format = format;
    }

    public static ManifestReader open(Path manifest) throws IOException {
        String name = manifest.getFileName().toString().toLowerCase(Locale.ROOT);
        Format format;
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            format = Format.JSONL;
        } else if (name.endsWith(".csv")) {
            format = Format.CSV;
        } else {
            throw new IllegalArgumentException("manifest '" + manifest + "' has an unknown format; accepted: " + ACCEPTED);
        }
        return new ManifestReader(Files.newInputStream(manifest), format);
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = advance();
        }
        return next != null;
    }

    @Override
    public ManifestEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ManifestEntry e = next;
        next = null;
        return e;
    }

    private ManifestEntry advance() {
        try {
            while (true) {
                byte[] raw = readLine();
                if (raw == null) {
                    return null;
                }
                lineNo++;
                String line;
                try {
                    line = utf8.decode(ByteBuffer.wrap(raw)).toString();
                } catch (MalformedInputException e) {
                    return new ManifestEntry.Problem(lineNo, null, "line is not valid UTF-8 (bad byte at offset "
                            + firstBadByte(raw) + "); save the manifest as UTF-8");
                } catch (CharacterCodingException e) {
                    return new ManifestEntry.Problem(lineNo, null, "line is not valid UTF-8; save the manifest as UTF-8");
                }
                if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                if (format == Format.CSV && csvHeader == null) {
                    csvHeader = parseHeader(line);
                    continue;
                }
                return format == Format.JSONL ? parseJson(line) : parseCsv(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest at line " + (lineNo + 1) + ": " + e.getMessage(), e);
        }
    }

    private ManifestEntry parseJson(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            return problem(null, "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return problem(null, "malformed JSON: expected an object {\"id\": ..., \"path\": ..., \"tags\": [...]}");
        }
        JsonNode idNode = node.get("id");
        String id = idNode == null || idNode.isNull() ? null : (idNode.isValueNode() ? idNode.asText() : null);
        if (id == null || id.isBlank()) {
            return problem(null, "missing 'id' (a non-empty string or number)");
        }
        JsonNode pathNode = node.get("path");
        if (pathNode != null && !pathNode.isNull() && !pathNode.isTextual()) {
            return problem(id, "'path' must be a string, got " + pathNode.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        String path = pathNode == null || pathNode.isNull() ? null : pathNode.asText();
        float[] features = null;
        JsonNode f = node.get("features");
        if (f != null && !f.isNull()) {
            if (!f.isArray()) {
                return problem(id, "'features' must be a list of numbers");
            }
            features = new float[f.size()];
            for (int i = 0; i < features.length; i++) {
                JsonNode x = f.get(i);
                if (!x.isNumber()) {
                    return problem(id, "'features' must be a list of numbers; element " + i + " is " + x);
                }
                features[i] = (float) x.asDouble();
            }
        }
        List<String> tags = new ArrayList<>();
        JsonNode t = node.get("tags");
        if (t != null && !t.isNull()) {
            if (!t.isArray()) {
                return problem(id, "'tags' must be a list of strings, e.g. [\"red\", \"round\"]; got " + Bounded.cut(t.toString()));
            }
            for (JsonNode x : t) {
                tags.add(x.isNull() ? null : x.asText());
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode m = node.get("metadata");
        if (m != null && m.isObject()) {
            m.fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        }
        return record(id, path, tags, features, metadata);
    }

    private List<String> parseHeader(String line) {
        List<String> header = new ArrayList<>();
        for (String h : splitCsv(line)) {
            header.add(h.strip().toLowerCase(Locale.ROOT));
        }
        if (!header.contains("id")) {
            throw new IllegalArgumentException("CSV manifest header " + header + " has no 'id' column; expected id,path,tags");
        }
        return header;
    }

    private ManifestEntry parseCsv(String line) {
        List<String> cells = splitCsv(line);
        if (cells == null) {
            return problem(null, "malformed CSV: unbalanced quotes");
        }
        if (cells.size() != csvHeader.size()) {
            return problem(null, "malformed CSV: " + cells.size() + " fields, the header has " + csvHeader.size());
        }
        String id = null;
        String path = null;
        float[] features = null;
        List<String> tags = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            String col = csvHeader.get(i);
            String v = cells.get(i);
            switch (col) {
                case "id" -> id = v.strip();
                case "path" -> path = v.isBlank() ? null : v.strip();
                case "tags" -> {
                    if (!v.isBlank()) {
                        tags.addAll(List.of(v.split("\\|", -1)));
                    }
                }
                case "features" -> {
                    if (!v.isBlank()) {
                        String[] parts = v.strip().split("[\\s;]+");
                        features = new float[parts.length];
                        for (int k = 0; k < parts.length; k++) {
                            try {
                                features[k] = Float.parseFloat(parts[k]);
                            } catch (NumberFormatException e) {
                                return problem(id, "'features' must be numbers separated by spaces; element " + k + " is '" + parts[k] + "'");
                            }
                        }
                    }
                }
                default -> {
                    if (!v.isBlank()) {
                        metadata.put(col, v);
                    }
                }
            }
        }
        if (id == null || id.isEmpty()) {
            return problem(null, "missing 'id'");
        }
        return record(id, path, tags, features, metadata);
    }

    private ManifestEntry record(String id, String path, List<String> tags, float[] features, Map<String, String> metadata) {
        if (path == null && features == null) {
            return problem(id, "needs a 'path' to an image file or precomputed 'features'");
        }
        if (path != null && features != null) {
            return problem(id, "has both 'path' and 'features'; give one");
        }
        Map<String, String> keyed = new LinkedHashMap<>();
        metadata.forEach((k, v) -> keyed.put(metadataKey(k), v));
        return new ManifestEntry.Record(lineNo, id, path, tags, features, keyed);
    }

    /**
     * One spelling per metadata key, whoever wrote the manifest: trimmed, lower-cased, anything but
     * {@code a-z 0-9 _} as {@code _}, and a leading {@code eval_} dropped — {@code "Concept"}, {@code "eval_concept"}
     * and a CSV column {@code concept} are the key {@code mmr eval} reads, stored as {@code eval_concept}.
     */
    public static String metadataKey(String key) {
        String clean = key.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return clean.startsWith("eval_") && clean.length() > 5 ? clean.substring(5) : clean;
    }

    private ManifestEntry.Problem problem(String id, String reason) {
        return new ManifestEntry.Problem(lineNo, id, reason);
    }

    /** RFC 4180 fields of one line; null when quotes do not balance. */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else if (c != '\r') {
                cell.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(cell.toString());
        return out;
    }

    private final byte[] buffer = new byte[1 << 16];
    private int bufferPos;
    private int bufferLen;

    /** Next line's bytes without the line ending, or null at end of input. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = null;
        while (true) {
            if (bufferPos == bufferLen) {
                bufferLen = in.read(buffer, 0, buffer.length);
                bufferPos = 0;
                if (bufferLen <= 0) {
                    bufferLen = 0;
                    return line == null ? null : stripCr(line.toByteArray());
                }
            }
            int start = bufferPos;
            while (bufferPos < bufferLen && buffer[bufferPos] != '\n') {
                bufferPos++;
            }
            if (line == null) {
                line = new ByteArrayOutputStream(Math.max(64, bufferPos - start));
            }
            line.write(buffer, start, bufferPos - start);
            if (bufferPos < bufferLen) {
                bufferPos++;
                return stripCr(line.toByteArray());
            }
        }
    }

    private static byte[] stripCr(byte[] bytes) {
        int n = bytes.length;
        return n > 0 && bytes[n - 1] == '\r' ? Arrays.copyOf(bytes, n - 1) : bytes;
    }

    private int firstBadByte(byte[] raw) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bb = ByteBuffer.wrap(raw);
        CharBuffer cb = CharBuffer.allocate(raw.length + 1);
        d.decode(bb, cb, true);
        return bb.position();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
