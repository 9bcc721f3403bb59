package io.relata.internal.meta;

import io.relata.MappingException;
import io.relata.annotation.Action;
import io.relata.annotation.BelongsTo;
import io.relata.annotation.HasOne;
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
        EntityMeta<?> target;
        try {
            target = Metadata.of(field.getType());
        }
        catch (MappingException ex) {
            throw new MappingException("Cannot map association " + where(owner, field) + ": its type cannot be mapped: "
                    + ex.getMessage(), ex);
        }
        HasOne hasOne = field.getAnnotation(HasOne.class);
        BelongsTo belongsTo = field.getAnnotation(BelongsTo.class);
        if (hasOne != null && belongsTo != null) {
            throw new MappingException("Association " + where(owner, field) + " is annotated both @HasOne and @BelongsTo");
        }
        Set<String> tried = new LinkedHashSet<>();
        Relationship found;
        if (hasOne != null) {
            found = hasOne.polymorphic().isEmpty()
                    ? hasOne(owner, field, target, hasOne.foreignKey(), hasOne.references(), hasOne.onUpdate(),
                            hasOne.onDelete(), tried)
                    : polymorphic(owner, field, target, hasOne);
        }
        else if (belongsTo != null) {
            found = belongsTo(owner, field, target, belongsTo.foreignKey(), belongsTo.references(), belongsTo.onUpdate(),
                    belongsTo.onDelete(), tried);
        }
        else if (target == owner) {
            found = belongsTo(owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT, tried);
            if (found == null) {
                found = hasOne(owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT, tried);
            }
        }
        else {
            found = hasOne(owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT, tried);
            if (found == null) {
                found = belongsTo(owner, field, target, "", "", Action.DEFAULT, Action.DEFAULT, tried);
            }
        }
        if (found == null) {
            throw new MappingException("Cannot resolve association " + where(owner, field) + " (type "
                    + target.type().getSimpleName() + "): no foreign key found; looked for " + String.join(", ", tried)
                    + ". Add the foreign-key field, or name it with @HasOne(foreignKey = ...) or "
                    + "@BelongsTo(foreignKey = ...)");
        }
        return found;
    }

    private static @Nullable Relationship hasOne(EntityMeta<?> owner, Field field, EntityMeta<?> target,
            String foreignKey, String references, Action onUpdate, Action onDelete, Set<String> tried) {
        Property referenced = referenced(owner, field, references, "@HasOne(references)");
        List<String> names = foreignKey.isEmpty()
                ? List.of(owner.type().getSimpleName() + Naming.capitalize(referenced.name()))
                : List.of(foreignKey);
        Property fk = find(target, names, tried, "has-one foreign key");
        if (fk == null) {
            return null;
        }
        adoptType(fk, referenced);
        return new Relationship(field, Relationship.Kind.HAS_ONE, owner, target, fk, referenced, null, null, onUpdate,
                onDelete);
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

    private static Relationship polymorphic(EntityMeta<?> owner, Field field, EntityMeta<?> target, HasOne hasOne) {
        String prefix = hasOne.polymorphic();
        Property referenced = referenced(owner, field, hasOne.references(), "@HasOne(references)");
        String idName = hasOne.foreignKey().isEmpty() ? prefix + "Id" : hasOne.foreignKey();
        Property id = target.property(idName);
        Property type = target.property(prefix + "Type");
        if (id == null || type == null) {
            throw new MappingException("Invalid polymorphic association " + where(owner, field) + ": "
                    + target.type().getSimpleName() + " is missing field "
                    + (id == null ? idName : prefix + "Type") + " (a polymorphic '" + prefix + "' target needs "
                    + idName + " and " + prefix + "Type)");
        }
        if (type.columnType() != String.class) {
            throw new MappingException("Invalid polymorphic association " + where(owner, field) + ": "
                    + type + " must be a String");
        }
        adoptType(id, referenced);
        String value = hasOne.polymorphicValue().isEmpty() ? owner.table() : hasOne.polymorphicValue();
        return new Relationship(field, Relationship.Kind.HAS_ONE, owner, target, id, referenced, type, value,
                hasOne.onUpdate(), hasOne.onDelete());
    }

    private static Property referenced(EntityMeta<?> side, Field field, String references, String what) {
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
            tried.add(what + " " + side.type().getSimpleName() + "." + Naming.decapitalize(name) + " (column "
                    + Naming.snake(Naming.decapitalize(name)) + ")");
            Property p = side.property(name);
            if (p == null) {
                p = side.property(Naming.snake(name));
            }
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /**
     * GORM gives a foreign key the referenced key's column type (the "Toy.OwnerID string became owner_id integer"
     * lab finding in shared/gorm/SEMANTICS.md); values are converted between the two.
     */
    private static void adoptType(Property foreignKey, Property referenced) {
        if (foreignKey.columnType() != referenced.columnType()) {
            foreignKey.columnType(referenced.columnType());
        }
    }

    private static String where(EntityMeta<?> owner, Field field) {
        return owner.type().getSimpleName() + "." + field.getName();
    }
}
