package dev.caravan.transform;

/** A named message transformation from {@code transformers/<name>/}: text in, text out. */
public interface Transformer {

    String name();

    /** Transforms one message body; a body the mapping cannot handle is a {@link TransformException}. */
    String apply(String input) throws TransformException;

    /**
     * Transforms a JSON body that an earlier step of the same exchange already parsed into maps and lists
     * ({@link ParsedJson}) — the same output as {@link #apply} on the body's text — or {@code null} when this
     * transformer takes its input only as text.
     */
    default String applyParsed(Object tree) throws TransformException {
        return null;
    }

    /** The content type of what {@link #apply} returns. */
    String outputContentType();
}
