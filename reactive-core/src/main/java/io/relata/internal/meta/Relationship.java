package io.relata.internal.meta;

import io.relata.MappingException;
import io.relata.annotation.Action;
import java.lang.reflect.Field;
import org.jspecify.annotations.Nullable;

/**
 * One has-one or belongs-to association, in the single form that preload, joins, saves, association mode and
 * migration share: a foreign key on one side, the key it references on the other, and for a polymorphic has-one a
 * type column on the target that must equal a constant value (GORM's {@code Reference.PrimaryValue}).
 *
 * <p>For a has-one the foreign key lives on the target and references the owner; for a belongs-to it lives on the
 * owner and references the target. {@link #ownerKey()} and {@link #targetKey()} hide that difference: the
 * association matches when {@code ownerKey(owner)} equals {@code targetKey(target)}.
 */
public final class Relationship {

    /** The kind of association. */
    public enum Kind {
        /** The target holds a foreign key to the owner. */
        HAS_ONE,
        /** The owner holds a foreign key to the target. */
        BELONGS_TO
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

    Relationship(Field field, Kind kind, EntityMeta<?> owner, EntityMeta<?> target, Property foreignKey,
            Property references, @Nullable Property typeColumn, @Nullable String typeValue, Action onUpdate,
            Action onDelete) {
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
    }

    /** @return the association (Java field) name */
    public String name() {
        return this.name;
    }

    /** @return has-one or belongs-to */
    public Kind kind() {
        return this.kind;
    }

    /** @return whether this is a has-one */
    public boolean hasOne() {
        return this.kind == Kind.HAS_ONE;
    }

    /** @return the entity that declares the association field */
    public EntityMeta<?> owner() {
        return this.owner;
    }

    /** @return the entity the field points at */
    public EntityMeta<?> target() {
        return this.target;
    }

    /** @return the foreign key: on the target for a has-one, on the owner for a belongs-to */
    public Property foreignKey() {
        return this.foreignKey;
    }

    /** @return the referenced key: on the owner for a has-one, on the target for a belongs-to */
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

    /** @return whether this is a polymorphic has-one */
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

    /** @return the entity whose table holds the foreign key */
    public EntityMeta<?> foreignKeySide() {
        return hasOne() ? this.target : this.owner;
    }

    /** @return the entity whose table holds the referenced key */
    public EntityMeta<?> referencedSide() {
        return hasOne() ? this.owner : this.target;
    }

    /** @return the property of the owner whose value is matched: the referenced key (has-one) or the foreign key */
    public Property ownerKey() {
        return hasOne() ? this.references : this.foreignKey;
    }

    /** @return the property of the target whose value is matched: the foreign key (has-one) or the referenced key */
    public Property targetKey() {
        return hasOne() ? this.foreignKey : this.references;
    }

    /** @return the type keys are compared in: the referenced key's type */
    public Class<?> keyType() {
        return this.references.columnType();
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
     * The target's matching key, converted to {@link #keyType()}.
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
     * Writes the association field.
     *
     * @param owner the owner
     * @param value the associated entity, or {@code null}
     */
    public void set(Object owner, @Nullable Object value) {
        try {
            this.field.set(owner, value);
        }
        catch (IllegalAccessException ex) {
            throw new MappingException("Cannot write " + this, ex);
        }
    }

    @Override
    public String toString() {
        return this.owner.type().getSimpleName() + "." + this.name + " (" + this.kind + " " + this.foreignKey
                + " -> " + this.references + (this.typeColumn != null ? ", " + this.typeColumn + " = '"
                + this.typeValue + "'" : "") + ")";
    }
}
