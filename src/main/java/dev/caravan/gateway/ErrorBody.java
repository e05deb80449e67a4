package dev.caravan.gateway;

/** The JSON body of every error answer of Caravan's HTTP API: {@code {"error": "..."}}. */
public record ErrorBody(String error) {
}
