package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AotCacheTest {

    @Test
    void readsTheFeatureVersionOfAJdksReleaseFile() {
        assertThat(AotCache.featureVersion("IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n"))
                .isEqualTo(25);
        assertThat(AotCache.featureVersion("JAVA_VERSION=\"17.0.15\"\nOS_NAME=\"Linux\"\n")).isEqualTo(17);
        assertThat(AotCache.featureVersion("JAVA_VERSION=\"1.8.0_402\"\n")).isEqualTo(8);
        assertThat(AotCache.featureVersion("OS_NAME=\"Linux\"\n")).isZero();
    }
}
