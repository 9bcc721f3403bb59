package io.relata.internal.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.relata.dialect.Dialect;
import io.relata.dialect.Dialects;
import io.relata.internal.exec.Binder;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.meta.Relationship;
import io.relata.internal.schema.Catalog;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import io.relata.tck.EagerLoadingFixtures.Dog;
import io.relata.tck.EagerLoadingFixtures.User;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Renders joins without a database: aliases per path, the ON clause (key match, polymorphic type, soft-delete
 * scope, user condition), and the {@code Rel__col} column aliases.
 */
class JoinPlanUnitTests {

    private static List<Relationship> path(EntityMeta<?> meta, String path) {
        List<Relationship> out = new ArrayList<>();
        EntityMeta<?> current = meta;
        for (String name : path.split("\\.")) {
            Relationship r = current.requireRelationship(name);
            out.add(r);
            current = r.target();
        }
        return out;
    }

    /** A binder whose catalog has read nothing: every column has the type migrate gives it. */
    private static Binder binder(Dialect dialect) {
        return new Binder(dialect, ZoneOffset.UTC, new Catalog(dialect));
    }

    private static Sql joins(Dialect dialect, EntityMeta<?> meta, boolean unscoped, JoinSpec... specs) {
        JoinPlan<?> plan = JoinPlan.of(binder(dialect), meta, List.of(specs), unscoped);
        SqlBuilder sql = new SqlBuilder(dialect);
        plan.renderJoins(sql);
        return sql.build();
    }

    @Test
    void nestedChainKeepsTableNamesWhenEachTableOccursOnce() {
        EntityMeta<User> users = Metadata.resolved(User.class);
        Sql sql = joins(Dialects.postgres(), users, false, new JoinSpec(path(users, "account.bank"), null, false));
        assertThat(sql.text()).isEqualTo(" LEFT JOIN \"accounts\" ON \"accounts\".\"user_id\" = \"users\".\"id\""
                + " AND \"accounts\".\"deleted_at\" IS NULL"
                + " LEFT JOIN \"banks\" ON \"accounts\".\"bank_id\" = \"banks\".\"id\"");
        assertThat(sql.binds()).isEmpty();
    }

    @Test
    void selfReferenceIsAliasedByPath() {
        EntityMeta<User> users = Metadata.resolved(User.class);
        Sql sql = joins(Dialects.mariadb(), users, true, new JoinSpec(path(users, "manager.manager"), null, true));
        assertThat(sql.text()).isEqualTo(" INNER JOIN `users` `manager` ON `users`.`manager_id` = `manager`.`id`"
                + " INNER JOIN `users` `manager__manager` ON `manager`.`manager_id` = `manager__manager`.`id`");
    }

    @Test
    void polymorphicTypeAndConditionGoIntoTheOnClause() {
        EntityMeta<Dog> dogs = Metadata.resolved(Dog.class);
        Sql sql = joins(Dialects.h2(), dogs, false,
                new JoinSpec(path(dogs, "toy"), Fragment.of("toys.name <> ?", "x'; DROP TABLE dogs; --"), false));
        assertThat(sql.text()).isEqualTo(" LEFT JOIN \"TOYS\" ON \"TOYS\".\"OWNER_ID\" = \"DOGS\".\"ID\""
                + " AND \"TOYS\".\"OWNER_TYPE\" = $1 AND \"TOYS\".\"DELETED_AT\" IS NULL AND (toys.name <> $2)");
        assertThat(sql.binds()).extracting(b -> b.value()).containsExactly("dogs", "x'; DROP TABLE dogs; --");
    }

    @Test
    void joinedColumnsAreAliasedByPath() {
        EntityMeta<User> users = Metadata.resolved(User.class);
        JoinPlan<User> plan = JoinPlan.of(binder(Dialects.postgres()), users,
                List.of(new JoinSpec(path(users, "creditCard"), null, false),
                        new JoinSpec(path(users, "account.bank"), null, false)), false);
        SqlBuilder sql = new SqlBuilder(Dialects.postgres());
        plan.renderColumns(sql);
        assertThat(sql.build().text())
                .contains(", \"credit_cards\".\"number\" AS \"creditCard__number\"")
                .contains(", \"accounts\".\"bank_id\" AS \"account__bank_id\"")
                .contains(", \"banks\".\"name\" AS \"account__bank__name\"");
    }

    @Test
    void onH2JoinedColumnAliasesAreLeftForH2ToUpperCase() {
        // r2dbc-h2 upper-cases every column label of every row: an alias H2 stores upper-cased costs nothing there.
        EntityMeta<User> users = Metadata.resolved(User.class);
        JoinPlan<User> plan = JoinPlan.of(binder(Dialects.h2()), users,
                List.of(new JoinSpec(path(users, "creditCard"), null, false)), false);
        SqlBuilder sql = new SqlBuilder(Dialects.h2());
        plan.renderColumns(sql);
        assertThat(sql.build().text()).contains(", \"CREDIT_CARDS\".\"NUMBER\" AS creditCard__number");
        assertThat(Dialects.h2().columnAlias("select")).isEqualTo("\"SELECT\"");
        assertThat(Dialects.h2().columnAlias("a b__c")).isEqualTo("\"A B__C\"");
    }

    public static class Owner {
        Long id;
        @io.relata.annotation.HasOne(foreignKey = "ownerName")
        Item item;
    }

    public static class Item {
        Long id;
        String ownerName;
    }

    @Test
    void keysOfDifferentTypeFamiliesAreComparedAsText() {
        Dialect dialect = Dialects.postgres();
        Catalog catalog = new Catalog(dialect);
        // What PostgreSQL's catalog says of a legacy schema: a varchar foreign key holding the owners' bigint ids.
        catalog.load(List.of("owners", "items"), query -> reactor.core.publisher.Flux.fromIterable(
                query.text().contains("format_type") ? List.<Object[]>of(
                        new Object[] {"owners", "id", "bigint", "NO"},
                        new Object[] {"items", "id", "bigint", "NO"},
                        new Object[] {"items", "owner_name", "character varying(20)", "YES"}) : List.<Object[]>of()))
                .block();
        EntityMeta<Owner> owners = Metadata.resolved(Owner.class);
        JoinPlan<Owner> plan = JoinPlan.of(new Binder(dialect, ZoneOffset.UTC, catalog), owners,
                List.of(new JoinSpec(path(owners, "item"), null, false)), false);
        SqlBuilder sql = new SqlBuilder(dialect);
        plan.renderJoins(sql);

        assertThat(sql.build().text()).isEqualTo(" LEFT JOIN \"items\" ON \"items\".\"owner_name\" = "
                + "CAST(\"owners\".\"id\" AS VARCHAR)");
        assertThat(plan.tables()).containsExactly("owners", "items");
    }
}
