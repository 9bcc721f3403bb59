package io.relata.internal.repo;

import io.relata.AssociationException;
import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.JoinTable;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.query.QuerySupport;
import io.relata.internal.save.Cascade;
import io.relata.internal.sql.Fragment;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import io.relata.internal.sql.Statements;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Association mode of a has-many or many-to-many over one or several owners, with GORM's semantics
 * ({@code association.go}): appending saves and links, replacing appends then unlinks the rest, deleting unlinks
 * (has-many rows are deleted instead when unscoped; a many-to-many only ever loses join rows), every change in one
 * transaction, the owners' collections updated in memory to match. Reads cover every owner in one statement.
 *
 * @param <A> the target type
 */
final class ToManyAssociation<A> extends OwnersAssociation<A> {

    private final Session session;

    private final Relationship relationship;

    private final List<Object> owners;

    private final boolean unscoped;

    ToManyAssociation(Session session, Relationship relationship, List<Object> owners, boolean unscoped) {
        this.session = session;
        this.relationship = relationship;
        this.owners = List.copyOf(owners);
        this.unscoped = unscoped;
    }

    private String describe() {
        return this.relationship.owner().type().getSimpleName() + "." + this.relationship.name() + " (a "
                + (this.relationship.manyToMany() ? "many-to-many" : "has-many") + " association)";
    }

    /** GORM's {@code ErrPrimaryKeyRequired}, as a signal of the returned publisher, before any statement. */
    private Mono<Void> requireOwnerKeys() {
        return Mono.defer(() -> {
            EntityMeta<?> meta = this.relationship.owner();
            for (Object owner : this.owners) {
                if (meta.isNew(owner)) {
                    return Mono.error(new AssociationException("Association mode on " + describe() + " needs owners "
                            + "with a primary key (" + meta.id().name() + " is " + meta.id().get(owner)
                            + "): save them first"));
                }
            }
            return Mono.empty();
        });
    }

    /** The owners' distinct keys, in the relationship's key type (the type the foreign-key columns store). */
    private List<Object> ownerKeys() {
        Set<Object> keys = new LinkedHashSet<>();
        for (Object owner : this.owners) {
            Object key = this.relationship.ownerKeyValue(owner);
            if (key != null) {
                keys.add(key);
            }
        }
        return List.copyOf(keys);
    }

    @Override
    public Mono<A> find() {
        return Mono.error(new IllegalStateException(describe() + " holds a collection: use findAll()"));
    }

    @Override
    public Flux<A> findAll() {
        return requireOwnerKeys().thenMany(Flux.defer(() -> {
            List<Object> keys = ownerKeys();
            if (keys.isEmpty()) {
                return Flux.empty();
            }
            return targets(keys).orderByKey(false).flux();
        }));
    }

    @Override
    public Mono<Long> count() {
        return requireOwnerKeys().then(Mono.defer(() -> {
            List<Object> keys = ownerKeys();
            return keys.isEmpty() ? Mono.just(0L) : targets(keys).count();
        }));
    }

    /**
     * The owners' targets: {@code t.fk IN (keys)} for a has-many (and the polymorphic type); for a many-to-many
     * {@code t.key IN (SELECT j.target FROM j WHERE j.owner IN (keys))}, which gives each target once whatever the
     * number of owners holding it.
     */
    @SuppressWarnings("unchecked")
    private QuerySupport<A> targets(List<Object> keys) {
        Relationship r = this.relationship;
        EntityMeta<A> target = (EntityMeta<A>) r.target();
        String t = this.session.dialect().quote(target.table());
        QuerySupport<A> q = QuerySupport.of(this.session, target, this.unscoped);
        Object arg = keys.size() == 1 ? keys.get(0) : keys;
        String in = keys.size() == 1 ? " = ?" : " IN ?";
        if (r.manyToMany()) {
            JoinTable j = r.joinTable();
            String jt = this.session.dialect().quote(j.table());
            StringBuilder sub = new StringBuilder(t).append('.').append(this.session.dialect()
                    .quote(r.targetKey().column())).append(" IN (SELECT ").append(jt).append('.')
                    .append(this.session.dialect().quote(j.targetColumn())).append(" FROM ").append(jt)
                    .append(" WHERE ").append(jt).append('.').append(this.session.dialect().quote(j.ownerColumn()))
                    .append(in);
            if (j.softDelete() && !this.unscoped) {
                sub.append(" AND ").append(jt).append('.')
                        .append(this.session.dialect().quote(j.entity().deletedAt().column())).append(" IS NULL");
            }
            return q.where(new Fragment(sub.append(')').toString(), Collections.singletonList(arg)));
        }
        q = q.where(new Fragment(t + "." + this.session.dialect().quote(r.foreignKey().column()) + in,
                Collections.singletonList(arg)));
        Property type = r.typeColumn();
        return type == null ? q : q.where(new Fragment(t + "." + this.session.dialect().quote(type.column()) + " = ?",
                List.of(r.typeValue())));
    }

