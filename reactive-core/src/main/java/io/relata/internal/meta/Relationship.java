package io.relata.internal.meta;

import io.relata.MappingException;
import io.relata.annotation.Action;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One association, in the single form that preload, joins, saves, association mode and migration share (GORM's
 * {@code schema.Relationship}): a foreign key on one side, the key it references on the other, for a polymorphic
 * has-one or has-many a type column on the target that must equal a constant value (GORM's
 * {@code Reference.PrimaryValue}), and for a many-to-many the {@link JoinTable} that holds the pairs.
 *
 * <p>For a has-one or has-many the foreign key lives on the target and references the owner; for a belongs-to it
 * lives on the owner and references the target; for a many-to-many {@link #foreignKey()} is the owner's key and
 * {@link #references()} the target's key, both referenced from the join table (GORM's tag names). {@link #ownerKey()}
 * and {@link #targetKey()} hide those differences: the association matches when {@code ownerKey(owner)} equals
 * {@code targetKey(target)}, through the join table for a many-to-many.
 */
public final class Relationship {

    /** The kind of association. */
    public enum Kind {
        /** The target holds a foreign key to the owner; one target. */
        HAS_ONE,
        /** The owner holds a foreign key to the target. */
        BELONGS_TO,
        /** The targets hold a foreign key to the owner; a collection of them. */
        HAS_MANY,
        /** A join table holds one row per owner and target pair; a collection of targets. */
        MANY_TO_MANY
    }

    private final String name;

    private final Kind kind;

    private final Field field;

    private final EntityMeta<?> owner;

    private final EntityMeta<?> target;

    private final Property foreignKey;

    private final Property references;

    private final @Nullable Property typeColumn;

    private final @Nullable String typeValue;

    private final Action onUpdate;

    private final Action onDelete;

    private final @Nullable JoinTable joinTable;

    Relationship(Field field, Kind kind, EntityMeta<?> owner, EntityMeta<?> target, Property foreignKey,
            Property references, @Nullable Property typeColumn, @Nullable String typeValue, Action onUpdate,
            Action onDelete) {
        this(field, kind, owner, target, foreignKey, references, typeColumn, typeValue, onUpdate, onDelete, null);
    }

    Relationship(Field field, Kind kind, EntityMeta<?> owner, EntityMeta<?> target, Property foreignKey,
            Property references, @Nullable Property typeColumn, @Nullable String typeValue, Action onUpdate,
            Action onDelete, @Nullable JoinTable joinTable) {
        this.name = field.getName();
        this.kind = kind;
        this.field = field;
        this.owner = owner;
        this.target = target;
        this.foreignKey = foreignKey;
        this.references = references;
        this.typeColumn = typeColumn;
        this.typeValue = typeValue;
        this.onUpdate = onUpdate;
        this.onDelete = onDelete;
        this.joinTable = joinTable;
    }

    /** @return the association (Java field) name */
    public String name() {
        return this.name;
    }

    /** @return the kind of association */
    public Kind kind() {
        return this.kind;
    }

    /** @return whether this is a has-one */
    public boolean hasOne() {
        return this.kind == Kind.HAS_ONE;
    }

    /** @return whether this is a belongs-to */
    public boolean belongsTo() {
        return this.kind == Kind.BELONGS_TO;
    }

    /** @return whether this is a has-many */
    public boolean hasMany() {
        return this.kind == Kind.HAS_MANY;
    }

    /** @return whether this is a many-to-many */
    public boolean manyToMany() {
        return this.kind == Kind.MANY_TO_MANY;
    }

    /** @return whether the field is a collection of targets (has-many or many-to-many) */
    public boolean toMany() {
        return this.kind == Kind.HAS_MANY || this.kind == Kind.MANY_TO_MANY;
    }

    /** @return whether the target table holds the foreign key (has-one or has-many) */
    public boolean targetHoldsKey() {
        return this.kind == Kind.HAS_ONE || this.kind == Kind.HAS_MANY;
    }

    /**
     * The join table of a many-to-many.
     *
     * @return the join table
     * @throws IllegalStateException for any other kind
     */
    public JoinTable joinTable() {
        JoinTable j = this.joinTable;
        if (j == null) {
            throw new IllegalStateException(this + " has no join table");
        }
        return j;
    }

    /** @return the entity that declares the association field */
    public EntityMeta<?> owner() {
        return this.owner;
    }

    /** @return the entity the field points at */
    public EntityMeta<?> target() {
        return this.target;
    }

    /**
     * @return the foreign key: on the target for a has-one or has-many, on the owner for a belongs-to; for a
     *         many-to-many the owner's key the join table references
     */
    public Property foreignKey() {
        return this.foreignKey;
    }

    /**
     * @return the referenced key: on the owner for a has-one or has-many, on the target for a belongs-to; for a
     *         many-to-many the target's key the join table references
     */
    public Property references() {
        return this.references;
    }

    /** @return the polymorphic type column on the target, or {@code null} */
    public @Nullable Property typeColumn() {
        return this.typeColumn;
    }

    /** @return the polymorphic type value, or {@code null} */
    public @Nullable String typeValue() {
        return this.typeValue;
    }

    /** @return whether this is a polymorphic has-one or has-many */
    public boolean polymorphic() {
        return this.typeColumn != null;
    }

    /** @return the constraint's {@code ON UPDATE} action */
    public Action onUpdate() {
        return this.onUpdate;
    }

    /** @return the constraint's {@code ON DELETE} action */
    public Action onDelete() {
        return this.onDelete;
    }

    /**
     * The entity whose table holds the foreign key.
     *
     * @return the target for a has-one or has-many, the owner for a belongs-to
     * @throws IllegalStateException for a many-to-many, whose foreign keys live in its {@link #joinTable()}
     */
    public EntityMeta<?> foreignKeySide() {
        requireNotManyToMany();
        return targetHoldsKey() ? this.target : this.owner;
    }

    /**
     * The entity whose table holds the referenced key.
     *
     * @return the owner for a has-one or has-many, the target for a belongs-to
     * @throws IllegalStateException for a many-to-many, which references both sides from its {@link #joinTable()}
     */
    public EntityMeta<?> referencedSide() {
        requireNotManyToMany();
        return targetHoldsKey() ? this.owner : this.target;
    }

    private void requireNotManyToMany() {
        if (this.kind == Kind.MANY_TO_MANY) {
            // Fail loudly: code written for one foreign key would otherwise emit DDL or SQL for a column that is
            // not there.
            throw new IllegalStateException(this + " keeps its foreign keys in a join table");
        }
    }

    /**
     * @return the property of the owner whose value is matched: the referenced key (has-one, has-many), the foreign
     *         key (belongs-to), the owner's key in the join table (many-to-many)
     */
    public Property ownerKey() {
        return this.kind == Kind.BELONGS_TO || this.kind == Kind.MANY_TO_MANY ? this.foreignKey : this.references;
    }

    /**
     * @return the property of the target whose value is matched: the foreign key (has-one, has-many), the referenced
     *         key (belongs-to), the target's key in the join table (many-to-many)
     */
    public Property targetKey() {
        return targetHoldsKey() ? this.foreignKey : this.references;
    }

    /**
     * @return the type keys are compared in: the referenced key's type, or for a many-to-many the owner's key type
     *         (the join table's owner column stores it)
     */
    public Class<?> keyType() {
        return this.kind == Kind.MANY_TO_MANY ? this.foreignKey.columnType() : this.references.columnType();
    }

    /**
     * The owner's matching key, converted to {@link #keyType()}.
     *
     * @param owner an owner entity
     * @return the key, or {@code null} when unset (null or zero)
     */
    public @Nullable Object ownerKeyValue(Object owner) {
        return matchable(ownerKey().get(owner));
    }

    /**
     * The target's matching key, converted to {@link #keyType()}. For a many-to-many this is the target's own key,
     * not the owner key a preload matches it by (that one comes from the join table).
     *
     * @param target a target entity
     * @return the key, or {@code null} when unset
     */
    public @Nullable Object targetKeyValue(Object target) {
        return matchable(targetKey().get(target));
    }

    /**
     * A key value in the type keys are compared in, or {@code null} when it matches nothing: unset, or not a value of
     * that type at all (text such as {@code "n/a"} in a legacy {@code varchar} foreign key to a numeric key). Matching
     * is not writing, so nothing is lost: such a row simply has no partner, as in SQL, where the join would not
     * match it either.
     */
    private @Nullable Object matchable(@Nullable Object value) {
        if (Property.isBlankValue(value)) {
            return null;
        }
        try {
            return Types.convert(value, keyType());
        }
        catch (IllegalArgumentException ex) {
            return null;
        }
    }

    /**
     * Reads the association field.
     *
     * @param owner the owner
     * @return the associated entity, or {@code null}
     */
    public @Nullable Object get(Object owner) {
        try {
            return this.field.get(owner);
        }
        catch (IllegalAccessException ex) {
            throw new MappingException("Cannot read " + this, ex);
        }
    }

    /**
     * Writes the association field. For a to-many association the value is a collection, copied into a new
     * {@code ArrayList} (for a {@code List} or {@code Collection} field) or {@code LinkedHashSet} (for a {@code Set}),
     * so the owner holds a mutable collection of its own and the order is kept.
     *
     * @param owner the owner
     * @param value the associated entity or collection, or {@code null}
     */
    public void set(Object owner, @Nullable Object value) {
        Object stored = value;
        if (value != null && toMany()) {
            Collection<?> values = (Collection<?>) value;
            stored = Set.class.isAssignableFrom(this.field.getType()) ? new LinkedHashSet<>(values)
                    : new ArrayList<>(values);
        }
        try {
            this.field.set(owner, stored);
        }
        catch (IllegalAccessException ex) {
            throw new MappingException("Cannot write " + this, ex);
        }
    }

    /**
     * The targets an owner holds: the elements of a to-many field (nulls skipped), or the one target of a to-one
     * field; empty when the field is {@code null}.
     *
     * @param owner the owner
     * @return the targets, in the field's order
     */
    public List<Object> targets(Object owner) {
        Object value = get(owner);
        if (value == null) {
            return List.of();
        }
        if (!toMany()) {
            return List.of(value);
        }
        List<Object> out = new ArrayList<>(((Collection<?>) value).size());
        for (Object o : (Collection<?>) value) {
            if (o != null) {
                out.add(o);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return this.owner.type().getSimpleName() + "." + this.name + " (" + this.kind + " " + this.foreignKey
                + " -> " + this.references + (this.typeColumn != null ? ", " + this.typeColumn + " = '"
                + this.typeValue + "'" : "") + (this.joinTable != null ? " through " + this.joinTable.table() : "")
                + ")";
    }
}
