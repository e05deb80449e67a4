package dev.caravan.routing;

import org.apache.camel.Converter;
import org.apache.camel.component.http.HttpMethods;

/**
 * String to {@link HttpMethods} for the {@code http} producer, which reads the {@code CamelHttpMethod} header (a String
 * set by {@code platform-http}) as that enum on every request. Without a converter of its own Camel resolves the
 * conversion through its generic enum fallback, and that lookup is not cached: profiled as about 40 % of the CPU of
 * an HTTP pass-through route (benchmark (h)). Camel Quarkus registers this class at build time.
 */
@Converter
public final class HttpMethodConverter {

    private HttpMethodConverter() {
    }

    @Converter
    public static HttpMethods toHttpMethod(String method) {
        return HttpMethods.valueOf(method.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
