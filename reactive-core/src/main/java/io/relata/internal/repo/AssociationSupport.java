package io.relata.internal.repo;

import io.relata.Association;
import io.relata.AssociationException;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.save.Cascade;
import io.relata.internal.sql.Bind;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import io.relata.internal.sql.Statements;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Association mode with GORM's semantics ({@code association.go}): unlinking sets the foreign key to
 * {@code NULL}; rows are deleted only when the repository is unscoped. The owner in memory is updated to match.
 * Changes run in one transaction.
 *
 * @param <A> the associated entity type
 */
final class AssociationSupport<A> implements Association<A> {

    private final Session session;

    private final EntityMeta<?> ownerMeta;

    private final Relationship relationship;

    private final Object owner;

    private final boolean unscoped;

    AssociationSupport(Session session, EntityMeta<?> ownerMeta, Relationship relationship, Object owner,
            boolean unscoped) {
        this.session = session;
        this.ownerMeta = ownerMeta;
        this.relationship = relationship;
        this.owner = owner;
        this.unscoped = unscoped;
    }

    /**
     * GORM's {@code ErrPrimaryKeyRequired} ({@code TestAssociationError}), as a signal of the returned publisher:
     * checked on subscription, before any statement.
     */
    Mono<Void> requireOwnerKey() {
        return Mono.defer(() -> {
            if (this.ownerMeta.isNew(this.owner)) {
                return Mono.error(new AssociationException("Association mode on " + this.relationship.owner().type()
                        .getSimpleName() + "." + this.relationship.name() + " needs an owner with a primary key ("
                        + this.ownerMeta.id().name() + " is " + this.ownerMeta.id().get(this.owner)
                        + "): save it first"));
            }
            return Mono.empty();
        });
    }

    @SuppressWarnings("unchecked")
    private QuerySupport<A> targets() {
        Relationship r = this.relationship;
        EntityMeta<A> target = (EntityMeta<A>) r.target();
        String table = this.session.dialect().quote(target.table());
        Object key = r.ownerKeyValue(this.owner);
        QuerySupport<A> q = QuerySupport.of(this.session, target, this.unscoped)
                .where(new Fragment(table + "." + this.session.dialect().quote(r.targetKey().column()) + " = ?",
                        List.of(Bind.column(key, r.targetKey()))));
        if (r.polymorphic()) {
            q = q.where(new Fragment(table + "." + this.session.dialect().quote(r.typeColumn().column()) + " = ?",
                    List.of(r.typeValue())));
        }
        return q;
    }

    @Override
    public Mono<A> find() {
        return requireOwnerKey().then(Mono.defer(() -> {
            if (this.relationship.ownerKeyValue(this.owner) == null) {
                return Mono.empty();
            }
            // Of several matching has-one rows the greatest key wins, as in preload.
            // singleOrEmpty, not next: next() cancels the query, and the connection would go back to the pool after
            // the value is emitted rather than before.
            return targets().orderByKey(true).limit(1).flux().singleOrEmpty();
        }));
    }

    @Override
    public Flux<A> findAll() {
        return find().flux();
    }

    @Override
    public Mono<Void> appendAll(Collection<? extends A> values) {
        A value = atMostOne(values, "appendAll");
        return value == null ? requireOwnerKey() : append(value);
    }

    @Override
    public Mono<Void> replaceAll(Collection<? extends A> values) {
        A value = atMostOne(values, "replaceAll");
        return value == null ? clear() : replace(value);
    }

    @Override
    public Mono<Void> deleteAll(Collection<? extends A> values) {
        List<A> checked = Values.checked(values);
        return requireOwnerKey().thenMany(Flux.fromIterable(checked).concatMap(this::delete)).then();
    }

    /** A to-one association takes the collection variants with zero or one value (DESIGN.md 0.2). */
    private @Nullable A atMostOne(Collection<? extends A> values, String method) {
        List<A> checked = Values.checked(values);
        if (checked.size() > 1) {
            throw new IllegalArgumentException(method + " on " + this.relationship.owner().type().getSimpleName() + "."
                    + this.relationship.name() + " was given " + checked.size() + " values, but it is a "
                    + (this.relationship.hasOne() ? "has-one" : "belongs-to") + " association: it holds one");
        }
        return checked.isEmpty() ? null : checked.get(0);
    }

