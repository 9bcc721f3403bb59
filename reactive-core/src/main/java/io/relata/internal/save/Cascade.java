package io.relata.internal.save;

import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import io.relata.internal.sql.Statements;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Saves entity graphs in GORM's order, a level at a time: belongs-to targets first (new ones inserted, existing ones
 * only linked), then the entities themselves (new ones in multi-row inserts, existing ones updated), then has-one
 * targets with the foreign key (and polymorphic type) set, unlinking rows an existing owner no longer holds, then
 * has-many targets and many-to-many targets with their join rows ({@link ToManySaves}).
 *
 * <p>Each level of a batch is one statement per chunk of rows, so saving 2,000 users with their cards takes a
 * handful of inserts, not 4,000. An identity set of visited entities stops cycles and saves nothing twice. The
 * caller runs a cascade inside one transaction.
 */
public final class Cascade {

    /** Rows per multi-row {@code INSERT}, further capped by the dialect's bind limit. */
    public static final int INSERT_BATCH = 1000;

    private final Session session;

    private final Set<String> omit;

    private final Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());

    private final ToManySaves toMany;

    private final Inserts inserts;

    /**
     * Creates a cascade for one save call.
     *
     * @param session the session (a transaction's)
     * @param omit association names of the root entity to leave alone
     */
    public Cascade(Session session, Set<String> omit) {
        this.session = session;
        this.omit = omit;
        this.toMany = new ToManySaves(this, session);
        this.inserts = new Inserts(session);
    }

    /**
     * Saves root entities and their associations.
     *
     * @param meta the entity type
     * @param entities the entities
     * @return completes when everything is saved
     */
    public Mono<Void> saveRoots(EntityMeta<?> meta, List<?> entities) {
        return save(meta, entities, true);
    }

    /**
     * Saves values as targets of a to-many association of saved owners, as a cascade saves an owner's collection:
     * has-many targets take the owner's key (new ones inserted, existing ones linked), many-to-many targets are
     * saved when new and linked through join rows (pairs already linked are skipped). The owners' fields are not
     * read or changed.
     *
     * @param r a has-many or many-to-many
     * @param owners saved owners
     * @param values the values of each owner, in the owners' order
     * @return completes when everything is saved
     */
    public Mono<Void> attach(Relationship r, List<Object> owners, List<List<Object>> values) {
        return r.manyToMany() ? this.toMany.manyToMany(r, owners, values) : this.toMany.hasMany(r, owners, values);
    }

    /** Whether an entity was saved (or is being saved) by this cascade already. */
    boolean visited(Object entity) {
        return this.visited.contains(entity);
    }

    Mono<Void> save(EntityMeta<?> meta, List<?> all, boolean root) {
        return Mono.defer(() -> {
            List<Object> entities = new ArrayList<>(all.size());
            for (Object e : all) {
                if (this.visited.add(e)) {
                    entities.add(e);
                }
            }
            return level(meta, entities, root);
        });
    }

    /**
     * Saves one level of entities already marked visited. New entities of the level that other entities of the same
     * level belong to (a self-reference in one {@code saveAll}: a manager and their report) are saved first, as a
     * level of their own, so the foreign key has a key to take; when every entity is such a target (new rows that
     * point at each other in a cycle), no order can satisfy them and the level is saved as it is.
     */
    private Mono<Void> level(EntityMeta<?> meta, List<Object> entities, boolean root) {
        return Mono.defer(() -> {
            if (entities.isEmpty()) {
                return Mono.empty();
            }
            // Only a self-reference needs the level's members: building that identity set for every level of 1,000
            // rows showed in the saveAll profile (IdentityHashMap resizing, issue 12).
            Set<Object> members = null;
            Set<Object> referenced = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Relationship r : meta.relationships()) {
                if (r.belongsTo() && r.target() == meta) {
                    if (members == null) {
                        members = Collections.newSetFromMap(new IdentityHashMap<>(entities.size() * 2));
                        members.addAll(entities);
                    }
                    for (Object e : entities) {
                        Object t = r.get(e);
                        if (t != null && t != e && members.contains(t) && meta.isNew(t)) {
                            referenced.add(t);
                        }
                    }
                }
            }
            if (!referenced.isEmpty() && referenced.size() < entities.size()) {
                List<Object> first = new ArrayList<>();
                List<Object> rest = new ArrayList<>();
                for (Object e : entities) {
                    (referenced.contains(e) ? first : rest).add(e);
                }
                return level(meta, first, root).then(level(meta, rest, root));
            }
            List<Relationship> relationships = new ArrayList<>();
            for (Relationship r : meta.relationships()) {
                if (!root || !this.omit.contains(r.name().toLowerCase(java.util.Locale.ROOT))) {
                    relationships.add(r);
                }
            }
            List<Object> existing = new ArrayList<>();
            for (Object e : entities) {
                if (!meta.isNew(e)) {
                    existing.add(e);
                }
            }
            Mono<Void> chain = Mono.empty();
            for (Relationship r : relationships) {
                if (r.belongsTo()) {
                    chain = chain.then(saveBelongsTo(r, entities));
                }
            }
            chain = chain.then(write(meta, entities, root));
            for (Relationship r : relationships) {
                if (r.hasOne()) {
                    chain = chain.then(saveHasOne(r, entities, existing));
                }
                else if (r.toMany()) {
                    chain = chain.then(Mono.defer(() -> saveToMany(r, entities)));
                }
            }
            return chain;
        });
    }

    /**
     * Belongs-to targets first: new ones are inserted (cascading their own associations), existing ones are only
     * linked (their row is not written, GORM's default {@code ON CONFLICT DO NOTHING}, but their own associations
     * still cascade, as GORM's nested create does); then each owner's foreign key takes the target's key.
     */
    private Mono<Void> saveBelongsTo(Relationship r, List<Object> owners) {
        return Mono.defer(() -> save(r.target(), distinctTargets(r, owners), false).then(Mono.fromRunnable(() -> {
            for (Object owner : owners) {
                Object target = r.get(owner);
                if (target != null) {
                    r.foreignKey().set(owner, r.references().get(target));
                }
            }
        })));
    }

    /**
     * Has-one targets after their owners, in this order so that a unique index on the foreign key (one row per
     * owner) never sees two rows of one owner: (1) rows that existing owners held before and no longer hold are
     * unlinked, (2) existing targets are linked ({@code UPDATE fk, type} only), (3) new targets are inserted with the
     * foreign key set, cascading further.
     */
    private Mono<Void> saveHasOne(Relationship r, List<Object> owners, List<Object> existingOwners) {
        return Mono.defer(() -> {
            EntityMeta<?> target = r.target();
            List<Object> pending = new ArrayList<>();
            List<Sql> links = new ArrayList<>();
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Object owner : owners) {
                Object t = r.get(owner);
                if (t == null || !seen.add(t)) {
                    continue;
                }
                r.foreignKey().set(t, r.references().get(owner));
                Property type = r.typeColumn();
                if (type != null) {
                    type.set(t, r.typeValue());
                }
                // A target already saved in this cascade (a cycle back to it) is neither linked nor saved again.
                if (!this.visited.contains(t)) {
                    pending.add(t);
                    if (!target.isNew(t)) {
                        links.add(link(r, t));
                    }
                }
            }
            return this.session.updateAll(unlinkReplaced(r, existingOwners))
                    .then(this.session.updateAll(links))
                    .then(save(target, pending, false));
        });
    }

    /** The collections of owners whose to-many field is set (a {@code null} field is not loaded: left alone). */
    private Mono<Void> saveToMany(Relationship r, List<Object> entities) {
        List<Object> owners = new ArrayList<>();
        List<List<Object>> values = new ArrayList<>();
        for (Object owner : entities) {
            List<Object> targets = r.targets(owner);
            if (!targets.isEmpty()) {
                owners.add(owner);
                values.add(targets);
            }
        }
        return owners.isEmpty() ? Mono.empty() : attach(r, owners, values);
    }

    /** {@code UPDATE target SET fk = ?, type = ? WHERE pk = ?}: links an existing row, leaving its other columns. */
    private Sql link(Relationship r, Object target) {
        List<Property> columns = new ArrayList<>(2);
        columns.add(r.foreignKey());
        Property type = r.typeColumn();
        if (type != null) {
            columns.add(type);
        }
        return Statements.updateById(this.session.dialect(), r.target(), columns, target);
    }

    /**
     * {@code UPDATE target SET fk = NULL WHERE fk IN (owners) [AND type = ?] [AND pk NOT IN (held)] AND deleted_at
     * IS NULL}: the rows existing owners held before and no longer hold are unlinked, as {@code Association.replace}
     * does (GORM leaves them linked, a known complaint: shared/gorm/SEMANTICS.md section 8, #3487). Owners whose
     * field is {@code null} are left alone (the association may just not be loaded). One statement per chunk of
     * owners, so {@code saveAll} of existing owners does not send one per owner.
     */
    private List<Sql> unlinkReplaced(Relationship r, List<Object> existingOwners) {
        EntityMeta<?> target = r.target();
        List<Object[]> pairs = new ArrayList<>();
        for (Object owner : existingOwners) {
            Object t = r.get(owner);
            Object key = t == null ? null : r.references().getColumnValue(owner);
            if (key != null) {
                pairs.add(new Object[] {key, target.isNew(t) ? null : target.id().getColumnValue(t)});
            }
        }
        List<Sql> out = new ArrayList<>();
        // Two binds per owner at most, plus the type and the soft-delete scope.
        int perStatement = Math.max(1, Math.min(INSERT_BATCH, (this.session.dialect().maxBindParameters() - 2) / 2));
        for (int from = 0; from < pairs.size(); from += perStatement) {
            List<Object[]> chunk = pairs.subList(from, Math.min(pairs.size(), from + perStatement));
            SqlBuilder sql = new SqlBuilder(this.session.dialect()).sql("UPDATE ").id(target.table()).sql(" SET ")
                    .id(r.foreignKey().column()).sql(" = ").bind(null, r.foreignKey()).sql(" WHERE ")
                    .column(target.table(), r.foreignKey().column());
            if (chunk.size() == 1) {
                sql.sql(" = ").bind(chunk.get(0)[0], r.foreignKey());
            }
            else {
                sql.sql(" IN (");
                for (int i = 0; i < chunk.size(); i++) {
                    sql.sql(i == 0 ? "" : ", ").bind(chunk.get(i)[0], r.foreignKey());
                }
                sql.sql(")");
            }
            Statements.polymorphicType(sql, r, target.table());
            List<Object> held = new ArrayList<>();
            for (Object[] pair : chunk) {
                if (pair[1] != null) {
                    held.add(pair[1]);
                }
            }
            if (held.size() == 1) {
                sql.sql(" AND ").column(target.table(), target.id().column()).sql(" <> ")
                        .bind(held.get(0), target.id());
            }
            else if (!held.isEmpty()) {
                sql.sql(" AND ").column(target.table(), target.id().column()).sql(" NOT IN (");
                for (int i = 0; i < held.size(); i++) {
                    sql.sql(i == 0 ? "" : ", ").bind(held.get(i), target.id());
                }
                sql.sql(")");
            }
            Statements.softDeleteScope(sql, target, target.table(), false, " AND ");
            out.add(sql.build());
        }
        return out;
    }

    private static List<Object> distinctTargets(Relationship r, List<Object> owners) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Object> out = new ArrayList<>();
        for (Object owner : owners) {
            Object t = r.get(owner);
            if (t != null && seen.add(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Writes the entities of one level: new ones inserted in multi-row batches with generated keys written back;
     * existing roots updated (and inserted when no row has their key, as GORM's {@code Save} does); existing
     * non-root entities (linked targets) left untouched.
     */
    private Mono<Void> write(EntityMeta<?> meta, List<Object> entities, boolean root) {
        return Mono.defer(() -> {
            Instant now = Statements.now();
            List<Object> inserts = new ArrayList<>();
            List<Object> updates = new ArrayList<>();
            List<Object> needKeys = new ArrayList<>();
            for (Object e : entities) {
                if (meta.isNew(e)) {
                    if (!meta.generatedId()) {
                        if (!meta.uuidId()) {
                            return Mono.error(new IllegalArgumentException("Cannot insert " + meta.type().getSimpleName()
                                    + ": its primary key " + meta.id().name() + " is a " + meta.id().type().getSimpleName()
                                    + " and must be set before saving"));
                        }
                        needKeys.add(e);
                    }
                    stamp(meta, e, now, true);
                    inserts.add(e);
                }
                else if (root) {
                    stamp(meta, e, now, false);
                    updates.add(e);
                }
            }
            return uuids(meta, needKeys).then(insert(meta, inserts))
                    .then(Flux.fromIterable(updates).concatMap(e -> update(meta, e)).then());
        });
    }

    /**
     * Random UUID keys, made on a thread that may block: {@code UUID.randomUUID()} reads {@code /dev/urandom} through
     * the JDK's NativePRNG on every call (a {@code FileInputStream.readBytes} BlockHound reports on a Netty event
     * loop, where a cascade continues after a driver's reply).
     */
    private static Mono<Void> uuids(EntityMeta<?> meta, List<Object> entities) {
        if (entities.isEmpty()) {
            return Mono.empty();
        }
        return Mono.fromRunnable(() -> {
            for (Object e : entities) {
                meta.id().set(e, UUID.randomUUID());
            }
        }).subscribeOn(Schedulers.boundedElastic()).then();
    }

    private static void stamp(EntityMeta<?> meta, Object e, Instant now, boolean insert) {
        Property created = meta.createdAt();
        if (insert && created != null && created.get(e) == null) {
            created.set(e, now);
        }
        Property updated = meta.updatedAt();
        if (updated != null) {
            updated.set(e, now);
        }
    }

    /**
     * Inserts new entities, writing generated keys back in row order ({@link Inserts}).
     *
     * @param meta the entity type
     * @param entities new entities
     * @return completes when inserted
     */
    public Mono<Void> insert(EntityMeta<?> meta, List<Object> entities) {
        return this.inserts.insert(meta, entities);
    }

    private Mono<Void> update(EntityMeta<?> meta, Object entity) {
        List<Property> columns = new ArrayList<>(meta.properties());
        columns.remove(meta.id());
        Property created = meta.createdAt();
        if (created != null && created.get(entity) == null) {
            columns.remove(created);
        }
        Sql sql = Statements.updateById(this.session.dialect(), meta, columns, entity);
        return this.session.update(sql).flatMap(rows -> {
            if (rows > 0) {
                return Mono.<Void>empty();
            }
            // No row has this key: GORM's Save inserts it, keeping the key.
            stamp(meta, entity, Statements.now(), true);
            return this.session.update(Statements.insert(this.session.dialect(), meta, meta.properties(),
                    List.of(entity))).then();
        });
    }
}
