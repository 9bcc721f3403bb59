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
import java.util.ArrayList;
import java.util.Arrays;
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
 * <p>Rows are read by a class generated for the entity and the result shape ({@link ReaderClasses}: each column at
 * its own call site, as hand-written code reads it), made once and kept in the entity's metadata; the reflective
 * loop below reads the shapes no class is generated for (a column whose class only its values tell, one no
 * conversion exists for), and reads again a row the generated class failed on, so that every error names the
 * entity, field, column and types.
 *
 * <p>A reader is used by one result at a time (the rows of a result are mapped in order); the plan is published
 * through a volatile field, so a reader reused by the next statement of a query sees a complete plan.
 *
 * @param <E> the entity type
 */
public final class EntityReader<E> {

    private static final System.Logger LOG = System.getLogger(EntityReader.class.getName());

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
        E entity = read(row, metadata, false);
        if (entity == null) {
            throw new IllegalStateException("Read no " + this.meta.type().getName() + " from a row");
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
        return read(row, metadata, true);
    }

    @SuppressWarnings("unchecked")
    private @Nullable E read(Row row, RowMetadata metadata, boolean joined) {
        Plan plan = plan(metadata);
        ReaderClasses.RowReader generated = plan.generated;
        if (generated != null) {
            try {
                return (E) generated.read(row, joined);
            }
            catch (Exception ex) {
                // read again reflectively: that path's error names the entity, field, column and types
            }
        }
        Column[] columns = plan.columns;
        Column id = columns[this.meta.idIndex()];
        Object key = id.get(row);
        if (joined && key == null) {
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
        Column[] columns = columns(metadata);
        Plan made = new Plan(metadata, columns, generated(columns));
        this.plan = made;
        return made;
    }

    /**
     * The generated reader of this result shape, made once per entity, offset and shape (the class each column is
     * read as, and its converter) and kept in the entity's metadata; {@code null} when generation is off, when a
     * column's class is only known per value or cannot be converted (the reflective path decides and reports), or
     * when the class could not be generated.
     */
    private ReaderClasses.@Nullable RowReader generated(Column[] columns) {
        if (!ReaderClasses.ENABLED) {
            return null;
        }
        Object[] parts = new Object[columns.length * 2 + 1];
        parts[0] = this.offset;
        for (int i = 0; i < columns.length; i++) {
            Column c = columns[i];
            if (c.readClass == null || !c.convertible) {
                return null;
            }
            parts[2 * i + 1] = c.readClass;
            parts[2 * i + 2] = c.converter;
        }
        Object found = this.meta.derived().computeIfAbsent(new Shape(Arrays.asList(parts)), key -> {
            try {
                List<ReaderClasses.Column> read = new ArrayList<>(columns.length);
                for (Column c : columns) {
                    read.add(new ReaderClasses.Column(c.index, c.readClass, c.converter, c.property.setter(),
                            Types.zero(c.property.type())));
                }
                return ReaderClasses.generate(this.meta.constructorHandle(), read, this.meta.idIndex());
            }
            catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
                LOG.log(System.Logger.Level.WARNING, "Reading {0} reflectively: no reader class could be generated "
                        + "for its columns ({1})", this.meta.type().getName(), ex.toString());
                return ex;
            }
        });
        return found instanceof ReaderClasses.RowReader reader ? reader : null;
    }

    /**
     * What reading this entity has generated so far, one element per result shape: a generated reader, or the
     * exception that stopped its generation (the shape is then read reflectively). For tests.
     *
     * @param meta the entity
     * @return the generated readers and failures, in no order
     */
    public static List<Object> generatedReaders(EntityMeta<?> meta) {
        List<Object> found = new ArrayList<>();
        meta.derived().forEach((key, value) -> {
            if (key instanceof Shape) {
                found.add(value);
            }
        });
        return found;
    }

    /** A generated reader's key among the entity's derived values: the offset, each column's class and converter. */
    private record Shape(List<Object> parts) {
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

    private record Plan(RowMetadata metadata, Column[] columns, ReaderClasses.@Nullable RowReader generated) {
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
