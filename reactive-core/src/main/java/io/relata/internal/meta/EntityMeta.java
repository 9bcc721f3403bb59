package io.relata.internal.meta;

import io.relata.MappingException;
import io.relata.annotation.Column;
import io.relata.annotation.Id;
import io.relata.annotation.Index;
import io.relata.annotation.Table;
import io.relata.annotation.UniqueIndex;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Everything Relata knows about one entity class: table, columns, primary key, managed timestamps, soft delete,
 * indexes and relationships. Built once per class by {@link Metadata} and cached.
 *
 * @param <T> the entity type
 */
public final class EntityMeta<T> {

    private final Class<T> type;

    private final String table;

    private final Constructor<T> constructor;

    private final List<Property> properties;

    private final Map<String, Property> byName;

    private final Property id;

    private final List<Property> keys;

    private final @Nullable Property createdAt;

    private final @Nullable Property updatedAt;

    private final @Nullable Property deletedAt;

    private final List<IndexDef> indexes;

    private final List<Field> associationFields;

    private volatile @Nullable List<Relationship> relationships;

    private int idIndex = -1;

    private final ConcurrentMap<Object, Object> derived = new ConcurrentHashMap<>(4);

    @SuppressWarnings("this-escape")
    EntityMeta(Class<T> type) {
        this.type = type;
        Table table = type.getAnnotation(Table.class);
        this.table = table != null ? table.value() : Naming.table(type);
        this.constructor = EntityClasses.constructor(type);
        List<Property> properties = new ArrayList<>();
        List<Field> associations = new ArrayList<>();
        Property id = null;
        Property idByName = null;
        Map<String, List<Property>> indexColumns = new LinkedHashMap<>();
        Map<String, Boolean> indexUnique = new HashMap<>();
        List<Property> keys = new ArrayList<>();
        for (Field field : EntityClasses.fields(type)) {
            if (!Types.isScalar(field.getType())) {
                if (EntityClasses.elementType(field) == null && EntityClasses.unmappable(field.getType())) {
                    throw new MappingException("Cannot map field " + type.getName() + "." + field.getName() + " of type "
                            + field.getGenericType().getTypeName() + ": supported column types are Long, Integer, Short, "
                            + "Boolean, String, BigDecimal, Double, Float, Instant, LocalDate, LocalDateTime, "
                            + "OffsetDateTime, UUID, byte[] and enums; associations are entity-typed fields, or "
                            + "List, Set or Collection fields of an entity type; mark other fields @Transient");
                }
                associations.add(field);
                continue;
            }
            Column column = field.getAnnotation(Column.class);
            Property property = new Property(this, field, column != null ? column.value() : Naming.snake(field.getName()));
            properties.add(property);
            if (field.isAnnotationPresent(Id.class)) {
                // Two @Id fields make a composite key, which only a many-to-many join entity may have (GORM's
                // SetupJoinTable example: PersonAddress{PersonID, AddressID}); Relata.repository() rejects it.
                keys.add(property);
                if (id == null) {
                    id = property;
                }
            }
            if (field.getName().equalsIgnoreCase("id")) {
                idByName = property;
            }
            Index index = field.getAnnotation(Index.class);
            if (index != null) {
                String name = index.value().isEmpty() ? "idx_" + this.table + "_" + property.column() : index.value();
                indexColumns.computeIfAbsent(name, k -> new ArrayList<>()).add(property);
                indexUnique.putIfAbsent(name, false);
            }
            UniqueIndex unique = field.getAnnotation(UniqueIndex.class);
            if (unique != null) {
                String name = unique.value().isEmpty() ? "idx_" + this.table + "_" + property.column() : unique.value();
                indexColumns.computeIfAbsent(name, k -> new ArrayList<>()).add(property);
                indexUnique.put(name, true);
            }
        }
        if (id == null) {
            id = idByName;
        }
        if (id == null) {
            throw new MappingException("Entity " + type.getName() + " has no primary key: annotate a field with @Id "
                    + "or name it 'id' (or extend io.relata.Model)");
        }
        this.id = id;
        this.keys = keys.isEmpty() ? List.of(id) : List.copyOf(keys);
        this.properties = List.copyOf(properties);
        Map<String, Property> byName = new HashMap<>();
        for (Property p : properties) {
            byName.putIfAbsent(p.column().toLowerCase(Locale.ROOT), p);
        }
        for (Property p : properties) {
            byName.put(p.name().toLowerCase(Locale.ROOT), p);
        }
        this.byName = Map.copyOf(byName);
        this.createdAt = timestamp("createdAt");
        this.updatedAt = timestamp("updatedAt");
        this.deletedAt = timestamp("deletedAt");
        if (this.deletedAt != null) {
            // GORM indexes the soft-delete column: every query filters on it.
            indexColumns.putIfAbsent("idx_" + this.table + "_" + this.deletedAt.column(), List.of(this.deletedAt));
            indexUnique.putIfAbsent("idx_" + this.table + "_" + this.deletedAt.column(), false);
        }
        this.indexes = indexColumns.entrySet().stream()
                .map(e -> new IndexDef(e.getKey(), List.copyOf(e.getValue()), indexUnique.get(e.getKey())))
                .collect(Collectors.toUnmodifiableList());
        this.associationFields = List.copyOf(associations);
    }

    private @Nullable Property timestamp(String name) {
        Property p = this.byName.get(name.toLowerCase(Locale.ROOT));
        if (p == null || !p.name().equals(name)) {
            return null;
        }
        Class<?> t = p.type();
        return t == Instant.class || t == LocalDateTime.class || t == OffsetDateTime.class ? p : null;
    }

