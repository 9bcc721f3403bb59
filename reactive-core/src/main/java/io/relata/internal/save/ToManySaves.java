package io.relata.internal.save;

import io.relata.internal.exec.Session;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.JoinTable;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Relationship;
import io.relata.internal.sql.Sql;
import io.relata.internal.sql.SqlBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * The to-many steps of a cascade, after the owners are written (GORM's {@code SaveAfterAssociations}), batched across
 * every owner of a level:
 *
 * <ul>
 * <li>has-many: each target takes its owner's key (and the polymorphic type); targets that already have a primary key
 * are linked with one {@code UPDATE ... SET fk = ? WHERE pk IN (...)} per owner (their other columns left alone, as
 * GORM's upsert sets only the foreign key), new ones are inserted in multi-row statements and cascade further;</li>
 * <li>many-to-many: new targets are inserted (existing ones only linked, GORM's {@code ON CONFLICT DO NOTHING}), then
 * the join rows of every owner and target go in multi-row inserts that skip pairs already linked
 * ({@link io.relata.dialect.Dialect#insertIgnoringDuplicates}).</li>
 * </ul>
 *
 * Targets an owner no longer holds are left linked, as GORM leaves them: a collection is often loaded partially (a
 * preload with a condition or a limit), and saving it must not unlink the rest; {@code replaceAll} makes an
 * association exactly a given set.
 */
final class ToManySaves {

    private final Cascade cascade;

    private final Session session;

    ToManySaves(Cascade cascade, Session session) {
        this.cascade = cascade;
        this.session = session;
    }

    Mono<Void> hasMany(Relationship r, List<Object> owners, List<List<Object>> values) {
        return Mono.defer(() -> {
            EntityMeta<?> target = r.target();
            List<Object> pending = new ArrayList<>();
            // Existing targets per owner key: linked by one statement per owner rather than one per target.
            Map<Object, List<Object>> links = new LinkedHashMap<>();
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < owners.size(); i++) {
                Object ownerKey = r.references().get(owners.get(i));
                for (Object t : values.get(i)) {
                    if (!seen.add(t)) {
                        continue;
                    }
                    r.foreignKey().set(t, ownerKey);
                    Property type = r.typeColumn();
                    if (type != null) {
                        type.set(t, r.typeValue());
                    }
                    // A target already saved in this cascade (a cycle back to it) is neither linked nor saved again.
                    if (!this.cascade.visited(t)) {
                        pending.add(t);
                        if (!target.isNew(t)) {
                            links.computeIfAbsent(r.foreignKey().getColumnValue(t), k -> new ArrayList<>()).add(t);
                        }
                    }
                }
            }
            List<Sql> statements = new ArrayList<>();
            links.forEach((key, targets) -> statements.addAll(link(r, key, targets)));
            return this.session.updateAll(statements).then(this.cascade.save(target, pending, false));
        });
    }

    /** {@code UPDATE target SET fk = ?[, type = ?] WHERE pk IN (...)}, in chunks below the bind limit. */
    private List<Sql> link(Relationship r, Object ownerKey, List<Object> targets) {
        EntityMeta<?> target = r.target();
        int perStatement = Math.max(1, Math.min(Cascade.INSERT_BATCH, this.session.dialect().maxBindParameters() - 2));
        List<Sql> out = new ArrayList<>();
        for (int from = 0; from < targets.size(); from += perStatement) {
            List<Object> chunk = targets.subList(from, Math.min(targets.size(), from + perStatement));
            SqlBuilder sql = new SqlBuilder(this.session.dialect()).sql("UPDATE ").id(target.table()).sql(" SET ")
                    .id(r.foreignKey().column()).sql(" = ").bind(ownerKey, r.foreignKey());
            Property type = r.typeColumn();
            if (type != null) {
                sql.sql(", ").id(type.column()).sql(" = ").bind(r.typeValue(), String.class);
            }
            sql.sql(" WHERE ").id(target.id().column()).sql(chunk.size() == 1 ? " = " : " IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.sql(i == 0 ? "" : ", ").bind(target.id().get(chunk.get(i)), target.id());
            }
            out.add(sql.sql(chunk.size() == 1 ? "" : ")").build());
        }
        return out;
    }

    Mono<Void> manyToMany(Relationship r, List<Object> owners, List<List<Object>> values) {
        return Mono.defer(() -> {
            List<Object> targets = new ArrayList<>();
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (List<Object> list : values) {
                for (Object t : list) {
                    if (seen.add(t)) {
                        targets.add(t);
                    }
                }
            }
            // Targets first (their keys are the join rows' values); those already saved in this cascade are skipped
            // by save() but still linked below.
            return this.cascade.save(r.target(), targets, false)
                    .then(Mono.defer(() -> this.session.updateAll(joinRows(r, owners, values)).then()));
        });
    }

    /** The multi-row join-row inserts of every owner's targets, each distinct pair once. */
    private List<Sql> joinRows(Relationship r, List<Object> owners, List<List<Object>> values) {
        JoinTable j = r.joinTable();
        Set<List<Object>> pairs = new HashSet<>();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < owners.size(); i++) {
            Object ownerKey = r.foreignKey().getColumnValue(owners.get(i));
            for (Object t : values.get(i)) {
                Object targetKey = r.references().getColumnValue(t);
                if (ownerKey != null && targetKey != null && pairs.add(List.of(ownerKey, targetKey))) {
                    rows.add(new Object[] {ownerKey, targetKey});
                }
            }
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        JoinRows shape = JoinRows.of(r);
        int perStatement = Math.max(1, Math.min(Cascade.INSERT_BATCH,
                this.session.dialect().maxBindParameters() / shape.columns().size()));
        Instant now = io.relata.internal.sql.Statements.now();
        List<Sql> out = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + perStatement));
            out.add(shape.insert(this.session.dialect(), chunk, now));
        }
        return out;
    }
}