    @Override
    public Mono<Long> count() {
        return requireOwnerKey().then(Mono.defer(() -> this.relationship.ownerKeyValue(this.owner) == null
                ? Mono.just(0L)
                : targets().count()));
    }

    @Override
    public Mono<Void> append(A value) {
        return replace(value);
    }

    @Override
    public Mono<Void> replace(A value) {
        Objects.requireNonNull(value, "value must not be null; use clear() to unlink");
        return requireOwnerKey().then(this.session.transaction(tx -> this.relationship.hasOne()
                ? replaceHasOne(tx, value)
                : replaceBelongsTo(tx, value)).then());
    }

    /**
     * GORM's has-one {@code Replace}: the value is saved (when new) or linked, and the owner's other rows are
     * unlinked (deleted when unscoped). The unlink goes first, so a unique index on the foreign key never sees two
     * rows of one owner.
     */
    private Mono<Void> replaceHasOne(Session tx, A value) {
        Relationship r = this.relationship;
        EntityMeta<?> target = r.target();
        boolean isNew = target.isNew(value);
        Mono<Long> removeOthers = Mono.defer(() -> tx.update(removeOthers(tx, isNew ? null : value)));
        Mono<Void> save = Mono.defer(() -> {
            r.foreignKey().set(value, r.references().get(this.owner));
            Property type = r.typeColumn();
            if (type != null) {
                type.set(value, r.typeValue());
            }
            if (isNew) {
                return new Cascade(tx, Set.of()).saveRoots(target, List.of(value));
            }
            List<Property> columns = new ArrayList<>(2);
            columns.add(r.foreignKey());
            if (type != null) {
                columns.add(type);
            }
            return tx.update(Statements.updateById(tx.dialect(), target, columns, value)).then();
        });
        return removeOthers.then(save).then(Mono.fromRunnable(() -> r.set(this.owner, value)));
    }

    /** The has-one rows other than {@code keep} that reference the owner: unlinked, or deleted when unscoped. */
    private Sql removeOthers(Session tx, @Nullable Object keep) {
        Relationship r = this.relationship;
        EntityMeta<?> target = r.target();
        Object ownerKey = r.references().getColumnValue(this.owner);
        if (this.unscoped) {
            return Statements.delete(tx.dialect(), target, true, sql -> {
                Statements.hasOneTargets(sql, r, ownerKey);
                excludeRow(sql, target, keep);
            });
        }
        SqlBuilder sql = new SqlBuilder(tx.dialect()).sql("UPDATE ").id(target.table()).sql(" SET ")
                .id(r.foreignKey().column()).sql(" = ").bind(null, r.foreignKey()).sql(" WHERE ");
        Statements.hasOneTargets(sql, r, ownerKey);
        excludeRow(sql, target, keep);
        Statements.softDeleteScope(sql, target, target.table(), false, " AND ");
        return sql.build();
    }

    private static void excludeRow(SqlBuilder sql, EntityMeta<?> target, @Nullable Object keep) {
        if (keep != null) {
            sql.sql(" AND ").column(target.table(), target.id().column()).sql(" <> ");
            Statements.bindProperty(sql, target.id(), keep);
        }
    }

    private Mono<Void> replaceBelongsTo(Session tx, A value) {
        Relationship r = this.relationship;
        EntityMeta<?> target = r.target();
        Object oldKey = r.foreignKey().getColumnValue(this.owner);
        Mono<Void> save = target.isNew(value)
                ? new Cascade(tx, Set.of()).saveRoots(target, List.of(value))
                : Mono.empty();
        return save.then(Mono.defer(() -> {
            Object newKey = r.references().get(value);
            r.foreignKey().set(this.owner, newKey);
            Mono<Long> link = tx.update(Statements.updateById(tx.dialect(), this.ownerMeta, List.of(r.foreignKey()),
                    this.owner));
            Object newColumnKey = r.foreignKey().getColumnValue(this.owner);
            if (this.unscoped && oldKey != null && !oldKey.equals(newColumnKey)) {
                link = link.then(tx.update(deleteTargetByReference(tx, oldKey)));
            }
            return link.then(Mono.fromRunnable(() -> r.set(this.owner, value)));
        }));
    }

