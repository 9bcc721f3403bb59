package io.relata.internal.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.relata.dialect.Dialect;
import io.relata.dialect.Dialects;
import io.relata.internal.exec.Binder;
import io.relata.internal.exec.Session;
import io.relata.internal.exec.Supervisor;
import io.relata.internal.schema.Catalog;
import java.time.Duration;
import java.time.ZoneOffset;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Metadata;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Sql;
import io.relata.tck.HasManyTck;
import io.relata.tck.ToManyPreloadTck.Item;
import io.relata.tck.ToManyPreloadTck.Language;
import io.relata.tck.ToManyPreloadTck.Order;
import io.relata.tck.ToManyPreloadTck.User;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The exact statements of to-many preloads, without a database: has-many in primary-key order, many-to-many joining
 * its join table, the polymorphic type, conditions, and the per-owner window of a limit.
 */
class PreloadSqlUnitTests {

    /** Renders statements only; a query that ran would fail loudly here. */
    private static final ConnectionFactory NOT_CONNECTED = new ConnectionFactory() {
        @Override
        public Publisher<? extends Connection> create() {
            return Mono.error(new IllegalStateException("a rendering test must not connect"));
        }

        @Override
        public ConnectionFactoryMetadata getMetadata() {
            return () -> "none";
        }
    };

    /** A session that renders statements only, as the replica unit tests make one. */
    private static Session session(Dialect dialect) {
        Supervisor supervisor = new Supervisor(dialect, Duration.ZERO, Duration.ZERO, Duration.ZERO, null, false, 1);
        return Session.pooled(dialect, NOT_CONNECTED, NOT_CONNECTED, sql -> { }, 1000, 2, supervisor,
                new Binder(dialect, ZoneOffset.UTC, new Catalog(dialect)));
    }

    @SuppressWarnings("unchecked")
    private static List<Sql> render(Dialect dialect, Class<?> owner, String name, UnaryOperator<QuerySupport<Object>> q,
            List<Object> keys) {
        Session session = session(dialect);
        Relationship r = Metadata.resolved(owner).requireRelationship(name);
        QuerySupport<Object> query = q.apply(QuerySupport.of(session, (EntityMeta<Object>) r.target(), false));
        return PreloadFetch.statements(dialect, r, query, keys, Long.class);
    }

    @Test
    void hasManyIsOneStatementInPrimaryKeyOrder() {
        List<Sql> sql = render(Dialects.postgres(), User.class, "orders", q -> q, List.of(1L, 2L));
        assertThat(sql).singleElement().satisfies(s -> {
            assertThat(s.text()).isEqualTo("SELECT \"orders\".\"id\", \"orders\".\"user_id\", \"orders\".\"number\", "
                    + "\"orders\".\"created_at\", \"orders\".\"deleted_at\" FROM \"orders\" WHERE \"orders\"."
                    + "\"deleted_at\" IS NULL AND (\"orders\".\"user_id\" = ANY($1)) ORDER BY \"orders\".\"id\"");
            assertThat(s.binds()).extracting(Bind::value).singleElement().isInstanceOf(Long[].class);
        });
    }

    @Test
    void manyToManyJoinsItsJoinTableAndReadsTheOwnerKeyLast() {
        List<Sql> sql = render(Dialects.mariadb(), User.class, "languages", q -> q.where("name <> ?", "x"),
                List.of(1L, 2L, 3L));
        assertThat(sql).singleElement().extracting(Sql::text).isEqualTo("SELECT `languages`.`id`, "
                + "`languages`.`name`, `user_languages`.`user_id` FROM `languages` INNER JOIN `user_languages` ON "
                + "`user_languages`.`language_id` = `languages`.`id` WHERE (`user_languages`.`user_id` IN (?, ?, ?, ?)) "
                + "AND (name <> ?) ORDER BY `languages`.`id`");
        Relationship r = Metadata.resolved(User.class).requireRelationship("languages");
        assertThat(PreloadSql.ownerKeyIndex(r)).isEqualTo(Metadata.resolved(Language.class).properties().size());
    }

    @Test
    void aLimitIsAWindowPerOwner() {
        List<Sql> sql = render(Dialects.h2(), User.class, "orders",
                q -> q.orderBy("created_at DESC").offset(1).limit(3), List.of(7L));
        assertThat(sql).singleElement().extracting(Sql::text).isEqualTo("SELECT * FROM (SELECT \"ORDERS\".\"ID\", "
                + "\"ORDERS\".\"USER_ID\", \"ORDERS\".\"NUMBER\", \"ORDERS\".\"CREATED_AT\", \"ORDERS\".\"DELETED_AT\", "
                + "ROW_NUMBER() OVER (PARTITION BY \"ORDERS\".\"USER_ID\" ORDER BY \"ORDERS\".\"CREATED_AT\" DESC, \"ORDERS\".\"ID\") "
                + "AS \"RELATA_RN\" FROM \"ORDERS\" WHERE \"ORDERS\".\"DELETED_AT\" IS NULL AND (\"ORDERS\".\"USER_ID\" "
                + "= $1)) \"RELATA_P\" WHERE \"RELATA_P\".\"RELATA_RN\" > 1 AND \"RELATA_P\".\"RELATA_RN\" <= 4 "
                + "ORDER BY \"RELATA_P\".\"RELATA_RN\"");
    }

    @Test
    void toOnePreloadsUseTheQueryItselfUnlessLimited() {
        Session session = session(Dialects.h2());
        Relationship product = Metadata.resolved(Item.class).requireRelationship("product");
        @SuppressWarnings("unchecked")
        QuerySupport<Object> query = QuerySupport.of(session, (EntityMeta<Object>) product.target(), false);
        assertThat(PreloadSql.needed(product, query)).isFalse();
        assertThat(PreloadSql.needed(product, query.limit(1))).isTrue();
        assertThat(PreloadSql.needed(product, query.offset(2))).isTrue();
        assertThat(PreloadSql.needed(Metadata.resolved(Order.class).requireRelationship("items"), query)).isTrue();
    }

    @Test
    void polymorphicHasManyFiltersByTheOwnerType() {
        List<Sql> sql = render(Dialects.postgres(), HasManyTck.Polymorphic.Cat.class, "toys", q -> q, List.of(1L));
        assertThat(sql).singleElement().satisfies(s -> {
            assertThat(s.text()).endsWith("WHERE (\"toys\".\"owner_id\" = ANY($1)) AND (\"toys\".\"owner_type\" = $2) "
                    + "ORDER BY \"toys\".\"id\"");
            assertThat(s.binds().get(1).value()).isEqualTo("master");
        });
    }
}