    /** @return the position of the primary key in {@link #properties()} */
    public int idIndex() {
        int i = this.idIndex;
        if (i < 0) {
            i = this.properties.indexOf(this.id);
            this.idIndex = i;
        }
        return i;
    }

    /** @return the entity class */
    public Class<T> type() {
        return this.type;
    }

    /** @return the unquoted table name */
    public String table() {
        return this.table;
    }

    /** @return the mapped columns in declaration order (superclass fields first), primary key included */
    public List<Property> properties() {
        return this.properties;
    }

    /** @return the primary key (the first {@code @Id} field of a composite key) */
    public Property id() {
        return this.id;
    }

    /** @return the primary key columns: the primary key, or the {@code @Id} fields of a composite key */
    public List<Property> keys() {
        return this.keys;
    }

    /** @return whether the primary key spans several {@code @Id} fields (only a join entity may) */
    public boolean compositeKey() {
        return this.keys.size() > 1;
    }

    /** @return whether the database generates the primary key (a {@code Long} or {@code Integer} key) */
    public boolean generatedId() {
        if (compositeKey()) {
            return false;
        }
        Class<?> t = this.id.columnType();
        return t == Long.class || t == Integer.class;
    }

    /** @return whether Relata generates the primary key client-side (a {@code UUID} key) */
    public boolean uuidId() {
        return this.id.columnType() == UUID.class;
    }

    /** @return the {@code createdAt} timestamp, or {@code null} */
    public @Nullable Property createdAt() {
        return this.createdAt;
    }

    /** @return the {@code updatedAt} timestamp, or {@code null} */
    public @Nullable Property updatedAt() {
        return this.updatedAt;
    }

    /** @return the soft-delete timestamp {@code deletedAt}, or {@code null} when rows are hard-deleted */
    public @Nullable Property deletedAt() {
        return this.deletedAt;
    }

    /** @return the indexes {@code migrate} creates */
    public List<IndexDef> indexes() {
        return this.indexes;
    }

    /**
     * Finds a property by Java field name or column name, case-insensitively.
     *
     * @param name a field or column name
     * @return the property, or {@code null}
     */
    public @Nullable Property property(String name) {
        return this.byName.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Finds a property by Java field name or column name, case-insensitively.
     *
     * @param name a field or column name
     * @return the property
     * @throws IllegalArgumentException naming the entity and its fields when there is none
     */
    public Property requireProperty(String name) {
        Property p = property(name);
        if (p == null) {
            throw new IllegalArgumentException("Unknown field '" + name + "' of " + this.type.getSimpleName()
                    + "; its fields are " + this.properties.stream().map(Property::name).collect(Collectors.toList()));
        }
        return p;
    }

    List<Field> associationFields() {
        return this.associationFields;
    }

    /**
     * The relationships of this entity, resolved on first call (the targets' metadata is built then too).
     *
     * @return the relationships in declaration order
     * @throws MappingException when a relationship cannot be resolved
     */
    public List<Relationship> relationships() {
        List<Relationship> r = this.relationships;
        if (r == null) {
            synchronized (this) {
                r = this.relationships;
                if (r == null) {
                    r = Relationships.resolve(this);
                    this.relationships = r;
                }
            }
        }
        return r;
    }

    /**
     * Finds a relationship by field name, case-insensitively.
     *
     * @param name the association field name
     * @return the relationship, or {@code null}
     */
    public @Nullable Relationship relationship(String name) {
        for (Relationship r : relationships()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        return null;
    }

    /**
     * Finds a relationship by field name, case-insensitively.
     *
     * @param name the association field name
     * @return the relationship
     * @throws IllegalArgumentException naming the entity and listing its associations when there is none
     */
    public Relationship requireRelationship(String name) {
        Relationship r = relationship(name);
        if (r == null) {
            throw new IllegalArgumentException("Unknown association '" + name + "' of " + this.type.getSimpleName()
                    + "; valid associations are " + relationshipNames());
        }
        return r;
    }

    /** @return the association names, for error messages */
    public List<String> relationshipNames() {
        return relationships().stream().map(Relationship::name).collect(Collectors.toList());
    }

    /**
     * Creates an empty instance through the no-argument constructor.
     *
     * @return a new entity
     */
    public T newInstance() {
        try {
            return this.constructor.newInstance();
        }
        catch (InstantiationException | IllegalAccessException ex) {
            throw new MappingException("Cannot instantiate " + this.type.getName(), ex);
        }
        catch (InvocationTargetException ex) {
            throw new MappingException("The constructor of " + this.type.getName() + " failed", ex.getCause());
        }
    }

    /**
     * A method handle of the no-argument constructor, {@code ()T}, with the access Relata's reflection has: what
     * generated row readers create entities through.
     *
     * @return the constructor handle
     * @throws IllegalAccessException when the constructor cannot be called through a handle
     */
    public MethodHandle constructorHandle() throws IllegalAccessException {
        return MethodHandles.lookup().unreflectConstructor(this.constructor);
    }

    /**
     * Values derived from this mapping and kept as long as it lives, by a key of their maker's choosing (the
     * generated row readers, one per result shape).
     *
     * @return the mutable, thread-safe map
     */
    public ConcurrentMap<Object, Object> derived() {
        return this.derived;
    }

    /**
     * Whether the entity has no primary key yet, so {@code save} inserts it.
     *
     * @param entity the entity
     * @return whether its key is {@code null} or zero
     */
    public boolean isNew(Object entity) {
        return this.id.isBlank(entity);
    }

    @Override
    public String toString() {
        return this.type.getSimpleName() + "(" + this.table + ")";
    }

    /**
     * An index {@code migrate} creates.
     *
     * @param name the index name
     * @param columns the indexed properties, in order
     * @param unique whether the index is unique
     */
    public record IndexDef(String name, List<Property> columns, boolean unique) {
    }
}
