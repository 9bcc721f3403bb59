package io.relata.internal.meta;

import io.relata.MappingException;
import io.relata.annotation.ManyToMany;
import java.lang.reflect.Field;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a {@code @ManyToMany} field into a relationship with its join table, following GORM's
 * {@code buildMany2ManyRelation} ({@code schema/relationship.go}):
 *
 * <ul>
 * <li>the join table is {@code joinTable}, else {@code <owner type>_<field>} in snake case ({@code user_languages});</li>
 * <li>the owner's column is {@code joinForeignKey}, else {@code <OwnerType><Key>} ({@code user_id}), referencing the
 * owner's {@code foreignKey} field (its primary key by default);</li>
 * <li>the target's column is {@code joinReferences}, else {@code <TargetType><Key>} ({@code language_id}),
 * referencing the target's {@code references} field; when that would be the owner's column too (a
 * self-reference), GORM's {@code inflection.Singular(field) + Key}: {@code friend_id} for {@code User.friends};</li>
 * <li>both columns take the type of the key they reference.</li>
 * </ul>
 */
final class JoinTables {

    private JoinTables() {
    }

    static Relationship manyToMany(EntityMeta<?> owner, Field field, EntityMeta<?> target, ManyToMany m2m) {
        Property ownerKey = Relationships.referenced(owner, field, m2m.foreignKey(), "@ManyToMany(foreignKey)");
        Property targetKey = Relationships.referenced(target, field, m2m.references(), "@ManyToMany(references)");
        String table = m2m.joinTable().isEmpty()
                ? Naming.snake(owner.type().getSimpleName()) + "_" + Naming.snake(field.getName())
                : m2m.joinTable();
        String ownerColumn = m2m.joinForeignKey().isEmpty()
                ? Naming.snake(owner.type().getSimpleName() + Naming.capitalize(ownerKey.name()))
                : Naming.snake(m2m.joinForeignKey());
        String targetColumn;
        String targetName = target.type().getSimpleName();
        if (!m2m.joinReferences().isEmpty()) {
            targetColumn = Naming.snake(m2m.joinReferences());
        }
        else {
            targetColumn = Naming.snake(target.type().getSimpleName() + Naming.capitalize(targetKey.name()));
            if (targetColumn.equals(ownerColumn)) {
                boolean namedLikeTheType = field.getName().equalsIgnoreCase(target.type().getSimpleName());
                targetColumn = namedLikeTheType ? targetColumn + "_reference"
                        : Naming.snake(Naming.singular(field.getName()) + Naming.capitalize(targetKey.name()));
            }
        }
        if (targetName.equals(owner.type().getSimpleName())) {
            // GORM names the join table's second relation after the field when both sides are one type
            // (fk_user_friends_friends), so the two constraints get distinct names.
            targetName = Naming.capitalize(field.getName());
        }
        if (ownerColumn.equalsIgnoreCase(targetColumn)) {
            throw new MappingException("Invalid many-to-many " + Relationships.where(owner, field) + ": both join "
                    + "columns of " + table + " are named " + ownerColumn + "; name them apart with joinForeignKey "
                    + "and joinReferences");
        }
        EntityMeta<?> entity = joinEntity(owner, field, m2m, table, ownerColumn, ownerKey, targetColumn, targetKey);
        JoinTable join = new JoinTable(table, ownerColumn, ownerKey.columnType(), Naming.snake(owner.type()
                .getSimpleName()), targetColumn, targetKey.columnType(), Naming.snake(targetName), entity);
        checkUnique(owner, field, ownerKey, m2m);
        checkUnique(owner, field, targetKey, m2m);
        return new Relationship(field, Relationship.Kind.MANY_TO_MANY, owner, target, ownerKey, targetKey, null, null,
                m2m.onUpdate(), m2m.onDelete(), join);
    }

    /**
     * The join entity, when declared: it must map the join table and hold both key columns as its {@code @Id}
     * fields (GORM: "Customized join table's foreign keys required to be composited primary keys"); those fields
     * take the referenced keys' types.
     */
    private static @Nullable EntityMeta<?> joinEntity(EntityMeta<?> owner, Field field, ManyToMany m2m, String table,
            String ownerColumn, Property ownerKey, String targetColumn, Property targetKey) {
        if (m2m.joinEntity() == void.class) {
            return null;
        }
        EntityMeta<?> entity;
        try {
            entity = Metadata.of(m2m.joinEntity());
        }
        catch (MappingException ex) {
            throw new MappingException("Cannot map the join entity of " + Relationships.where(owner, field) + ": "
                    + ex.getMessage(), ex);
        }
        String where = "The join entity " + entity.type().getSimpleName() + " of " + Relationships.where(owner, field);
        if (!entity.table().equalsIgnoreCase(table)) {
            throw new MappingException(where + " maps the table " + entity.table() + ", not the join table " + table
                    + "; give it @Table(\"" + table + "\") or set joinTable");
        }
        Property own = column(entity, ownerColumn);
        Property other = column(entity, targetColumn);
        if (own == null || other == null || !entity.keys().contains(own) || !entity.keys().contains(other)
                || entity.keys().size() != 2) {
            throw new MappingException(where + " must have exactly two @Id fields, for the join columns "
                    + ownerColumn + " and " + targetColumn + " (the join table's composite primary key); its keys are "
                    + entity.keys());
        }
        Relationships.adoptType(own, ownerKey);
        Relationships.adoptType(other, targetKey);
        return entity;
    }

    private static @Nullable Property column(EntityMeta<?> entity, String column) {
        for (Property p : entity.properties()) {
            if (p.column().equalsIgnoreCase(column)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Constraint actions were asked for, and a constraint needs a unique referenced column (PostgreSQL: "there is
     * no unique constraint matching given keys"); GORM's page warns of the same. Without actions the migration
     * only skips the constraint (and logs why).
     */
    private static void checkUnique(EntityMeta<?> owner, Field field, Property referenced, ManyToMany m2m) {
        boolean actions = m2m.onUpdate() != io.relata.annotation.Action.DEFAULT
                || m2m.onDelete() != io.relata.annotation.Action.DEFAULT;
        if (actions && !unique(referenced)) {
            throw new MappingException("Invalid many-to-many " + Relationships.where(owner, field) + ": onUpdate/"
                    + "onDelete need foreign-key constraints, and the referenced field " + referenced + " is neither a "
                    + "primary key nor marked @UniqueIndex; add @UniqueIndex to " + referenced);
        }
    }

    /**
     * Whether a column is unique by mapping: the primary key or a one-column {@code @UniqueIndex}.
     *
     * @param p a property
     * @return whether a foreign key may reference it
     */
    static boolean unique(Property p) {
        EntityMeta<?> side = p.owner();
        return (p.equals(side.id()) && !side.compositeKey()) || side.indexes().stream()
                .anyMatch(i -> i.unique() && i.columns().size() == 1 && i.columns().get(0).equals(p));
    }
}
