package dev.caravan.transform;

/** A named message transformation from {@code transformers/<name>/}: text in, text out. */
public interface Transformer {

    String name();

    /** Transforms one message body; a body the mapping cannot handle is a {@link TransformException}. */
    String apply(String input) throws TransformException;

    /** The content type of what {@link #apply} returns. */
    String outputContentType();
}