    private Sql deleteTargetByReference(Session tx, Object referenceValue) {
        Relationship r = this.relationship;
        EntityMeta<?> target = r.target();
        return Statements.delete(tx.dialect(), target, true, sql -> sql.column(target.table(), r.references().column())
                .sql(" = ").bind(referenceValue, r.references()));
    }

    @Override
    public Mono<Void> delete(A value) {
        Objects.requireNonNull(value, "value must not be null");
        return requireOwnerKey().then(this.session.<Void>transaction(tx -> {
            Relationship r = this.relationship;
            EntityMeta<?> target = r.target();
            if (r.hasOne()) {
                if (target.isNew(value)) {
                    return Mono.<Void>empty();
                }
                Object ownerKey = r.references().getColumnValue(this.owner);
                Sql sql;
                if (this.unscoped) {
                    sql = Statements.delete(tx.dialect(), target, true, b -> {
                        Statements.hasOneTargets(b, r, ownerKey);
                        b.sql(" AND ").column(target.table(), target.id().column()).sql(" = ");
                        Statements.bindProperty(b, target.id(), value);
                    });
                }
                else {
                    SqlBuilder b = new SqlBuilder(tx.dialect()).sql("UPDATE ").id(target.table()).sql(" SET ")
                            .id(r.foreignKey().column()).sql(" = ").bind(null, r.foreignKey()).sql(" WHERE ");
                    Statements.hasOneTargets(b, r, ownerKey);
                    b.sql(" AND ").column(target.table(), target.id().column()).sql(" = ");
                    Statements.bindProperty(b, target.id(), value);
                    // GORM's Delete keeps the soft-delete scope: a soft-deleted row stays as it is.
                    Statements.softDeleteScope(b, target, target.table(), false, " AND ");
                    sql = b.build();
                }
                return tx.update(sql).doOnNext(rows -> {
                    if (rows > 0) {
                        r.foreignKey().set(value, null);
                        Object current = r.get(this.owner);
                        if (current == value || (current != null && Objects.equals(target.id().get(current),
                                target.id().get(value)))) {
                            r.set(this.owner, null);
                        }
                    }
                }).then();
            }
            Object current = r.foreignKey().getColumnValue(this.owner);
            Object reference = value == null ? null : r.references().getColumnValue(value);
            if (current == null || reference == null || !current.equals(reference)) {
                return Mono.<Void>empty();
            }
            return unlinkBelongsTo(tx, current);
        }).then());
    }

    private Mono<Void> unlinkBelongsTo(Session tx, Object oldKey) {
        Relationship r = this.relationship;
        r.foreignKey().set(this.owner, null);
        Mono<Long> unlink = tx.update(Statements.updateById(tx.dialect(), this.ownerMeta, List.of(r.foreignKey()),
                this.owner));
        if (this.unscoped) {
            unlink = unlink.then(tx.update(deleteTargetByReference(tx, oldKey)));
        }
        return unlink.then(Mono.fromRunnable(() -> r.set(this.owner, null)));
    }

    @Override
    public Mono<Void> clear() {
        return requireOwnerKey().then(this.session.transaction(tx -> {
            Relationship r = this.relationship;
            if (r.hasOne()) {
                return tx.update(removeOthers(tx, null)).then(Mono.fromRunnable(() -> r.set(this.owner, null)));
            }
            Object current = r.foreignKey().getColumnValue(this.owner);
            if (current == null) {
                return Mono.fromRunnable(() -> r.set(this.owner, null));
            }
            return unlinkBelongsTo(tx, current);
        }).then());
    }
}
