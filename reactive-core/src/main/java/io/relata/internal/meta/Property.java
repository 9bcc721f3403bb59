package io.relata.internal.meta;

import io.relata.MappingException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One mapped field: its column, its Java type, and the type its column stores.
 *
 * <p>The column type differs from the field type only for a foreign key whose Java type differs from the key it
 * references (GORM's {@code UserName string} storing a user's numeric id): the column then takes the referenced
 * key's type, and values are converted between the two on write, read, match and bind.
 */
public final class Property {

    private final EntityMeta<?> owner;

    private final Field field;

    private final String column;

    private volatile Class<?> columnType;

    /** What {@code null} writes: a primitive field's zero value, else {@code null}. */
    private final @Nullable Object zero;

    /**
     * The hash, computed once: every bound value of a mapped column looks its type up by property, and hashing the
     * field each time was 1% of a 10,000-user {@code saveAll} on H2 (issue 12).
     */
    private final int hash;

    Property(EntityMeta<?> owner, Field field, String column) {
        this.owner = owner;
        this.field = field;
        this.column = column;
        this.columnType = Types.boxed(field.getType());
        this.zero = Types.zero(field.getType());
        this.hash = Objects.hash(field, System.identityHashCode(owner));
    }

    /** @return the entity this property belongs to */
    public EntityMeta<?> owner() {
        return this.owner;
    }

    /** @return the Java field name */
    public String name() {
        return this.field.getName();
    }

    /** @return the unquoted column name */
    public String column() {
        return this.column;
    }

    /** @return the field's declared Java type (possibly primitive) */
    public Class<?> type() {
        return this.field.getType();
    }

    /** @return the boxed Java type whose values the column stores */
    public Class<?> columnType() {
        return this.columnType;
    }

    void columnType(Class<?> type) {
        this.columnType = Types.boxed(type);
    }

    /** @return whether the field is primitive, so its column cannot hold {@code NULL} in memory */
    public boolean primitive() {
        return this.field.getType().isPrimitive();
    }

    /**
     * Reads the field.
     *
     * @param entity the entity
     * @return the field value
     */
    public @Nullable Object get(Object entity) {
        try {
            return this.field.get(entity);
        }
        catch (IllegalAccessException ex) {
            throw new MappingException("Cannot read " + this, ex);
        }
    }

    /**
     * Reads the field as the value its column stores (converted to {@link #columnType()}).
     *
     * @param entity the entity
     * @return the column value, or {@code null}
     */
    public @Nullable Object getColumnValue(Object entity) {
        Object value = get(entity);
        return value == null ? null : Types.convert(value, this.columnType);
    }

    /**
     * Writes the field; {@code null} on a primitive field writes its zero value.
     *
     * @param entity the entity
     * @param value the value, of the field's type or convertible to it
     */
    public void set(Object entity, @Nullable Object value) {
        Object converted = value == null ? this.zero : Types.convert(value, this.field.getType());
        try {
            this.field.set(entity, converted);
        }
        catch (IllegalAccessException ex) {
            throw new MappingException("Cannot write " + this, ex);
        }
    }

    /**
     * Writes a value that already is of the field's type (the row reader converted it), without converting it again;
     * {@code null} on a primitive field writes its zero value.
     *
     * @param entity the entity
     * @param value the value, of the field's (boxed) type, or {@code null}
     */
    public void assign(Object entity, @Nullable Object value) {
        try {
            this.field.set(entity, value == null ? this.zero : value);
        }
        catch (IllegalAccessException ex) {
            throw new MappingException("Cannot write " + this, ex);
        }
    }

    /**
     * A method handle that writes the field, {@code (owner type, field type)void}, with the field's own access
     * (Relata made it accessible when it mapped the entity): what generated row readers store through.
     *
     * @return the setter handle
     * @throws IllegalAccessException when the field cannot be written through a handle
     */
    public MethodHandle setter() throws IllegalAccessException {
        return MethodHandles.lookup().unreflectSetter(this.field);
    }

    /**
     * Whether the field holds no key: {@code null}, or a zero number (GORM treats zero keys as unset).
     *
     * @param entity the entity
     * @return whether the value is blank
     */
    public boolean isBlank(Object entity) {
        return isBlankValue(get(entity));
    }

    /**
     * Whether a key value is unset: {@code null} or a zero number.
     *
     * @param value a key value
     * @return whether the value is blank
     */
    public static boolean isBlankValue(@Nullable Object value) {
        if (value == null) {
            return true;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            return ((Number) value).longValue() == 0L;
        }
        if (value instanceof BigInteger || value instanceof BigDecimal) {
            return ((Number) value).doubleValue() == 0d;
        }
        return false;
    }

    @Override
    public String toString() {
        return this.owner.type().getSimpleName() + "." + name();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Property p && p.field.equals(this.field) && p.owner == this.owner;
    }

    @Override
    public int hashCode() {
        return this.hash;
    }
}
