package io.relata.internal.repo;

import io.relata.Association;
import io.relata.AssociationException;
import io.relata.Query;
import io.relata.Repository;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.JoinTable;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.meta.Types;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.save.Cascade;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import io.relata.internal.sql.Statements;
import io.relata.spi.Operation.Kind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The implementation of {@link Repository}: argument checks happen in the calling thread, SQL runs on
 * subscription.
 *
 * @param <T> the entity type
 */
public final class DefaultRepository<T> implements Repository<T> {

    private final Session session;

    private final EntityMeta<T> meta;

    private final boolean unscoped;

    private final Set<String> omit;

    /**
     * Creates a repository.
     *
     * @param session the session
     * @param meta the entity, relationships resolved
     * @param unscoped whether soft-deleted rows are visible and deletes are hard
     * @param omit lower-case association names saves skip
     */
    public DefaultRepository(Session session, EntityMeta<T> meta, boolean unscoped, Set<String> omit) {
        this.session = session;
        this.meta = meta;
        this.unscoped = unscoped;
        this.omit = Set.copyOf(omit);
    }

    @Override
    public Mono<T> save(T entity) {
        Objects.requireNonNull(entity, "entity must not be null");
        return this.session.observe(Kind.SAVE, this.meta.type(), saveBatch(List.of(entity)).then(Mono.just(entity)));
    }

    private Mono<Void> saveBatch(List<T> entities) {
        if (entities.size() == 1 && !cascades(entities.get(0))) {
            // One row and nothing to cascade: no transaction needed.
            return Mono.defer(() -> new Cascade(this.session, this.omit).saveRoots(this.meta, entities));
        }
        return this.session.transaction(tx -> new Cascade(tx, this.omit).saveRoots(this.meta, entities)).then();
    }

