package dev.caravan.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URL;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.TextMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterHeaders;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.HostileBodies;
import dev.caravan.testing.Jms;
import dev.caravan.testing.LocalHttp;
import dev.caravan.testing.RawHttp;
import dev.caravan.testing.RawHttp.Framing;
import dev.caravan.transform.TransformException;
import dev.caravan.transform.TransformerRegistry;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Tuple;
import net.jqwik.api.sessions.JqwikSession;

/**
 * Hostile input against the running gateway and the transformer routes behind it: malformed, truncated, huge, deeply
 * nested and wrongly encoded bodies, hostile headers, names and timeouts, sent over a bare socket so that nothing on the
 * client side cleans them up. Every answer must be a 4xx with a JSON {@code {"error": ...}} body, or an acceptance whose
 * message is then found intact: on the queue or topic, as the reply, or, behind a transformer route, either
 * transformed or in the DLQ with the transformer's reason. Afterwards the process is still ready.
 * <p>
 * The cases are drawn from jqwik arbitraries with a fixed seed (jqwik's own engine would not get the Quarkus boot this
 * needs), so a run is repeatable and each class has a fixed number of cases; the summary of class x answer is printed
 * at the end. Run alone with {@code mvn -q -B test -Dtest='HostileTransformerInputTest,HostileInputGatewayTest'
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputGatewayTest extends CaravanTestSupport {

    private static final long SEED = 20261107L;
    private static final int MAX_BODY = 1024 * 1024;
    private static final String FILE = "hostile-input.camel.yaml";
    private static final String PLAIN = "hi.plain";
    private static final String TOPIC = "hi.events";
    private static final String MIRROR = "hi.mirror";
    private static final String OUT = "hi.tx.out";
    private static final List<String> TRANSFORMERS = List.of("order-json-to-xml", "order-xml-to-json",
            "stock-csv-to-json", "order-v1-to-v2", "order-schema");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH = LocalHttp.basicAuth("app", "app");

    @TestHTTPResource("/")
    URL base;

    @Inject
    TransformerRegistry registry;

    private Jms app;
    private MessageConsumer plain;
    private MessageConsumer topic;
    /** Accepted messages behind a transformer route, by correlation id: where each must end up. */
    private final Map<String, Expected> pending = new ConcurrentHashMap<>();
    private final Map<String, Map<String, AtomicInteger>> summary = new TreeMap<>();

    /** One hostile request: its class (for the report), where it goes and what it carries. */
    record Case(String cls, String target, List<String[]> headers, byte[] body, Framing framing, String note) {

        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }
    }

    /** A message accepted for a transformer route: its text, and the transformer's own verdict on it. */
    record Expected(String caseName, String inQueue, String transformer, String body, String output,
            String refusal) {
    }

    @BeforeAll
    void deploy() throws Exception {
        StringBuilder routes = new StringBuilder(
                "# Hostile-input fuzz: each shipped transformer behind a queue, and a request-reply mirror.\n");
        for (String name : TRANSFORMERS) {
            routes.append("""
                    - route:
                        id: hi-%1$s
                        from:
                          uri: "jms:queue:hi.tx.%1$s"
                          steps:
                            - to: "transformer:%1$s"
                            - to: "jms:queue:%2$s"
                    """.formatted(name, OUT));
        }
        routes.append("""
                - route:
                    id: hi-mirror
                    from:
                      uri: "jms:queue:%s"
                      steps:
                        - log: "mirroring ${header.JMSCorrelationID}"
                """.formatted(MIRROR));
        files().deploy(FILE, routes.toString());
        app = connect("app");
        plain = app.session().createConsumer(app.session().createQueue(PLAIN));
        topic = app.session().createConsumer(app.session().createTopic(TOPIC));
        awaitSubscribers(TOPIC, 1);
    }

    @AfterAll
    void undeploy() throws Exception {
        if (app != null) {
            app.close();
        }
        files().undeploy(FILE);
        StringBuilder table = new StringBuilder("\nHostile HTTP input (class | answer: count)\n");
        summary.forEach((cls, answers) -> new TreeMap<>(answers)
                .forEach((answer, n) -> table.append("  ").append(cls).append(" | ").append(answer).append(": ")
                        .append(n).append('\n')));
        System.out.println(table);
    }

    @TestFactory
    Stream<DynamicTest> hostileRequests() {
        List<Case> cases = cases();
        Stream<DynamicTest> each = IntStream.range(0, cases.size()).mapToObj(i -> {
            Case c = cases.get(i);
            return DynamicTest.dynamicTest(i + " " + c.cls() + ": " + c.note(), () -> check(i, c));
        });
        return Stream.concat(each, Stream.of(
                DynamicTest.dynamicTest("every accepted message behind a transformer is transformed or dead-lettered"
                        + " with the reason", this::everyAcceptedMessageIsTransformedOrDeadLettered),
                DynamicTest.dynamicTest("the process is still ready, its heap not exhausted", this::stillHealthy)));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The cases

    private List<Case> cases() {
        // Outside a jqwik property, arbitraries need a session of their own (they look up jqwik's per-run context).
        JqwikSession.start(Long.toString(SEED));
        try {
            return drawCases(new Random(SEED));
        } finally {
            JqwikSession.finish();
        }
    }

    private List<Case> drawCases(Random random) {
        List<Case> cases = new ArrayList<>();
        cases.addAll(draw(transformerBodies(), 150, random));
        cases.addAll(draw(wrongEncodings(), 90, random));
        cases.addAll(draw(hostileHeaders(), 130, random));
        cases.addAll(draw(oddContentTypes(), 50, random));
        cases.addAll(draw(hostileNames(), 40, random));
        cases.addAll(draw(hostileTimeouts(), 20, random));
        cases.addAll(huge());
        cases.addAll(draw(transportTruncated(), 6, random));
        return cases;
    }

    private static <T> List<T> draw(Arbitrary<T> arbitrary, int count, Random random) {
        RandomGenerator<T> generator = arbitrary.generator(1000, true);
        return IntStream.range(0, count).mapToObj(i -> generator.next(random).value()).toList();
    }

    private static List<String[]> headers(String... pairs) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[]{"Authorization", AUTH});
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                headers.add(new String[]{pairs[i], pairs[i + 1]});
            }
        }
        return headers;
    }

    /** The hostile bodies of {@link HostileBodies}, as UTF-8, to each transformer's queue. */
    private static Arbitrary<Case> transformerBodies() {
        return Combinators.combine(Arbitraries.of(TRANSFORMERS), HostileBodies.all(),
                Arbitraries.of("", "; charset=utf-8", ";charset=\"UTF-8\"")).as((name, body, params) -> {
                    String type = (name.contains("xml-to")
                            ? "application/xml"
                            : name.contains("csv") ? "text/csv" : "application/json") + params;
                    return new Case("transformer: " + body.get1(), "/api/queues/hi.tx." + name,
                            headers("Content-Type", type), body.get2().getBytes(StandardCharsets.UTF_8),
                            Framing.LENGTH, name + ", " + body.get2().length() + " chars");
                });
    }

    /** Bytes that are not what the declared charset says: invalid UTF-8, UTF-16 with and without BOM, NULs. */
    private static Arbitrary<Case> wrongEncodings() {
        Arbitrary<byte[]> bytes = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                HostileBodies.seed().map(s -> s.getBytes(StandardCharsets.UTF_16)),
                HostileBodies.seed().map(s -> s.getBytes(StandardCharsets.UTF_16LE)),
                HostileBodies.seed().map(s -> concat(new byte[]{(byte) 0xFF, (byte) 0xFE},
                        s.getBytes(StandardCharsets.UTF_16LE))),
                HostileBodies.seed().map(s -> concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                        s.getBytes(StandardCharsets.UTF_8))),
                HostileBodies.seed().map(s -> s.replace(' ', '\0').getBytes(StandardCharsets.UTF_8)),
                Arbitraries.of(new byte[]{(byte) 0xC0, (byte) 0x80}, new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        new byte[]{'"', (byte) 0xE2, (byte) 0x82}, new byte[]{(byte) 0xF8, (byte) 0x88, (byte) 0x80,
                                (byte) 0x80, (byte) 0x80},
                        new byte[]{0, 0, 0}, new byte[]{(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'}));
        Arbitrary<String> type = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "text/plain; charset=UTF-16", "text/plain; charset=utf-16le", "application/xml; charset=UTF-32",
                "text/csv; charset=ISO-8859-1", "text/plain; charset=US-ASCII", "application/octet-stream", null);
        return Combinators.combine(Arbitraries.of("queues/" + PLAIN, "topics/" + TOPIC, "requests/" + MIRROR),
                bytes, type).as(
                        (target, body, contentType) -> new Case("wrongly encoded body", "/api/" + target,
                                headers("Content-Type", contentType), body, Framing.LENGTH,
                                contentType + ", " + body.length + " bytes to " + target));
    }

    /** X-Msg-*, X-Correlation-Id and Idempotency-Key with odd names, control characters, raw bytes, odd sizes. */
    private static Arbitrary<Case> hostileHeaders() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').excludeChars('\r', '\n').ofMaxLength(60),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(195).ofMaxLength(205),
                Arbitraries.strings().alpha().ofMinLength(4090).ofMaxLength(4100),
                Arbitraries.of("", " ", "\t", "a b", "\u0001", "\u007f", "\u0000", "\u00e9", "\u00c3\u00a9",
                        "=?utf-8?q?x?="));
        Arbitrary<String> propertyName = Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcXYZ_019-.$").ofMinLength(0).ofMaxLength(12),
                Arbitraries.of("Region", "JMSXGroupID", "JMSType", "Camel", "CamelHttpUri", "_AMQ_DUPL_ID",
                        "_AMQ_ROUTE_TO", "1st", "a".repeat(128), "a".repeat(129), "x-y"));
        Arbitrary<Case> properties = Combinators.combine(propertyName.list().ofMaxSize(4), value.list().ofSize(4))
                .as((names, values) -> {
                    String[] pairs = new String[names.size() * 2];
                    for (int i = 0; i < names.size(); i++) {
                        pairs[2 * i] = "X-Msg-" + names.get(i);
                        pairs[2 * i + 1] = values.get(i);
                    }
                    return plainCase("hostile X-Msg-* headers", headers(pairs), names.size() + " properties");
                });
        Arbitrary<Case> many = Arbitraries.integers().between(60, 70).map(n -> {
            List<String[]> all = headers();
            for (int i = 0; i < n; i++) {
                all.add(new String[]{"X-Msg-P" + i, "v"});
            }
            return plainCase("hostile X-Msg-* headers", all, n + " X-Msg headers");
        });
        Arbitrary<Case> duplicated = value.map(v -> {
            List<String[]> all = headers("X-Msg-Twice", "one");
            all.add(new String[]{"X-Msg-Twice", v});
            return plainCase("hostile X-Msg-* headers", all, "X-Msg-Twice given twice");
        });
        Arbitrary<Case> ids = Combinators.combine(Arbitraries.of("X-Correlation-Id", "Idempotency-Key"), value)
                .as((name, v) -> plainCase("hostile X-Correlation-Id / Idempotency-Key",
                        headers(name, v.isEmpty() ? v : v + "-" + Integer.toHexString(v.hashCode())),
                        name + " of " + v.length() + " chars"));
        Arbitrary<Case> huge = Arbitraries.of(9_000, 21_000, 70_000).map(n -> plainCase("very long header",
                headers("X-Msg-Big", "b".repeat(n)), "X-Msg-Big of " + n + " chars"));
        return Arbitraries.frequencyOf(Tuple.of(5, properties), Tuple.of(1, many), Tuple.of(1, duplicated),
                Tuple.of(4, ids), Tuple.of(1, huge));
    }

    /** Content types with odd, empty, repeated and unknown parameters. */
    private static Arbitrary<Case> oddContentTypes() {
        Arbitrary<String> type = Arbitraries.oneOf(
                Arbitraries.of("application/json; charset=", "application/json; charset=\"\"", "application/json;;;",
                        "application/json; charset=utf-8; charset=latin1", "application/json; charset=UTF-7",
                        "application/json; charset=nope", "application/json; charset=x-IBM037", "text/plain; q=0.5",
                        "application/", "/json", "json", "text", "*/*", "application/json; boundary=--x--",
                        "application/json; charset=utf-8 ; foo=\"bar;baz\"", "text/\u00e9", "application/json\u0001",
                        "application/json; charset=" + "u".repeat(500), "multipart/form-data", ""),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40));
        return type.map(t -> plainCase("odd Content-Type", headers("Content-Type", t), "Content-Type " + t));
    }

    /** Queue and topic names that are not names: percent-encoded bytes, dots, slashes, too long. */
    private static Arbitrary<Case> hostileNames() {
        Arbitrary<String> name = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMinLength(1).ofMaxLength(20)
                        .filter(s -> !GatewayRequests.NAME.matcher(s).matches())
                        .map(s -> URLEncoder.encode(s, StandardCharsets.ISO_8859_1)),
                Arbitraries.of("..", "%2e%2e", "a%2Fb", "%00", "a%00b", "DLA", "q".repeat(201), "%C3%A9", "a;b",
                        "%25", "a%20b", "a/b", "a;b", "a;b=c"));
        return Combinators.combine(Arbitraries.of("queues", "topics"), name).as((kind, n) -> new Case(
                "hostile queue/topic name", "/api/" + kind + "/" + n, headers("Content-Type", "text/plain"),
                "x".getBytes(StandardCharsets.UTF_8), Framing.LENGTH, kind + " " + abbreviate(n)));
    }

    private static Arbitrary<Case> hostileTimeouts() {
        return Arbitraries.oneOf(Arbitraries.strings().withCharRange('!', '~').ofMaxLength(12),
                Arbitraries.of("0s", "0ms", "-1s", "1.5s", "999999999s", "121s", "5S", "5m", "%00", "5s%20", "1ms"))
                .map(t -> new Case("hostile timeout", "/api/requests/" + MIRROR + "?timeout="
                        + URLEncoder.encode(t, StandardCharsets.UTF_8), headers("Content-Type", "text/plain"),
                        "ping".getBytes(StandardCharsets.UTF_8), Framing.LENGTH, "timeout " + t));
    }

    /** Bodies at, over and far over caravan.http.max-body-size (1M in the test profile), declared and chunked. */
    private static List<Case> huge() {
        byte[] limit = new byte[MAX_BODY];
        byte[] over = new byte[MAX_BODY + 1];
        byte[] far = new byte[5 * MAX_BODY];
        Arrays.fill(far, (byte) '[');
        List<Case> cases = new ArrayList<>();
        for (String target : List.of("queues/" + PLAIN, "topics/" + TOPIC, "requests/" + MIRROR)) {
            cases.add(new Case("huge body", "/api/" + target, headers("Content-Type", "application/octet-stream"),
                    over, Framing.LENGTH, "1M+1 declared to " + target));
            cases.add(new Case("huge body", "/api/" + target, headers("Content-Type", "application/json"), far,
                    Framing.CHUNKED, "5M chunked to " + target));
        }
        cases.add(new Case("huge body", "/api/queues/" + PLAIN, headers("Content-Type", "application/octet-stream"),
                limit, Framing.LENGTH, "exactly 1M"));
        cases.add(new Case("huge body", "/api/queues/hi.tx.order-json-to-xml",
                headers("Content-Type", "application/json"), far, Framing.LENGTH, "5M deep JSON to a transformer"));
        return cases;
    }

    /** A declared length the body never reaches: the client stops writing half-way. */
    private static Arbitrary<Case> transportTruncated() {
        return HostileBodies.seed().filter(s -> s.length() > 4).map(s -> new Case("truncated in transport",
                "/api/queues/" + PLAIN, headers("Content-Type", "application/json"),
                s.getBytes(StandardCharsets.UTF_8), Framing.SHORT, "half of " + s.length() + " bytes sent"));
    }

    private static Case plainCase(String cls, List<String[]> headers, String note) {
        if (headers.stream().noneMatch(h -> h[0].equalsIgnoreCase("Content-Type"))) {
            headers.add(new String[]{"Content-Type", "text/plain"});
        }
        return new Case(cls, "/api/queues/" + PLAIN, headers, "x".getBytes(StandardCharsets.UTF_8), Framing.LENGTH,
                note);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The checks

    private void check(int n, Case c) throws Exception {
        List<String[]> headers = new ArrayList<>(c.headers());
        boolean toTransformer = c.target().startsWith("/api/queues/hi.tx.");
        String correlation = "hi-" + n;
        if (c.header("X-Correlation-Id") == null) {
            headers.add(new String[]{"X-Correlation-Id", correlation});
        }
        RawHttp.Answer answer = RawHttp.post(base.getPort(), c.target(), headers, c.body(), c.framing());
        String outcome;
        if (answer.status() == 0) {
            assertThat(c.framing()).as("only a client that stops mid-body gets no answer; got: %s", answer.text())
                    .isEqualTo(Framing.SHORT);
            outcome = "no answer (client hung up)";
        } else if (answer.status() >= 400 && answer.header("Content-Type") == null && refusedByHttpParser(c)) {
            // Refused by Vert.x's HTTP parser before any of Caravan's code runs: no hook for a body (README).
            assertThat(answer.status()).as(c.note()).isIn(400, 431);
            assertThat(answer.body()).as(c.note()).isEmpty();
            outcome = answer.status() + " empty body (refused by the HTTP parser)";
        } else if (answer.status() == 413 && answer.header("Content-Type") == null && c.framing() == Framing.CHUNKED) {
            // Known gap (README, Hostile input): a chunked body far over the limit is cut off by Quarkus' HTTP layer
            // with an empty 413 before Caravan's BodyLimit can write the JSON body. Still refused, nothing enqueued.
            outcome = "413 empty body (chunked, cut off by the HTTP layer)";
        } else if (answer.status() >= 400) {
            assertErrorBody(answer, c);
            outcome = answer.status() + " " + errorKind(answer);
        } else {
            outcome = accepted(c, answer, toTransformer, n);
        }
        if (answer.status() == 0 || answer.status() >= 400) {
            assertNothingEnqueued(c);
        }
        synchronized (summary) {
            summary.computeIfAbsent(c.cls(), k -> new TreeMap<>()).computeIfAbsent(outcome, k -> new AtomicInteger())
                    .incrementAndGet();
        }
        if (c.cls().equals("huge body")) {
            assertThat(answer.status()).as(c.note()).isEqualTo(c.body().length > MAX_BODY ? 413 : 202);
        }
        if (c.framing() != Framing.SHORT && c.body().length <= MAX_BODY) {
            expectOracle(c, answer.status());
        }
    }

    /**
     * Header sections that the HTTP parser (Netty, under Vert.x) refuses before Quarkus routes the request: a control
     * character other than HTAB in a value, or more than {@code quarkus.http.limits.max-header-size} (20K).
     */
    private static boolean refusedByHttpParser(Case c) {
        int size = 0;
        for (String[] header : c.headers()) {
            size += header[0].length() + header[1].length() + 4;
            if (header[1].chars().anyMatch(ch -> (ch < 0x20 && ch != '\t') || ch == 0x7f)) {
                return true;
            }
        }
        return size > 20 * 1024;
    }

    /** Where the contract says exactly what the answer is, check it. */
    private void expectOracle(Case c, int status) {
        String type = c.header("Content-Type");
        if (c.cls().equals("wrongly encoded body") && type != null) {
            int expected = decode(c.body(), type) == null ? 400 : c.target().contains("requests/") ? 200 : 202;
            if (!GatewayRequests.isText(jakarta.ws.rs.core.MediaType.valueOf(type))) {
                expected = c.target().contains("requests/") ? 200 : 202;
            }
            assertThat(status).as("%s", c.note()).isEqualTo(expected);
        }
        if (c.cls().equals("hostile queue/topic name")) {
            String name = URLDecoder.decode(c.target().substring(c.target().lastIndexOf('/') + 1),
                    StandardCharsets.ISO_8859_1);
            if (!GatewayRequests.NAME.matcher(name).matches()) {
                assertThat(status).as(c.note()).isGreaterThanOrEqualTo(400);
            }
        }
    }

    private void assertErrorBody(RawHttp.Answer answer, Case c) throws Exception {
        if (!(c.cls().equals("hostile timeout") && answer.status() == 504)) {
            // 504 is the contract's answer to a (valid, short) timeout running out; anything else must be a 4xx.
            assertThat(answer.status()).as("%s -> %s", c.note(), answer.text()).isBetween(400, 499);
        }
        assertThat(answer.header("Content-Type")).as("%s: content type of %s %s", c.note(), answer.status(),
                answer.text()).startsWith("application/json");
        JsonNode error = JSON.readTree(answer.body());
        assertThat(error.path("error").isTextual() && !error.path("error").asText().isBlank())
                .as("%s: {\"error\": ...} in %s", c.note(), answer.text()).isTrue();
    }

    private String accepted(Case c, RawHttp.Answer answer, boolean toTransformer, int n) throws Exception {
        String type = c.header("Content-Type");
        if (c.target().startsWith("/api/requests/")) {
            assertThat(answer.status()).as("%s -> %s", c.note(), answer.text()).isEqualTo(200);
            if (type == null || !isTextType(type)) {
                assertThat(answer.body()).as(c.note()).isEqualTo(c.body());
            } else if (charsetOf(type) == null || charsetOf(type).equals(StandardCharsets.UTF_8)) {
                assertThat(answer.text()).as(c.note()).isEqualTo(decode(c.body(), type));
            }
            return "200 reply";
        }
        if (answer.status() == 200) {
            // A repeated Idempotency-Key: accepted before, not enqueued again.
            assertThat(JSON.readTree(answer.body()).path("duplicate").asBoolean()).as(answer.text()).isTrue();
            assertThat(c.header("Idempotency-Key")).isNotNull();
            return "200 duplicate";
        }
        assertThat(answer.status()).as("%s -> %s", c.note(), answer.text()).isEqualTo(202);
        String id = JSON.readTree(answer.body()).path("id").asText();
        String correlation = answer.header("X-Correlation-Id");
        assertThat(id).startsWith("ID:");
        if (toTransformer) {
            String name = c.target().substring("/api/queues/hi.tx.".length());
            String text = decode(c.body(), type);
            String output = null;
            String refusal = null;
            try {
                output = registry.get(name).apply(text);
            } catch (TransformException e) {
                refusal = e.getMessage();
            }
            pending.put(correlation, new Expected(n + " " + c.note(), "hi.tx." + name, name, text, output, refusal));
            return "202 accepted";
        }
        if (!c.target().equals("/api/queues/" + PLAIN) && !c.target().equals("/api/topics/" + TOPIC)) {
            // A name that passed the rules: it must be a valid name, and on a queue the message is there.
            String name = URLDecoder.decode(c.target().substring(c.target().lastIndexOf('/') + 1),
                    StandardCharsets.ISO_8859_1);
            assertThat(name).as(c.note()).matches(GatewayRequests.NAME);
            if (c.target().startsWith("/api/queues/")) {
                assertThat(app.receive(name, 10_000)).as("%s: accepted on queue %s", c.note(), name).isNotNull();
            }
            return "202 (a valid name after all)";
        }
        Message message = (c.target().startsWith("/api/topics/") ? topic : plain).receive(10_000);
        assertThat(message).as("%s: the accepted message %s is delivered", c.note(), id).isNotNull();
        assertThat(message.getJMSMessageID()).isEqualTo(id);
        assertThat(message.getJMSCorrelationID()).isEqualTo(correlation);
        if (message instanceof TextMessage text) {
            assertThat(text.getText()).as(c.note()).isEqualTo(decode(c.body(), type));
        } else {
            assertThat(message).isInstanceOf(BytesMessage.class);
            assertThat(message.getBody(byte[].class)).as(c.note()).isEqualTo(c.body());
        }
        for (String[] header : c.headers()) {
            if (header[0].length() > 6 && header[0].regionMatches(true, 0, "X-Msg-", 0, 6)) {
                // HTTP header bytes are ISO-8859-1 text; what arrived is what was sent, without the spaces and tabs
                // HTTP allows around a value.
                assertThat(message.getStringProperty(header[0].substring(6))).as(c.note())
                        .isEqualTo(header[1].replaceAll("^[ \\t]+|[ \\t]+$", ""));
            }
        }
        return "202 delivered intact";
    }

    private void assertNothingEnqueued(Case c) throws Exception {
        if (c.target().startsWith("/api/queues/" + PLAIN)) {
            assertThat(plain.receive(50)).as("%s: a refused request enqueues nothing", c.note()).isNull();
        } else if (c.target().startsWith("/api/topics/" + TOPIC)) {
            assertThat(topic.receive(50)).as("%s: a refused request publishes nothing", c.note()).isNull();
        }
    }

    private void everyAcceptedMessageIsTransformedOrDeadLettered() throws Exception {
        Map<String, Expected> open = new HashMap<>(pending);
        Map<String, AtomicInteger> outcomes = new TreeMap<>();
        try (Jms operator = connect("operator");
                MessageConsumer out = app.session().createConsumer(
                        app.session().createQueue(OUT))) {
            Map<String, MessageConsumer> dlqs = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (Message m = out.receive(100); m != null; m = out.receive(100)) {
                    Expected e = open.remove(m.getJMSCorrelationID());
                    assertThat(e).as("an output nobody expected: %s", m.getJMSCorrelationID()).isNotNull();
                    assertThat(e.refusal()).as("%s was refused by the transformer but reached the output",
                            e.caseName()).isNull();
                    assertThat(Jms.text(m)).as(e.caseName()).isEqualTo(e.output());
                    outcomes.computeIfAbsent(e.transformer() + " transformed", k -> new AtomicInteger())
                            .incrementAndGet();
                }
                for (String q : open.values().stream().map(Expected::inQueue).distinct().toList()) {
                    if (depth("DLQ." + q) == 0) {
                        continue;
                    }
                    MessageConsumer dlq = dlqs.computeIfAbsent(q, k -> {
                        try {
                            return operator.session().createConsumer(operator.session().createQueue("DLA::DLQ." + k));
                        } catch (Exception ex) {
                            throw new IllegalStateException(ex);
                        }
                    });
                    for (Message m = dlq.receive(100); m != null; m = dlq.receive(100)) {
                        Expected e = open.remove(m.getJMSCorrelationID());
                        assertThat(e).as("a dead letter nobody expected: %s", m.getJMSCorrelationID()).isNotNull();
                        assertThat(e.refusal()).as("%s: dead-lettered with %s although the transformer takes it",
                                e.caseName(), m.getStringProperty(DeadLetterHeaders.EXCEPTION_MESSAGE)).isNotNull();
                        assertThat(m.getStringProperty(DeadLetterHeaders.EXCEPTION_CLASS)).as(e.caseName())
                                .isEqualTo(TransformException.class.getName());
                        assertThat(m.getStringProperty(DeadLetterHeaders.EXCEPTION_MESSAGE)).as(e.caseName())
                                .startsWith(e.refusal().substring(0, Math.min(120, e.refusal().length())));
                        assertThat(m.getStringProperty(DeadLetterHeaders.ROUTE_ID)).isEqualTo("hi-" + e.transformer());
                        assertThat(Jms.text(m)).as("%s: the dead letter keeps the body", e.caseName())
                                .isEqualTo(e.body());
                        outcomes.computeIfAbsent(e.transformer() + " dead letter: " + reason(e.refusal()),
                                k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }
        }
        assertThat(open.values()).as("accepted but neither transformed nor dead-lettered").isEmpty();
        synchronized (summary) {
            summary.put("transformer route outcome", outcomes);
        }
    }

    private void stillHealthy() {
        given().get("/q/health/ready").then().statusCode(200);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        assertThat(heap.getUsed()).as("heap used after the run").isLessThan((long) (heap.getMax() * 0.9));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** The body as the gateway must decode it (strictly, in the declared charset), or null where it must refuse it. */
    private static String decode(byte[] body, String type) {
        try {
            Charset charset = charsetOf(type);
            return (charset == null ? StandardCharsets.UTF_8 : charset).newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Charset charsetOf(String type) {
        if (type == null) {
            return null;
        }
        String name = jakarta.ws.rs.core.MediaType.valueOf(type).getParameters().get("charset");
        return name == null ? null : Charset.forName(name);
    }

    private static boolean isTextType(String type) {
        try {
            return GatewayRequests.isText(jakarta.ws.rs.core.MediaType.valueOf(type));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String errorKind(RawHttp.Answer answer) {
        try {
            String error = JSON.readTree(answer.body()).path("error").asText();
            return error.replaceAll("[0-9]+", "N").replaceAll("'.*'", "'…'").replaceAll("(:|,| is).*", "$1 …");
        } catch (Exception e) {
            return "?";
        }
    }

    private static String reason(String refusal) {
        String[] parts = refusal.split(": ", 3);
        String why = parts.length > 1 ? parts[1] : refusal;
        return why.length() > 60 ? why.substring(0, 60) : why;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…(" + s.length() + ")" : s;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
