package dev.caravan.console;

import java.net.URI;
import java.util.Locale;

/**
 * Refuses cross-site calls to the console's Jolokia endpoints. The console logs in with HTTP basic authentication,
 * which a browser repeats on every request to the same host, including those a foreign page makes it send (a form
 * posted or an image loaded from another site): without this check such a page could start, stop or purge things
 * with an operator's login. Requests from non-browser clients (curl, scripts) carry neither header and pass.
 */
final class SameOriginGuard {

    private SameOriginGuard() {
    }

    /**
     * Why the request is refused, or null when it may pass.
     *
     * @param host the request's {@code Host} header
     * @param origin its {@code Origin} header, null when absent
     * @param fetchSite its {@code Sec-Fetch-Site} header, null when absent (older browsers, non-browser clients)
     */
    static String refusal(String host, String origin, String fetchSite) {
        if (fetchSite != null) {
            String site = fetchSite.trim().toLowerCase(Locale.ROOT);
            // "none": typed into the address bar or opened from a bookmark, which no other site can cause.
            if (!site.equals("same-origin") && !site.equals("none")) {
                return "cross-site request refused (Sec-Fetch-Site: " + site + ")";
            }
        }
        if (origin != null && !sameHost(origin, host)) {
            return "cross-origin request refused (Origin: " + origin + ")";
        }
        return null;
    }

    private static boolean sameHost(String origin, String host) {
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null) {
                return false;
            }
            String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return authority.equalsIgnoreCase(host) || uri.getPort() < 0 && defaultPort(uri.getScheme(), host, uri);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code Origin: http://example.org} against {@code Host: example.org:80}. */
    private static boolean defaultPort(String scheme, String host, URI origin) {
        String port = "https".equalsIgnoreCase(scheme) ? "443" : "80";
        return (origin.getHost() + ":" + port).equalsIgnoreCase(host);
    }
}
