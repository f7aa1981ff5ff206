package mmr.model.tfjs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JavaScript literal — JSON, or what a minifier makes of it: unquoted keys, numbers such as
 * {@code .5} or {@code -.5}, {@code !0}/{@code !1} for true/false, {@code void 0} for undefined —
 * into maps, lists, strings, doubles, booleans and nulls. Bundled TF.js models (a model's topology
 * and weights manifest as {@code module.exports = {...}}, a weight shard as a base64 string) are
 * read with it; no code is run.
 */
public final class JsLiteral {
    /** Deepest nesting accepted: a topology is a few levels deep; a hostile file is not recursed into. */
    private static final int MAX_DEPTH = 200;
    private final String s;
    private int i;

    private JsLiteral(String s, int start) {
        this.s = s;
        this.i = start;
    }

    /** The literal starting at {@code start} (after whitespace). */
    public static Object parse(String text, int start) {
        JsLiteral p = new JsLiteral(text, start);
        return p.value(0);
    }

    /** The literal that is the whole of {@code text}. */
    public static Object parse(String text) {
        JsLiteral p = new JsLiteral(text, 0);
        Object v = p.value(0);
        p.space();
        if (p.i != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        space();
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
            case '\'':
                return string();
            case '!':
                i++;
                space();
                if (s.startsWith("0", i) || s.startsWith("1", i)) {
                    return s.charAt(i++) == '0';
                }
                throw error("'!' is read only as !0 or !1");
            default:
                if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                    return number();
                }
                String word = identifier();
                switch (word) {
                    case "true":
                        return true;
                    case "false":
                        return false;
                    case "null":
                        return null;
                    case "void":
                        space();
                        number();
                        return null;
                    default:
                        throw error("unexpected '" + word + "'");
                }
        }
    }

    private Map<String, Object> object(int depth) {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (peek('}')) {
            i++;
            return m;
        }
        while (true) {
            space();
            String key = peek('"') || peek('\'') ? string() : identifierOrNumber();
            space();
            expect(':');
            m.put(key, value(depth + 1));
            space();
            if (peek(',')) {
                i++;
                space();
                if (peek('}')) {
                    i++;
                    return m;
                }
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> array(int depth) {
        i++;
        List<Object> l = new ArrayList<>();
        space();
        if (peek(']')) {
            i++;
            return l;
        }
        while (true) {
            l.add(value(depth + 1));
            space();
            if (peek(',')) {
                i++;
                space();
                if (peek(']')) {
                    i++;
                    return l;
                }
                continue;
            }
            expect(']');
            return l;
        }
    }

    private String string() {
        char quote = s.charAt(i++);
        StringBuilder b = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == quote) {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                break;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("a \\u escape is cut short");
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
        throw error("a string is not closed");
    }

    private Double number() {
        int start = i;
        if (peek('-') || peek('+')) {
            i++;
        }
        while (i < s.length() && "0123456789.eE+-".indexOf(s.charAt(i)) >= 0) {
            if ((s.charAt(i) == '+' || s.charAt(i) == '-') && !(s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')) {
                break;
            }
            i++;
        }
        String text = s.substring(start, i);
        if (s.startsWith("Infinity", i)) {
            i += "Infinity".length();
            return text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw error("not a number: '" + text + "'");
        }
    }

    private String identifier() {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$')) {
            i++;
        }
        if (start == i) {
            throw error("unexpected '" + s.charAt(i) + "'");
        }
        return s.substring(start, i);
    }

    private String identifierOrNumber() {
        char c = s.charAt(i);
        return Character.isDigit(c) ? String.valueOf(number().longValue()) : identifier();
    }

    private void space() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        i++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not a JavaScript literal at character " + i + ": " + what);
    }
}
