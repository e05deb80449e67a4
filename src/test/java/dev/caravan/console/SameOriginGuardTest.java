package dev.caravan.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which requests the console's Jolokia takes: the console's own, and those of clients that are not browsers. */
class SameOriginGuardTest {

    @Test
    void theConsolesOwnRequestsPass() {
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", "http://127.0.0.1:8080", "same-origin")).isNull();
        assertThat(SameOriginGuard.refusal("caravan.example.org", "https://caravan.example.org", "same-origin"))
                .isNull();
        assertThat(SameOriginGuard.refusal("caravan.example.org:443", "https://caravan.example.org", null)).isNull();
        assertThat(SameOriginGuard.refusal("localhost:8080", "http://LOCALHOST:8080", null)).isNull();
    }

    @Test
    void clientsThatAreNotBrowsersPass() {
        // curl and scripts send neither Origin nor Sec-Fetch-Site; a typed-in address is Sec-Fetch-Site: none.
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", null, null)).isNull();
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", null, "none")).isNull();
    }

    @Test
    void requestsOtherSitesMakeTheBrowserSendAreRefused() {
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", "http://evil.example", null)).contains("cross-origin");
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", "http://127.0.0.1:9090", null)).contains("cross-origin");
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", "null", null)).contains("cross-origin");
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", "not a url", null)).contains("cross-origin");
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", null, "cross-site")).contains("cross-site");
        assertThat(SameOriginGuard.refusal("127.0.0.1:8080", null, "same-site")).contains("same-site");
        assertThat(SameOriginGuard.refusal(null, "http://127.0.0.1:8080", null)).contains("cross-origin");
    }
}
