package io.relata.internal.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relata.MappingException;
import org.junit.jupiter.api.Test;

class MetadataUnitTests {

    static class Outer {
        Long id;
        Long middleId;
        Middle middle;
    }

    static class Middle {
        Long id;
        Leaf leaf;
    }

    static class Leaf {
        Long id;
    }

    static class Cyclic {
        Long id;
        Long nextId;
        Cyclic next;
    }

    @Test
    void aBadMappingDeepInTheGraphFailsWhenTheRootIsResolved() {
        assertThat(Metadata.of(Outer.class).table()).isEqualTo("outers");
        assertThatThrownBy(() -> Metadata.resolved(Outer.class))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("Middle.leaf");
    }

    @Test
    void metadataIsBuiltOnceAndCyclesResolve() {
        EntityMeta<Cyclic> meta = Metadata.resolved(Cyclic.class);
        assertThat(Metadata.resolved(Cyclic.class)).isSameAs(meta);
        assertThat(meta.relationship("next").target()).isSameAs(meta);
        assertThat(meta.relationship("NEXT").hasOne()).isFalse();
    }
}
