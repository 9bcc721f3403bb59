package io.relata.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exact SQL of {@link Dialect#insertIgnoringDuplicates}, the join-row insert of many-to-many associations, on
 * each built-in dialect; the integration suites run it against the databases.
 */
class InsertIgnoringDuplicatesUnitTests {

    private static final List<String> COLUMNS = List.of("user_id", "language_id");

    @Test
    void postgresSkipsExistingRowsOnConflict() {
        assertThat(Dialects.postgres().insertIgnoringDuplicates("user_languages", COLUMNS, COLUMNS, List.of(), 2))
                .isEqualTo("INSERT INTO \"user_languages\" (\"user_id\", \"language_id\") VALUES (?, ?), (?, ?) "
                        + "ON CONFLICT (\"user_id\", \"language_id\") DO NOTHING");
        assertThat(Dialects.postgres().insertIgnoringDuplicates("person_addresses",
                List.of("person_id", "address_id", "deleted_at"), List.of("person_id", "address_id"),
                List.of("deleted_at"), 1))
                .isEqualTo("INSERT INTO \"person_addresses\" (\"person_id\", \"address_id\", \"deleted_at\") "
                        + "VALUES (?, ?, ?) ON CONFLICT (\"person_id\", \"address_id\") "
                        + "DO UPDATE SET \"deleted_at\" = EXCLUDED.\"deleted_at\"");
    }

    @Test
    void h2MergesWithoutTouchingExistingRows() {
        assertThat(Dialects.h2().insertIgnoringDuplicates("user_languages", COLUMNS, COLUMNS, List.of(), 2))
                .isEqualTo("MERGE INTO \"USER_LANGUAGES\" USING (VALUES (?, ?), (?, ?)) AS \"S\" (\"USER_ID\", "
                        + "\"LANGUAGE_ID\") ON \"USER_LANGUAGES\".\"USER_ID\" = \"S\".\"USER_ID\" AND "
                        + "\"USER_LANGUAGES\".\"LANGUAGE_ID\" = \"S\".\"LANGUAGE_ID\" WHEN NOT MATCHED THEN INSERT "
                        + "(\"USER_ID\", \"LANGUAGE_ID\") VALUES (\"S\".\"USER_ID\", \"S\".\"LANGUAGE_ID\")");
        assertThat(Dialects.h2().insertIgnoringDuplicates("j", List.of("a", "b", "d"), List.of("a", "b"),
                List.of("d"), 1))
                .contains(" WHEN MATCHED THEN UPDATE SET \"D\" = \"S\".\"D\" WHEN NOT MATCHED THEN INSERT ");
    }

    @Test
    void mariaDbUpdatesOnDuplicateKeyRatherThanIgnoringErrors() {
        assertThat(Dialects.mariadb().insertIgnoringDuplicates("user_languages", COLUMNS, COLUMNS, List.of(), 1))
                .isEqualTo("INSERT INTO `user_languages` (`user_id`, `language_id`) VALUES (?, ?) "
                        + "ON DUPLICATE KEY UPDATE `user_id` = `user_id`");
        assertThat(Dialects.mariadb().insertIgnoringDuplicates("j", List.of("a", "b", "d"), List.of("a", "b"),
                List.of("d"), 1))
                .endsWith(" ON DUPLICATE KEY UPDATE `d` = VALUES(`d`)");
    }

    static Stream<Dialect> dialects() {
        return Stream.of(Dialects.postgres(), Dialects.h2(), Dialects.mariadb());
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void oneMarkerPerColumnPerRow(Dialect dialect) {
        String sql = dialect.insertIgnoringDuplicates("t", List.of("a", "b", "c"), List.of("a"), List.of(), 4);
        assertThat(sql.chars().filter(c -> c == '?').count()).isEqualTo(12);
    }

    @ParameterizedTest
    @MethodSource("dialects")
    void rejectsAnEmptyInsert(Dialect dialect) {
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.insertIgnoringDuplicates("t", COLUMNS, COLUMNS,
                List.of(), 0));
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.insertIgnoringDuplicates("t", List.of(),
                COLUMNS, List.of(), 1));
        assertThatIllegalArgumentException().isThrownBy(() -> dialect.insertIgnoringDuplicates("t", COLUMNS,
                List.of(), List.of(), 1));
    }
}