    private boolean cascades(T entity) {
        for (Relationship r : this.meta.relationships()) {
            if (!this.omit.contains(r.name().toLowerCase(Locale.ROOT)) && !r.targets(entity).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Flux<T> saveAll(Publisher<T> entities) {
        Objects.requireNonNull(entities, "entities must not be null");
        return this.session.observe(Kind.SAVE, this.meta.type(), this.session.transaction(tx -> Flux.from(entities)
                .doOnNext(e -> Objects.requireNonNull(e, "saveAll must not be given a null entity"))
                .buffer(Cascade.INSERT_BATCH)
                .concatMap(batch -> new Cascade(tx, this.omit).saveRoots(this.meta, batch)
                        .thenMany(Flux.fromIterable(batch)))));
    }

    @Override
    public Mono<T> findById(Object id) {
        Object key = key(id, "findById");
        // singleOrEmpty(), not next(): the query completes by itself, so its connection is back in the pool before
        // the entity is emitted, instead of being released asynchronously after a cancel.
        return query().where(idCondition(), Bind.column(key, this.meta.id())).flux().singleOrEmpty();
    }

    /**
     * An id converted exactly to the primary key's type, before any SQL: {@code findById(1.9)} found row 1 and
     * {@code deleteById(2.5)} deleted row 2 when ids were truncated (issue 9).
     */
    private Object key(Object id, String operation) {
        Objects.requireNonNull(id, "id must not be null");
        Property pk = this.meta.id();
        try {
            return Types.convert(id, pk.columnType());
        }
        catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(operation + "(" + id + "): a " + id.getClass().getName() + " is not a key"
                    + " of " + this.meta.type().getSimpleName() + ": its primary key " + pk + " (column "
                    + this.meta.table() + "." + pk.column() + ") is a " + pk.columnType().getName() + ", and "
                    + ex.getMessage(), ex);
        }
    }

    private String idCondition() {
        return this.session.dialect().quote(this.meta.table()) + "." + this.session.dialect().quote(this.meta.id().column())
                + " = ?";
    }

    private QuerySupport<T> query() {
        return QuerySupport.of(this.session, this.meta, this.unscoped);
    }

    @Override
    public Query<T> findAll() {
        return query();
    }

    @Override
    public Query<T> where(String condition, Object... args) {
        return query().where(condition, args);
    }

    @Override
    public Mono<Long> update(T entity, String field, Object value) {
        Objects.requireNonNull(entity, "entity must not be null");
        Objects.requireNonNull(field, "field must not be null");
        Property property = this.meta.requireProperty(field);
        if (property.equals(this.meta.id())) {
            throw new IllegalArgumentException("update cannot change the primary key " + property
                    + "; save a new entity instead");
        }
        Object converted;
        try {
            // In the instance's zone: a LocalDateTime given for an Instant field is a wall time there.
            converted = value == null ? null : this.session.binder().conversions().convert(value, property.type());
        }
        catch (IllegalArgumentException ex) {
            // Exact or rejected, before any SQL: 3.9 into an int field was stored as 3 (issue 9).
            throw new IllegalArgumentException("update(" + this.meta.type().getSimpleName() + ", \"" + field + "\"): a "
                    + value.getClass().getName() + " (" + value + ") cannot be set on " + property + " (column "
                    + this.meta.table() + "." + property.column() + ", a " + property.type().getTypeName() + "): "
                    + ex.getMessage(), ex);
        }
        if (converted == null && property.primitive()) {
            throw new IllegalArgumentException("Cannot set primitive field " + property + " to null");
        }
        requireKey(entity);
        SqlBuilder sql = new SqlBuilder(this.session.dialect()).sql("UPDATE ").id(this.meta.table()).sql(" SET ")
                .id(property.column()).sql(" = ").bind(converted, property)
                .sql(" WHERE ").id(this.meta.id().column()).sql(" = ");
        Statements.bindProperty(sql, this.meta.id(), entity);
        Sql statement = sql.build();
        return this.session.observe(Kind.UPDATE, this.meta.type(),
                this.session.update(statement).doOnNext(rows -> property.set(entity, converted)));
    }

    private void requireKey(T entity) {
        if (this.meta.isNew(entity)) {
            throw new AssociationException(this.meta.type().getSimpleName() + " has no primary key ("
                    + this.meta.id().name() + " is " + this.meta.id().get(entity) + "): save it first");
        }
    }

    @Override
    public Mono<Long> delete(T entity, String... associations) {
        Objects.requireNonNull(entity, "entity must not be null");
        List<Relationship> owned = new ArrayList<>();
        for (String name : associations) {
            Relationship r = this.meta.requireRelationship(name);
            if (r.belongsTo()) {
                throw new IllegalArgumentException("delete(entity, \"" + name + "\"): " + r.name() + " is a belongs-to "
                        + "of " + this.meta.type().getSimpleName() + "; only the rows an entity owns (has-one, has-many, "
                        + "many-to-many join rows) can be deleted with it (such associations: " + ownedNames() + ")");
            }
            owned.add(r);
        }
        requireKey(entity);
        Object key = this.meta.id().get(entity);
        Sql owner = Statements.delete(this.session.dialect(), this.meta, this.unscoped,
                sql -> sql.id(this.meta.id().column()).sql(" = ").bind(key, this.meta.id()));
        if (owned.isEmpty()) {
            return this.session.observe(Kind.DELETE, this.meta.type(), this.session.update(owner));
        }
        List<Sql> children = new ArrayList<>();
        for (Relationship r : owned) {
            children.add(r.manyToMany() ? joinRows(r, entity) : Statements.delete(this.session.dialect(), r.target(),
                    this.unscoped, sql -> Statements.hasOneTargets(sql, r, r.references().getColumnValue(entity))));
        }
        // single(), not next(): next() cancels the transaction's Flux after its element, which rolls it back.
        return this.session.observe(Kind.DELETE, this.meta.type(),
                this.session.transaction(tx -> tx.updateAll(children).then(tx.update(owner))).single());
    }

    /**
     * GORM's {@code Select("Languages").Delete(&user)} removes only the join rows: the languages stay, since other
     * users may speak them. A soft-deletable join entity's rows are soft-deleted unless unscoped.
     */
    private Sql joinRows(Relationship r, T entity) {
        JoinTable j = r.joinTable();
        Object key = r.foreignKey().getColumnValue(entity);
        java.util.function.Consumer<SqlBuilder> where = sql -> sql.column(j.table(), j.ownerColumn()).sql(" = ")
                .bind(key, r.foreignKey());
        if (j.softDelete() && !this.unscoped) {
            return Statements.delete(this.session.dialect(), j.entity(), false, where);
        }
        SqlBuilder sql = new SqlBuilder(this.session.dialect()).sql("DELETE FROM ").id(j.table()).sql(" WHERE ");
        where.accept(sql);
        return sql.build();
    }

    private List<String> ownedNames() {
        List<String> names = new ArrayList<>();
        for (Relationship r : this.meta.relationships()) {
            if (!r.belongsTo()) {
                names.add(r.name());
            }
        }
        return names;
    }

    @Override
    public Mono<Long> deleteById(Object id) {
        Object key = key(id, "deleteById");
        Sql sql = Statements.delete(this.session.dialect(), this.meta, this.unscoped,
                b -> b.id(this.meta.id().column()).sql(" = ").bind(key, this.meta.id()));
        return this.session.observe(Kind.DELETE, this.meta.type(), this.session.update(sql));
    }

    @Override
    public Repository<T> omit(String... associations) {
        Set<String> names = new HashSet<>(this.omit);
        for (String name : associations) {
            names.add(this.meta.requireRelationship(name).name().toLowerCase(Locale.ROOT));
        }
        return new DefaultRepository<>(this.session, this.meta, this.unscoped, names);
    }

    @Override
    public Repository<T> unscoped() {
        return new DefaultRepository<>(this.session, this.meta, true, this.omit);
    }

    @Override
    public <A> Association<A> association(T owner, String name) {
        Objects.requireNonNull(owner, "owner must not be null");
        Relationship r = this.meta.requireRelationship(name);
        Association<A> association = r.toMany() ? new ToManyAssociation<>(this.session, r, List.of(owner), this.unscoped)
                : new AssociationSupport<>(this.session, this.meta, r, owner, this.unscoped);
        return observed(association, r);
    }

    @Override
    public <A> Association<A> association(Collection<? extends T> owners, String name) {
        Objects.requireNonNull(owners, "owners must not be null");
        Relationship r = this.meta.requireRelationship(name);
        List<Object> checked = new ArrayList<>(owners.size());
        for (T owner : owners) {
            checked.add(Objects.requireNonNull(owner, "owners must not contain null"));
        }
        if (checked.isEmpty()) {
            throw new IllegalArgumentException("association(owners, \"" + name + "\") needs at least one owner");
        }
        Association<A> association;
        if (r.toMany()) {
            association = new ToManyAssociation<>(this.session, r, checked, this.unscoped);
        }
        else {
            association = checked.size() == 1
                    ? new AssociationSupport<>(this.session, this.meta, r, checked.get(0), this.unscoped)
                    : new ToOneAssociations<>(this.session, this.meta, r, checked, this.unscoped);
        }
        return observed(association, r);
    }

    private <A> Association<A> observed(Association<A> association, Relationship r) {
        return this.session.observed() ? new ObservedAssociation<>(association, this.session, this.meta.type(), r.name())
                : association;
    }
}