    @Override
    public Mono<Void> appendAll(Collection<? extends A> values) {
        List<List<Object>> perOwner = perOwner(Values.checked(values), "appendAll");
        return requireOwnerKeys()
                .then(this.session.transaction(tx -> new Cascade(tx, Set.of()).attach(this.relationship, this.owners,
                        perOwner)).then())
                .then(Mono.fromRunnable(() -> {
                    for (int i = 0; i < this.owners.size(); i++) {
                        List<Object> held = new ArrayList<>(this.relationship.targets(this.owners.get(i)));
                        Set<Object> present = identitySet(held);
                        for (Object v : perOwner.get(i)) {
                            if (present.add(v)) {
                                held.add(v);
                            }
                        }
                        this.relationship.set(this.owners.get(i), held);
                    }
                }));
    }

    @Override
    public Mono<Void> replaceAll(Collection<? extends A> values) {
        List<List<Object>> perOwner = perOwner(Values.checked(values), "replaceAll");
        return requireOwnerKeys()
                .then(this.session.transaction(tx -> new Cascade(tx, Set.of())
                        .attach(this.relationship, this.owners, perOwner)
                        .then(Mono.defer(() -> tx.updateAll(unlinkOthers(tx, perOwner))))).then())
                .then(Mono.fromRunnable(() -> {
                    for (int i = 0; i < this.owners.size(); i++) {
                        this.relationship.set(this.owners.get(i), perOwner.get(i));
                    }
                }));
    }

    /**
     * Values per owner: all of them for one owner; for several, GORM's rule (one value per owner, in order), checked
     * before any statement.
     */
    private List<List<Object>> perOwner(List<A> values, String method) {
        if (this.owners.size() == 1) {
            return List.of(new ArrayList<>(values));
        }
        List<List<Object>> out = new ArrayList<>(values.size());
        for (A value : onePerOwner(values, this.owners.size(), method, describe())) {
            out.add(List.of(value));
        }
        return out;
    }

    /** Per owner: unlinks every target but the ones it keeps (one statement per owner). */
    private List<Sql> unlinkOthers(Session tx, List<List<Object>> perOwner) {
        List<Sql> out = new ArrayList<>();
        for (int i = 0; i < this.owners.size(); i++) {
            Object key = this.relationship.ownerKeyValue(this.owners.get(i));
            if (key != null) {
                out.add(unlink(tx, List.of(key), keys(perOwner.get(i)), true));
            }
        }
        return out;
    }

    @Override
    public Mono<Void> deleteAll(Collection<? extends A> values) {
        List<A> checked = Values.checked(values);
        return requireOwnerKeys().then(this.session.transaction(tx -> {
            List<Object> keys = keys(new ArrayList<>(checked));
            List<Object> owners = ownerKeys();
            if (keys.isEmpty() || owners.isEmpty()) {
                return Mono.<Long>empty();
            }
            return tx.update(unlink(tx, owners, keys, false));
        }).then()).then(Mono.fromRunnable(() -> forget(checked)));
    }

    /** Removes unlinked values from the owners' collections; a has-many value loses its foreign key. */
    private void forget(List<A> values) {
        Relationship r = this.relationship;
        EntityMeta<?> target = r.target();
        Set<Object> gone = identitySet(new ArrayList<>(values));
        Set<Object> goneKeys = new java.util.HashSet<>(keys(new ArrayList<>(values)));
        Set<Object> ownerKeys = new java.util.HashSet<>(ownerKeys());
        for (Object owner : this.owners) {
            List<Object> held = new ArrayList<>();
            for (Object t : r.targets(owner)) {
                Object k = key(t);
                if (!gone.contains(t) && (k == null || !goneKeys.contains(k))) {
                    held.add(t);
                }
            }
            if (r.get(owner) != null) {
                r.set(owner, held);
            }
        }
        if (r.hasMany()) {
            for (A v : values) {
                Object fk = r.targetKeyValue(v);
                if (!target.isNew(v) && fk != null && ownerKeys.contains(fk)) {
                    r.foreignKey().set(v, null);
                }
            }
        }
    }

