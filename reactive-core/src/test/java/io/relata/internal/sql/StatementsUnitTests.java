package io.relata.internal.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.dialect.Dialects;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.meta.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatementsUnitTests {

    static class Card {
        Long id;
        String number;
        Long userId;

        Card(String number, Long userId) {
            this.number = number;
            this.userId = userId;
        }

        Card() {
        }
    }

    private static List<Property> columns(EntityMeta<Card> meta) {
        List<Property> columns = new ArrayList<>(meta.properties());
        columns.remove(meta.id());
        return columns;
    }

    @Test
    void anArrayInsertBindsOneArrayPerColumnWithOneTextForAnyNumberOfRows() {
        EntityMeta<Card> meta = Metadata.of(Card.class);
        List<Property> columns = columns(meta);
        List<String> types = columns.stream().map(p -> p.name().equals("number") ? "text" : "int8").toList();
        Sql three = Statements.insertArrays(Dialects.postgres(), meta, columns, types,
                List.of(new Card("a", 1L), new Card(null, 2L), new Card("c", null)));
        assertThat(three.text()).isEqualTo("INSERT INTO \"cards\" (\"number\", \"user_id\") SELECT c0, c1 FROM "
                + "unnest($1::text[], $2::int8[]) WITH ORDINALITY AS r(c0, c1, n) ORDER BY n");
        assertThat(three.binds()).extracting(Bind::value).containsExactly(
                new ColumnValues(Arrays.asList("a", null, "c")), new ColumnValues(Arrays.asList(1L, 2L, null)));
        assertThat(three.binds()).extracting(Bind::column).containsExactlyElementsOf(columns);
        Sql one = Statements.insertArrays(Dialects.postgres(), meta, columns, types, List.of(new Card("a", 1L)));
        assertThat(one.text()).isEqualTo(three.text());
    }

    @Test
    void aValuesInsertListsEveryRow() {
        EntityMeta<Card> meta = Metadata.of(Card.class);
        Sql sql = Statements.insert(Dialects.mariadb(), meta, columns(meta),
                List.of(new Card("a", 1L), new Card("b", 2L)));
        assertThat(sql.text()).isEqualTo("INSERT INTO `cards` (`number`, `user_id`) VALUES (?, ?), (?, ?)");
        assertThat(sql.binds()).extracting(Bind::value).containsExactly("a", 1L, "b", 2L);
    }
}
