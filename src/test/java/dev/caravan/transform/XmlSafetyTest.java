package dev.caravan.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;

import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterHeaders;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * Hostile XML through the XML transformers and XPath routing: external entities (a local file, an external DTD, a
 * parameter entity calling out) and entity expansion (billion laughs). Each is refused with a clear reason on its dead
 * letter; no entity is ever resolved (the file's content appears nowhere, the DTD server is never asked).
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class XmlSafetyTest extends CaravanTestSupport {

    private static final String FILE = "xml-safety-test.camel.yaml";
    /** What the local file holds: must never reach an output, a dead letter or an error. */
    private static final String SECRET = "xxe-file-content-7f3a9c";

    private final AtomicInteger dtdRequests = new AtomicInteger();
    private HttpServer dtdServer;
    private Path secretFile;

    @BeforeAll
    void setUp() throws Exception {
        secretFile = Files.createTempFile("caravan-xxe-", ".txt");
        Files.writeString(secretFile, SECRET);
        // Counts every request: an external DTD or entity that is fetched at all is a failure, whatever happens next.
        dtdServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        dtdServer.createContext("/", exchange -> {
            dtdRequests.incrementAndGet();
            byte[] dtd = ("<!ENTITY remote \"" + SECRET + "\">").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, dtd.length);
            exchange.getResponseBody().write(dtd);
            exchange.close();
        });
        dtdServer.start();
        files().deploy(FILE, """
                - route:
                    id: xml-safety-to-json
                    from:
                      uri: "jms:queue:xmlsafe.to-json"
                      steps:
                        - to: "transformer:order-xml-to-json"
                        - to: "jms:queue:xmlsafe.to-json.out"
                - route:
                    id: xml-safety-from-json
                    from:
                      uri: "jms:queue:xmlsafe.from-json"
                      steps:
                        - to: "transformer:order-json-to-xml"
                        - to: "jms:queue:xmlsafe.from-json.out"
                """);
    }

    @AfterAll
    void tearDown() throws Exception {
        files().undeploy(FILE);
        dtdServer.stop(0);
        Files.deleteIfExists(secretFile);
    }

    /** The hostile documents, each an {@code <invoice country="…">} so the XPath route would route it if parsed. */
    private List<String[]> hostile() {
        String dtdUrl = "http://127.0.0.1:" + dtdServer.getAddress().getPort() + "/evil.dtd";
        String laughs = "<!DOCTYPE invoice [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
                + "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
                + "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
                + "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
                + "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
                + "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
                + "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">]>"
                + "<invoice country=\"DE\"><note>&lol9;</note></invoice>";
        return List.of(
                new String[]{"xxe-file", "<?xml version=\"1.0\"?><!DOCTYPE invoice [<!ENTITY xxe SYSTEM \""
                        + secretFile.toUri() + "\">]><invoice country=\"DE\"><note>&xxe;</note></invoice>"},
                new String[]{"external-dtd", "<?xml version=\"1.0\"?><!DOCTYPE invoice SYSTEM \"" + dtdUrl
                        + "\"><invoice country=\"DE\"><note>&remote;</note></invoice>"},
                new String[]{"parameter-entity", "<?xml version=\"1.0\"?><!DOCTYPE invoice [<!ENTITY % ext SYSTEM \""
                        + dtdUrl + "\"> %ext;]><invoice country=\"DE\"><note>&remote;</note></invoice>"},
                new String[]{"billion-laughs", laughs});
    }

    @Test
    void xmlToJsonTransformerRefusesEntitiesAndDtds() throws Exception {
        assertRefused("xmlsafe.to-json", "xml-safety-to-json", "xmlsafe.to-json.out",
                "order-xml-to-json: body is not well-formed XML: Undeclared general entity");
    }

    @Test
    void xpathRoutingRefusesEntitiesAndDtds() throws Exception {
        // The shipped content-based router on XML (routes/invoices-by-country.camel.yaml).
        assertRefused("invoices", "invoices-by-country", "invoices.de", "DOCTYPE is disallowed");
        try (Jms app = connect("app")) {
            assertThat(app.receive("invoices.eu", 200)).as("nothing routed to invoices.eu either").isNull();
        }
    }

    private void assertRefused(String queue, String routeId, String output, String reason) throws Exception {
        try (Jms app = connect("app"); Jms operator = connect("operator")) {
            for (String[] doc : hostile()) {
                app.sendText(queue, doc[1], "XmlCase", doc[0]);
            }
            SimpleString dlq = SimpleString.of("DLQ." + queue);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var q = embeddedBroker.server().locateQueue(dlq);
                return q != null && q.getMessageCount() >= hostile().size();
            });
            for (String[] doc : hostile()) {
                Message dead = deadLetter(operator, queue, doc[0]);
                assertThat(dead).as(doc[0] + " dead-lettered").isNotNull();
                assertThat(dead.getStringProperty(DeadLetterHeaders.ROUTE_ID)).isEqualTo(routeId);
                String message = dead.getStringProperty(DeadLetterHeaders.EXCEPTION_MESSAGE);
                assertThat(message).as(doc[0]).contains(reason).doesNotContain(SECRET);
                assertThat(Jms.text(dead)).as(doc[0] + " body kept as sent").isEqualTo(doc[1]);
            }
            assertThat(app.receive(output, 200)).as("nothing hostile got through to " + output).isNull();
        }
        assertThat(dtdRequests.get()).as("requests to the external DTD server").isZero();
    }

    private static Message deadLetter(Jms operator, String queue, String xmlCase) throws Exception {
        try (MessageConsumer consumer = operator.session().createConsumer(
                operator.session().createQueue("DLA::DLQ." + queue), "XmlCase = '" + xmlCase + "'")) {
            return consumer.receive(5_000);
        }
    }

    @Test
    void jsonToXmlEscapesMarkupInValues() throws Exception {
        String hostileValue = "<!DOCTYPE x [<!ENTITY e SYSTEM \"" + secretFile.toUri() + "\">]>&e;</order>";
        try (Jms app = connect("app")) {
            app.sendText("xmlsafe.from-json", new com.fasterxml.jackson.databind.ObjectMapper()
                    .writeValueAsString(java.util.Map.of("note", hostileValue)));
            Message out = app.receive("xmlsafe.from-json.out", 10_000);
            assertThat(out).isNotNull();
            String xml = Jms.text(out);
            assertThat(xml).doesNotContain("<!DOCTYPE").doesNotContain("<!ENTITY").contains("&lt;!DOCTYPE");
            // A strict reader (no DTDs at all) reads the value back as plain text: the markup stayed data.
            DocumentBuilderFactory strict = DocumentBuilderFactory.newInstance();
            strict.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            strict.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            Document parsed = strict.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
            assertThat(parsed.getDocumentElement().getElementsByTagName("note").item(0).getTextContent())
                    .isEqualTo(hostileValue);
        }
    }
}
