package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Message bodies an attacker or a broken client sends, as jqwik arbitraries of (class, text): the class names the kind
 * of damage, for the report table. Seeds are the shipped transformers' example inputs, so mutations start from bodies
 * that almost pass.
 */
public final class HostileBodies {

    public static final String MALFORMED = "malformed (mutated example)";
    public static final String TRUNCATED = "truncated";
    public static final String DEEP = "deeply nested";
    public static final String ENCODING = "wrongly encoded";
    public static final String RANDOM = "random text";
    public static final String LARGE = "large (300k-900k chars)";

    /** Characters that break parsers: NUL, controls, BOMs, lone surrogates, markup and escapes. */
    private static final String[] HOSTILE = {"\0", "\u0001", "\u001f", "\u007f", "\uFEFF", "\uFFFE", "\uFFFF",
            "\uD800", "\uDC00", "\uD83D\uDE00", "\"", "\\", "\\u", "{", "}", "[", "]", "<", ">", "</", "&", "&#0;",
            "&undefined;", "<![CDATA[", "]]>", "<!DOCTYPE a>", "<?xml version=\"1.0\"?>", ",", ";", "\n", "\r", "\t",
            "é", "1e999999", "-0", "NaN", "9".repeat(2000), ":", "null", "'", "\"\"\""};

    private static final List<String> SEEDS = seeds();

    private HostileBodies() {
    }

    /** Every class, weighted so that the expensive ones (deep, large) stay a small share of a run. */
    public static Arbitrary<Tuple2<String, String>> all() {
        return Arbitraries.frequencyOf(
                Tuple.of(30, tagged(MALFORMED, malformed())),
                Tuple.of(15, tagged(TRUNCATED, truncated())),
                Tuple.of(8, tagged(DEEP, deeplyNested())),
                Tuple.of(20, tagged(ENCODING, wronglyEncoded())),
                Tuple.of(20, tagged(RANDOM, Arbitraries.strings().all().ofMaxLength(300))),
                Tuple.of(2, tagged(LARGE, large())));
    }

    private static Arbitrary<Tuple2<String, String>> tagged(String tag, Arbitrary<String> bodies) {
        return bodies.map(body -> Tuple.of(tag, body));
    }

    /** The shipped examples' inputs plus the smallest documents of each format. */
    public static Arbitrary<String> seed() {
        return Arbitraries.of(SEEDS);
    }

    public static Arbitrary<String> malformed() {
        return Combinators.combine(seed(), Arbitraries.randoms()).as(HostileBodies::mutate);
    }

    public static Arbitrary<String> truncated() {
        return Combinators.combine(seed(), Arbitraries.randoms())
                .as((s, r) -> s.isEmpty() ? s : s.substring(0, r.nextInt(s.length())));
    }

    /** JSON arrays, JSON objects and XML elements nested around the parsers' limits and far beyond, closed or not. */
    public static Arbitrary<String> deeplyNested() {
        Arbitrary<Integer> depth = Arbitraries.of(2, 999, 1000, 1001, 5_000, 100_000);
        return Combinators
                .combine(Arbitraries.of("array", "object", "xml", "mixed"), depth, Arbitraries.of(true, false))
                .as(HostileBodies::nested);
    }

    public static String nested(String shape, int depth, boolean closed) {
        switch (shape) {
            case "array" :
                return "[".repeat(depth) + "1" + (closed ? "]".repeat(depth) : "");
            case "object" :
                return "{\"a\":".repeat(depth) + "1" + (closed ? "}".repeat(depth) : "");
            case "xml" :
                return "<a>".repeat(depth) + "x" + (closed ? "</a>".repeat(depth) : "");
            default :
                return "[{\"a\":".repeat(depth / 2) + "1" + (closed ? "}]".repeat(depth / 2) : "");
        }
    }

    /** A seed's bytes in one encoding read back as another: NULs, BOMs, replacement characters, mojibake. */
    public static Arbitrary<String> wronglyEncoded() {
        return Combinators.combine(seed(), Arbitraries.integers().between(0, 6)).as((s, how) -> {
            switch (how) {
                case 0 :
                    return new String(s.getBytes(StandardCharsets.UTF_16LE), StandardCharsets.ISO_8859_1);
                case 1 :
                    return new String(s.getBytes(StandardCharsets.UTF_16), StandardCharsets.UTF_8);
                case 2 :
                    return "\uFEFF" + s;
                case 3 :
                    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                case 4 :
                    return s.replace(' ', '\0');
                case 5 :
                    return s + "\0";
                default :
                    return new String(s.getBytes(StandardCharsets.UTF_16BE), StandardCharsets.UTF_8);
            }
        });
    }

    /** A seed repeated into a document of hundreds of kilobytes (a JSON array, or the same rows again). */
    public static Arbitrary<String> large() {
        return Combinators.combine(seed(), Arbitraries.integers().between(300_000, 900_000)).as((s, size) -> {
            StringBuilder body = new StringBuilder(size + s.length() + 2);
            boolean json = s.startsWith("{") || s.startsWith("[");
            body.append(json ? "[" : "");
            while (body.length() < size) {
                body.append(s).append(json ? "," : "\n");
            }
            return json ? body.append(s).append(']').toString() : body.toString();
        });
    }

    static String mutate(String seed, Random random) {
        StringBuilder s = new StringBuilder(seed);
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length());
            switch (random.nextInt(4)) {
                case 0 :
                    s.insert(at, HOSTILE[random.nextInt(HOSTILE.length)]);
                    break;
                case 1 :
                    if (s.length() > 0) {
                        s.delete(at, Math.min(s.length(), at + 1 + random.nextInt(8)));
                    }
                    break;
                case 2 :
                    if (s.length() > 0) {
                        s.setCharAt(at, HOSTILE[random.nextInt(HOSTILE.length)].charAt(0));
                    }
                    break;
                default :
                    int end = Math.min(s.length(), at + random.nextInt(40));
                    s.insert(at, s.substring(at, end));
            }
        }
        return s.toString();
    }

    private static List<String> seeds() {
        List<String> seeds = new ArrayList<>(List.of("", "{}", "[]", "null", "1", "\"x\"", "<a/>", "<a>1</a>",
                "a,b\n1,2\n", "a\n", "{\"id\":\"o-1\",\"items\":[{\"sku\":\"A\",\"qty\":1,\"price\":1.5}]}"));
        try (Stream<Path> inputs = Files.walk(Path.of("transformers"))) {
            for (Path input : inputs.filter(p -> p.getFileName().toString().contains(".input.")).sorted().toList()) {
                seeds.add(Files.readString(input, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(seeds);
    }
}
