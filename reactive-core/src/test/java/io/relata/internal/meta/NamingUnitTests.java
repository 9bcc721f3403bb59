package io.relata.internal.meta;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamingUnitTests {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "userId, user_id",
            "CompanyID, company_id",
            "UserRefer, user_refer",
            "HTTPURL, httpurl",
            "SHA256Hash, sha256_hash",
            "UUID, uuid",
            "CreditCard, credit_card",
            "name, name",
            "ownerType, owner_type",
            "a1B, a1_b"
    })
    void snakeCaseKeepsInitialismsTogether(String java, String snake) {
        assertThat(Naming.snake(java)).isEqualTo(snake);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "User, users",
            "CreditCard, credit_cards",
            "Person, people",
            "Company, companies",
            "ItemChild, item_children",
            "MigratePerson, migrate_people",
            "CProfile, c_profiles",
            "Box, boxes",
            "Status, statuses",
            "Wife, wives",
            "Wolf, wolves",
            "Analysis, analyses",
            "Toy, toys",
            "Day, days",
            "Quiz, quizzes",
            "Matrix, matrices",
            "Equipment, equipment",
            "Mouse, mice",
            "Dog, dogs",
            "Bus, buses",
            "Octopus, octopi",
            "Tomato, tomatoes",
            "Medium, media"
    })
    void tablesAreSnakeCasePluralsWithEnglishRules(String className, String table) {
        assertThat(Naming.plural(Naming.snake(className))).isEqualTo(table);
    }
}
