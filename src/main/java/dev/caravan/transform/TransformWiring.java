package dev.caravan.transform;

import java.nio.file.Path;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The transformer registry over {@code caravan.transformers.dir}, the {@code transformer:} component routes use, and
 * the {@code jsonpath} language their predicates use.
 */
@Singleton
public class TransformWiring {

    @ConfigProperty(name = "caravan.transformers.dir", defaultValue = "transformers")
    String dir;

    @Produces
    @Singleton
    public TransformerRegistry registry() {
        return new TransformerRegistry(Path.of(dir));
    }

    @Produces
    @Singleton
    @Named("transformer")
    public TransformerComponent component(TransformerRegistry registry) {
        return new TransformerComponent(registry);
    }

    /** Camel's {@code jsonpath} language with one parse of a JSON body per exchange for its predicates. */
    @Produces
    @Singleton
    @Named("jsonpath")
    public CaravanJsonPathLanguage jsonPathLanguage() {
        return new CaravanJsonPathLanguage();
    }
}
