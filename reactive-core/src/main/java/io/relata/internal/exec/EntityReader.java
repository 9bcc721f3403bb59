package io.relata.internal.exec;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.relata.MappingException;
import io.relata.dialect.Conversions;
import io.relata.dialect.ValueConverter;
import io.relata.internal.meta.EntityMeta;
import io.relata.internal.meta.Property;
import io.relata.internal.meta.Types;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads one entity from consecutive columns of a row, following each column's real type: the plan of how to read
 * every column (the class the driver reads it as, {@link ColumnMetadata#getJavaType()}, and the exact conversion to
 * the field's type) is made once per result shape from the row metadata and kept until a row of another shape comes.
 * The drivers share one {@link RowMetadata} among all rows of a result (r2dbc-postgresql 1.1.1, r2dbc-h2 1.1.0 and
 * r2dbc-mariadb 1.4.0, checked by identity), so the per-row path is a reference comparison, one typed
 * {@code row.get} and usually no conversion per column.
 *
 * <p>Reading the class the driver reads a column as, rather than the field's type, is what makes legacy columns
 * work: asked for a {@code Long}, r2dbc-postgresql truncates a {@code numeric} 3.90 to 3, and r2dbc-h2 refuses an
 * {@code INTEGER} column outright; asked for an {@code OffsetDateTime}, every driver fails on a
 * {@code timestamp without time zone}. A value that cannot be converted exactly is a {@link MappingException}
 * naming the entity, the field, the column, its database type and both Java types.
 *
 * <p>A reader is used by one result at a time (the rows of a result are mapped in order); the plan is published
 * through a volatile field, so a reader reused by the next statement of a query sees a complete plan.
 *
 * @param <E> the entity type
 */
public final class EntityReader<E> {

    private final EntityMeta<E> meta;

    private final int offset;

    private final Conversions conversions;

    private volatile @Nullable Plan plan;

    /**
     * Creates a reader.
     *
     * @param meta the entity
     * @param offset the index of the entity's first column, its properties following in order
     * @param conversions the conversions of the instance's zone
     */
    public EntityReader(EntityMeta<E> meta, int offset, Conversions conversions) {
        this.meta = meta;
        this.offset = offset;
        this.conversions = conversions;
    }

    /**
     * Reads the entity.
     *
     * @param row the row
     * @param metadata its metadata
     * @return a new entity with every mapped field set
     * @throws MappingException when a value cannot be converted to its field's type
     */
    public E read(Row row, RowMetadata metadata) {
        Column[] columns = plan(metadata).columns;
        E entity = this.meta.newInstance();
        for (Column column : columns) {
            assign(entity, column, column.get(row));
        }
        return entity;
    }

    /**
     * Reads a joined entity, or nothing when its primary key is {@code NULL} (an outer join that did not match). The
     * key is decoded once, not once to test it and again to read it: decoding is most of a row's cost
     * (r2dbc-postgresql looks up a codec per value).
     *
     * @param row the row
     * @param metadata its metadata
     * @return a new entity with every mapped field set, or {@code null}
     * @throws MappingException when a value cannot be converted to its field's type
     */
    public @Nullable E readJoined(Row row, RowMetadata metadata) {
        Column[] columns = plan(metadata).columns;
        Column id = columns[this.meta.idIndex()];
        Object key = id.get(row);
        if (key == null) {
            return null;
        }
        E entity = this.meta.newInstance();
        for (Column column : columns) {
            assign(entity, column, column == id ? key : column.get(row));
        }
        return entity;
    }

    private void assign(E entity, Column column, @Nullable Object raw) {
        column.property.assign(entity, raw == null ? null : column.convert(raw, this.conversions));
    }

    private Plan plan(RowMetadata metadata) {
        Plan current = this.plan;
        if (current != null && current.metadata == metadata) {
            return current;
        }
        Plan made = new Plan(metadata, columns(metadata));
        this.plan = made;
        return made;
    }

    private Column[] columns(RowMetadata metadata) {
        List<Property> properties = this.meta.properties();
        List<? extends ColumnMetadata> described = metadata.getColumnMetadatas();
        Column[] columns = new Column[properties.size()];
        for (int i = 0; i < columns.length; i++) {
            Property property = properties.get(i);
            int index = this.offset + i;
            ColumnMetadata column = described.get(index);
            Class<?> read = column.getJavaType();
            Class<?> field = Types.boxed(property.type());
            ValueConverter converter = null;
            boolean convertible = true;
            if (read != null && (!field.isAssignableFrom(read) || field == java.time.OffsetDateTime.class)) {
                converter = this.conversions.converter(read, field);
                convertible = converter != null;
            }
            columns[i] = new Column(index, read == null || read == Object.class ? null : read, converter, convertible,
                    property, column.getType().getName());
        }
        return columns;
    }

    private record Plan(RowMetadata metadata, Column[] columns) {
    }

    /**
     * How to read one column: with which class, and how to convert it to the field's type ({@code null}: it already
     * is one; for a column the driver does not describe, chosen per value).
     */
    private record Column(int index, @Nullable Class<?> readClass, @Nullable ValueConverter converter,
            boolean convertible, Property property, String databaseType) {

        @Nullable Object get(Row row) {
            Class<?> read = this.readClass;
            return read == null ? row.get(this.index) : row.get(this.index, read);
        }

        Object convert(Object raw, Conversions conversions) {
            ValueConverter c = this.converter;
            if (c == null) {
                if (this.readClass != null) {
                    if (this.convertible) {
                        return raw;
                    }
                    throw failure(raw, "no conversion exists");
                }
                // The driver described no Java type (r2dbc-postgresql 1.1.1 for bit(n)): decided by the value.
                c = conversions.converter(raw.getClass(), Types.boxed(this.property.type()));
                if (c == null) {
                    throw failure(raw, "no conversion exists");
                }
            }
            try {
                return c.convert(raw);
            }
            catch (IllegalArgumentException ex) {
                throw failure(raw, ex.getMessage());
            }
        }

        private MappingException failure(Object raw, @Nullable String reason) {
            return new MappingException("Cannot read column " + this.property.owner().table() + "."
                    + this.property.column() + " ("
                    + this.databaseType + ", read as " + raw.getClass().getName() + ") into " + this.property + " ("
                    + this.property.type().getTypeName() + "): " + reason);
        }
    }
}