    @Override
    public Mono<Void> clear() {
        return requireOwnerKeys().then(this.session.transaction(tx -> {
            List<Object> owners = ownerKeys();
            return owners.isEmpty() ? Mono.<Long>empty() : tx.update(unlink(tx, owners, List.of(), true));
        }).then()).then(Mono.fromRunnable(() -> {
            for (Object owner : this.owners) {
                this.relationship.set(owner, List.of());
            }
        }));
    }

    /**
     * The key the association matches a target by: its primary key (has-many), or the key the join table stores
     * (many-to-many), as its column stores it; {@code null} for a new target.
     */
    private Object key(Object target) {
        Relationship r = this.relationship;
        if (r.manyToMany()) {
            return r.references().getColumnValue(target);
        }
        return r.target().isNew(target) ? null : r.target().id().getColumnValue(target);
    }

    private List<Object> keys(List<Object> targets) {
        Set<Object> out = new LinkedHashSet<>();
        for (Object t : targets) {
            Object k = key(t);
            if (k != null) {
                out.add(k);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Unlinks the targets of some owners: all of them but {@code keys} ({@code except}), or only {@code keys}.
     * Has-many: {@code UPDATE t SET fk = NULL WHERE fk IN (owners) [AND type = ?] AND pk [NOT] IN (keys) AND
     * deleted_at IS NULL}, or a hard {@code DELETE} when unscoped. Many-to-many: {@code DELETE FROM j WHERE owner IN
     * (owners) AND target [NOT] IN (keys)}, a soft delete for a soft-deletable join entity unless unscoped.
     */
    private Sql unlink(Session tx, List<Object> owners, List<Object> keys, boolean except) {
        Relationship r = this.relationship;
        if (r.manyToMany()) {
            JoinTable j = r.joinTable();
            Consumer<SqlBuilder> where = sql -> {
                in(sql, j.table(), j.ownerColumn(), owners, r.foreignKey(), false);
                if (!keys.isEmpty() || !except) {
                    sql.sql(" AND ");
                    in(sql, j.table(), j.targetColumn(), keys, r.references(), except);
                }
            };
            if (j.softDelete() && !this.unscoped) {
                return Statements.delete(tx.dialect(), j.entity(), false, where);
            }
            SqlBuilder sql = new SqlBuilder(tx.dialect()).sql("DELETE FROM ").id(j.table()).sql(" WHERE ");
            where.accept(sql);
            return sql.build();
        }
        EntityMeta<?> target = r.target();
        Consumer<SqlBuilder> where = sql -> {
            in(sql, target.table(), r.foreignKey().column(), owners, r.foreignKey(), false);
            Statements.polymorphicType(sql, r, target.table());
            if (!keys.isEmpty() || !except) {
                sql.sql(" AND ");
                in(sql, target.table(), target.id().column(), keys, target.id(), except);
            }
        };
        if (this.unscoped) {
            return Statements.delete(tx.dialect(), target, true, where);
        }
        SqlBuilder sql = new SqlBuilder(tx.dialect()).sql("UPDATE ").id(target.table()).sql(" SET ")
                .id(r.foreignKey().column()).sql(" = ").bind(null, r.foreignKey()).sql(" WHERE ");
        where.accept(sql);
        // GORM keeps the soft-delete scope: a soft-deleted row stays as it is.
        Statements.softDeleteScope(sql, target, target.table(), false, " AND ");
        return sql.build();
    }

    /**
     * {@code "t"."c" = ?} or {@code "t"."c" IN (?, ...)}, negated with {@code not}; the values are bound for the real
     * type of {@code type}'s column (a join table's column copies the key it references).
     */
    private static void in(SqlBuilder sql, String table, String column, List<Object> values, Property type,
            boolean not) {
        sql.column(table, column);
        if (values.size() == 1) {
            sql.sql(not ? " <> " : " = ").bind(values.get(0), type);
            return;
        }
        sql.sql(not ? " NOT IN (" : " IN (");
        for (int i = 0; i < values.size(); i++) {
            sql.sql(i == 0 ? "" : ", ").bind(values.get(i), type);
        }
        sql.sql(")");
    }

    private static Set<Object> identitySet(List<Object> values) {
        Set<Object> set = Collections.newSetFromMap(new IdentityHashMap<>());
        set.addAll(values);
        return set;
    }
}
