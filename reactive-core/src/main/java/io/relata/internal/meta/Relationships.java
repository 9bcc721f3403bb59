package io.relata.internal.meta;

import io.relata.MappingException;
import io.relata.annotation.Action;
import io.relata.annotation.BelongsTo;
import io.relata.annotation.HasMany;
import io.relata.annotation.HasOne;
import io.relata.annotation.ManyToMany;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Infers relationships as GORM's {@code schema/relationship.go} does, with DESIGN.md's changes.
 *
 * <ul>
 * <li>{@code @HasOne}: the target holds {@code foreignKey}, else {@code <OwnerType><Key>} (key = the referenced
 * field, the owner's primary key unless {@code references}); {@code polymorphic = "X"}: the target holds
 * {@code XId} and {@code XType}.</li>
 * <li>{@code @BelongsTo}: the owner holds {@code foreignKey}, else {@code <field><Key>}.</li>
 * <li>No annotation: has-one first, then belongs-to; for a field of the owner's own type belongs-to first (GORM's
 * self-reference rule), so {@code Long managerId; User manager} is a belongs-to.</li>
 * <li>A {@code List}, {@code Set} or {@code Collection} of an entity: has-many (GORM's {@code guessHas} for a
 * slice), found as a has-one is, or declared with {@code @HasMany}; many-to-many only when declared with
 * {@code @ManyToMany} ({@link JoinTables}).</li>
 * </ul>
 * A relationship that cannot be resolved is a {@link MappingException} naming every key that was looked for
 * (GORM's opaque "invalid field found" is a known complaint, go-gorm/gorm#6553).
 */
final class Relationships {

    private Relationships() {
    }

    static List<Relationship> resolve(EntityMeta<?> owner) {
        List<Relationship> out = new ArrayList<>();
        for (Field field : owner.associationFields()) {
            out.add(resolve(owner, field));
        }
        return List.copyOf(out);
    }

    private static Relationship resolve(EntityMeta<?> owner, Field field) {
        Class<?> element = EntityClasses.elementType(field);
        Class<?> targetType = element != null ? element : field.getType();
        EntityMeta<?> target;
        try {
            target = Metadata.of(targetType);
        }
        catch (MappingException ex) {
            throw new MappingException("Cannot map association " + where(owner, field) + ": its "
                    + (element != null ? "element " : "") + "type cannot be mapped: " + ex.getMessage(), ex);
        }
        Relationship found = element != null ? resolveToMany(owner, field, target) : resolveToOne(owner, field, target);
        checkActions(found);
        return found;
    }

    private static Relationship resolveToOne(EntityMeta<?> owner, Field field, EntityMeta<?> target) {
        HasOne hasOne = field.getAnnotation(HasOne.class);
        BelongsTo belongsTo = field.getAnnotation(BelongsTo.class);
        if (field.isAnnotationPresent(HasMany.class) || field.isAnnotationPresent(ManyToMany.class)) {
            throw new MappingException("Association " + where(owner, field) + " is annotated @HasMany or @ManyToMany "
                    + "but its type " + field.getType().getSimpleName() + " is not a collection; declare it as List<"
                    + field.getType().getSimpleName() + ">, Set<...> or Collection<...>");
        }
        if (hasOne != null && belongsTo != null) {
            throw new MappingException("Association " + where(owner, field) + " is annotated both @HasOne and @BelongsTo");
        }
        Set<String> tried = new LinkedHashSet<>();
        Relationship found;
        if (hasOne != null) {
            found = hasOne.polymorphic().isEmpty()
                    ? has(Relationship.Kind.HAS_ONE, owner, field, target, hasOne.foreignKey(), hasOne.references(),
                            hasOne.onUpdate(), hasOne.onDelete(), tried)
                    : polymorphic(Relationship.Kind.HAS_ONE, owner, field, target, hasOne.polymorphic(),
                            hasOne.polymorphicValue(), hasOne.foreignKey(), hasOne.references(), hasOne.onUpdate(),
                            hasOne.onDelete(), "@HasOne");
        }
        else if (belongsTo != null) {
            found = belongsTo(owner, field, target, belongsTo.foreignKey(), belongsTo.references(), belongsTo.onUpdate(),
                    belongsTo.onDelete(), tried);
        }
        else if (target == owner) {
            found = belongsTo(owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT, tried);
            if (found == null) {
                found = has(Relationship.Kind.HAS_ONE, owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT,
                        tried);
            }
        }
        else {
            found = has(Relationship.Kind.HAS_ONE, owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT, tried);
            if (found == null) {
                found = belongsTo(owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT, tried);
            }
        }
        if (found == null) {
            throw new MappingException("Cannot resolve association " + where(owner, field) + " of "
                    + owner.type().getName() + " (type " + target.type().getSimpleName()
                    + "): no foreign key found; looked for " + String.join(", then ", tried)
                    + ". Add the foreign-key field, or name it with @HasOne(foreignKey = ...) or "
                    + "@BelongsTo(foreignKey = ...)");
        }
        return found;
    }

    /**
     * A collection field: many-to-many when declared so, else has-many, as GORM guesses a slice ({@code guessHas}:
     * the element type holds {@code <OwnerType><Key>}). Unlike GORM, whose error names no key, a miss lists what was
     * looked for and both ways to declare it.
     */
    private static Relationship resolveToMany(EntityMeta<?> owner, Field field, EntityMeta<?> target) {
        HasMany hasMany = field.getAnnotation(HasMany.class);
        ManyToMany manyToMany = field.getAnnotation(ManyToMany.class);
        if (field.isAnnotationPresent(HasOne.class) || field.isAnnotationPresent(BelongsTo.class)) {
            throw new MappingException("Association " + where(owner, field) + " is a collection, so it cannot be "
                    + "@HasOne or @BelongsTo; use @HasMany or @ManyToMany");
        }
        if (hasMany != null && manyToMany != null) {
            throw new MappingException("Association " + where(owner, field) + " is annotated both @HasMany and "
                    + "@ManyToMany");
        }
        if (manyToMany != null) {
            return JoinTables.manyToMany(owner, field, target, manyToMany);
        }
        if (hasMany != null && !hasMany.polymorphic().isEmpty()) {
            return polymorphic(Relationship.Kind.HAS_MANY, owner, field, target, hasMany.polymorphic(),
                    hasMany.polymorphicValue(), hasMany.foreignKey(), hasMany.references(), hasMany.onUpdate(),
                    hasMany.onDelete(), "@HasMany");
        }
        Set<String> tried = new LinkedHashSet<>();
        Relationship found = hasMany != null
                ? has(Relationship.Kind.HAS_MANY, owner, field, target, hasMany.foreignKey(), hasMany.references(),
                        hasMany.onUpdate(), hasMany.onDelete(), tried)
                : has(Relationship.Kind.HAS_MANY, owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT, tried);
        if (found == null) {
            throw new MappingException("Cannot resolve association " + where(owner, field) + " of "
                    + owner.type().getName() + " (a collection of " + target.type().getSimpleName()
                    + "): no foreign key found; looked for " + String.join(", then ", tried) + ". Add the "
                    + "foreign-key field to " + target.type().getSimpleName() + ", name it with @HasMany(foreignKey = "
                    + "...), or declare a join table with @ManyToMany");
        }
        return found;
    }

    /**
     * {@code onUpdate}/{@code onDelete} ask for a constraint, and a constraint needs a unique referenced column (the
     * primary key or an {@code @UniqueIndex} field: PostgreSQL rejects others with "there is no unique constraint
     * matching given keys"); a polymorphic has-one gets no constraint at all (GORM never registers one,
     * shared/gorm/SEMANTICS.md section 7). Either way the actions could never take effect, so the mapping is
     * rejected rather than the actions silently dropped.
     */
    private static void checkActions(Relationship r) {
        if (r.onUpdate() == Action.DEFAULT && r.onDelete() == Action.DEFAULT) {
            return;
        }
        if (r.polymorphic()) {
            throw new MappingException("Invalid association " + where(r.owner(), r.name()) + ": a polymorphic "
                    + (r.hasMany() ? "has-many" : "has-one") + " gets no foreign-key constraint, so onUpdate/onDelete "
                    + "cannot apply; remove them");
        }
        if (r.manyToMany()) {
            // Checked by JoinTables for both sides of the join table.
            return;
        }
        Property referenced = r.references();
        EntityMeta<?> side = r.referencedSide();
        boolean unique = referenced.equals(side.id()) || side.indexes().stream()
                .anyMatch(i -> i.unique() && i.columns().size() == 1 && i.columns().get(0).equals(referenced));
        if (!unique) {
            throw new MappingException("Invalid association " + where(r.owner(), r.name()) + ": onUpdate/onDelete "
                    + "need a foreign-key constraint, and the referenced field " + referenced + " is neither a primary "
                    + "key nor marked @UniqueIndex (a constraint needs a unique referenced column); add @UniqueIndex to "
                    + referenced);
        }
    }

    /** A has-one or has-many: the target holds the foreign key, {@code <OwnerType><Key>} unless named. */
    private static @Nullable Relationship has(Relationship.Kind kind, EntityMeta<?> owner, Field field,
            EntityMeta<?> target, String foreignKey, String references, Action onUpdate, Action onDelete,
            Set<String> tried) {
        String what = kind == Relationship.Kind.HAS_ONE ? "has-one" : "has-many";
        Property referenced = referenced(owner, field, references,
                (kind == Relationship.Kind.HAS_ONE ? "@HasOne" : "@HasMany") + "(references)");
        List<String> names = foreignKey.isEmpty()
                ? List.of(owner.type().getSimpleName() + Naming.capitalize(referenced.name()))
                : List.of(foreignKey);
        Property fk = find(target, names, tried, what + " foreign key");
        if (fk == null || fk == referenced) {
            // A self-referential has-many whose default key is the owner's own id (List<User> without a foreignKey)
            // would match every row with itself: no usable key.
            return null;
        }
        adoptType(fk, referenced);
        return new Relationship(field, kind, owner, target, fk, referenced, null, null, onUpdate, onDelete);
    }

    private static @Nullable Relationship belongsTo(EntityMeta<?> owner, Field field, EntityMeta<?> target,
            String foreignKey, String references, Action onUpdate, Action onDelete, Set<String> tried) {
        Property referenced = referenced(target, field, references, "@BelongsTo(references)");
        List<String> names = foreignKey.isEmpty()
                ? List.of(field.getName() + Naming.capitalize(referenced.name()))
                : List.of(foreignKey);
        Property fk = find(owner, names, tried, "belongs-to foreign key");
        if (fk == null) {
            return null;
        }
        if (fk == referenced) {
            return null;
        }
        adoptType(fk, referenced);
        return new Relationship(field, Relationship.Kind.BELONGS_TO, owner, target, fk, referenced, null, null,
                onUpdate, onDelete);
    }

    private static Relationship polymorphic(Relationship.Kind kind, EntityMeta<?> owner, Field field,
            EntityMeta<?> target, String prefix, String polymorphicValue, String foreignKey, String references,
            Action onUpdate, Action onDelete, String annotation) {
        Property referenced = referenced(owner, field, references, annotation + "(references)");
        // GORM's polymorphic:Owner looks up OwnerID and OwnerType on the target (schema/relationship.go
        // buildPolymorphicRelation); the id may be renamed with foreignKey, as GORM's polymorphicId tag does.
        String idName = foreignKey.isEmpty() ? prefix + "Id" : foreignKey;
        String typeName = prefix + "Type";
        Property id = lookUp(target, idName);
        Property type = lookUp(target, typeName);
        String value = polymorphicValue.isEmpty() ? owner.table() : polymorphicValue;
        if (id == null || type == null) {
            List<String> missing = new ArrayList<>();
            if (id == null) {
                missing.add(describe(target, idName));
            }
            if (type == null) {
                missing.add(describe(target, typeName));
            }
            throw new MappingException("Invalid polymorphic association " + where(owner, field) + " (" + annotation
                    + "(polymorphic = \"" + prefix + "\")): " + target.type().getSimpleName() + " has no field "
                    + String.join(" and no field ", missing) + "; a polymorphic '" + prefix + "' target needs both "
                    + describe(target, idName) + " and " + describe(target, typeName));
        }
        if (type.columnType() != String.class) {
            throw new MappingException("Invalid polymorphic association " + where(owner, field) + ": its type column "
                    + type + " must be a String (it stores '" + value + "'), not " + type.type().getSimpleName());
        }
        adoptType(id, referenced);
        return new Relationship(field, kind, owner, target, id, referenced, type, value, onUpdate, onDelete);
    }

    static Property referenced(EntityMeta<?> side, Field field, String references, String what) {
        if (references.isEmpty()) {
            return side.id();
        }
        Property p = side.property(references);
        if (p == null) {
            throw new MappingException("Cannot resolve association " + field.getDeclaringClass().getSimpleName() + "."
                    + field.getName() + ": " + what + " names '" + references + "', which is not a field of "
                    + side.type().getSimpleName());
        }
        return p;
    }

    private static @Nullable Property find(EntityMeta<?> side, List<String> names, Set<String> tried, String what) {
        for (String name : names) {
            tried.add(what + " " + describe(side, name));
            Property p = lookUp(side, name);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /**
     * GORM's {@code LookUpField}: the DB name, then the Go field name, then the column name of the given name, so
     * {@code UserID}, {@code userId} and {@code user_id} all find {@code userId} (case-insensitive here).
     */
    static @Nullable Property lookUp(EntityMeta<?> side, String name) {
        Property p = side.property(name);
        return p != null ? p : side.property(Naming.snake(name));
    }

    static String describe(EntityMeta<?> side, String name) {
        String field = Naming.decapitalize(name);
        return side.type().getSimpleName() + "." + field + " (column " + Naming.snake(field) + ")";
    }

    /**
     * GORM gives a foreign key the referenced key's column type (the "Toy.OwnerID string became owner_id integer"
     * lab finding in shared/gorm/SEMANTICS.md); values are converted between the two.
     */
    static void adoptType(Property foreignKey, Property referenced) {
        if (foreignKey.columnType() != referenced.columnType()) {
            foreignKey.columnType(referenced.columnType());
        }
    }

    static String where(EntityMeta<?> owner, Field field) {
        return where(owner, field.getName());
    }

    private static String where(EntityMeta<?> owner, String field) {
        return owner.type().getSimpleName() + "." + field;
    }
}
