package io.relata.internal.exec;

import io.r2dbc.spi.Row;
import io.relata.dialect.ValueConverter;
import io.relata.internal.exec.ClassBytes.Code;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Generates one row reader class per entity and result shape: the code a person would write to read that entity,
 * one {@code row.get(index, Class)} call site per column with the class the driver reads it as, the column's exact
 * conversion, and the field's store, in one straight method. The reflective reader's per-column loop makes the JIT
 * see one {@code row.get}, one converter call and one {@code Field.set} shared by every column of every entity
 * (megamorphic); here every column has call sites of its own, and the converters, setters and the constructor are
 * {@code static final} constants of the class, so the JIT inlines them as it inlines hand-written code.
 *
 * <p>Fields and the constructor are reached through method handles made from the accessible reflective objects
 * Relata already holds, so an entity's private fields (also a superclass's, such as {@link io.relata.Model}'s)
 * need no access beyond what reflection has. The classes are hidden classes in this package, unloaded with the
 * entity metadata that holds them.
 *
 * <p>Measured in issue 12 (PostgreSQL and H2, 10,000 owners joined with their card): see the commit that added
 * this class and the benchmarks README.
 */
final class ReaderClasses {

    /** Turns generation off ({@code -Dio.relata.generatedReaders=false}), to compare with the reflective reader. */
    static final boolean ENABLED = !"false".equalsIgnoreCase(System.getProperty("io.relata.generatedReaders"));

    private static final String NAME = "io/relata/internal/exec/ReaderClasses$Generated";

    private static final String OBJECT = "java/lang/Object";

    private static final String HANDLE = "java/lang/invoke/MethodHandle";

    private static final String ROW = "io/r2dbc/spi/Row";

    private static final String CONVERTER = "io/relata/dialect/ValueConverter";

    private static final MethodType SETTER = MethodType.methodType(void.class, Object.class, Object.class);

    private static final MethodType FACTORY = MethodType.methodType(Object.class);

    private ReaderClasses() {
    }

    /** A generated reader of one entity from one result shape. */
    interface RowReader {

        /**
         * Reads the entity.
         *
         * @param row the row
         * @param joined whether a {@code NULL} primary key means "no entity" (an outer join that did not match)
         * @return a new entity, or {@code null} for a joined entity whose key is {@code NULL}
         */
        @Nullable Object read(Row row, boolean joined);
    }

    /** One column as the generated code reads it. */
    record Column(int index, Class<?> readClass, @Nullable ValueConverter converter, MethodHandle setter,
            @Nullable Object zero) {
    }

    /**
     * Generates a reader.
     *
     * @param constructor the entity's no-argument constructor, of any type {@code ()E}
     * @param columns the columns, in the order of the entity's properties
     * @param id the position of the primary key among {@code columns}
     * @return the reader
     * @throws ReflectiveOperationException when the class cannot be defined or initialised
     */
    static RowReader generate(MethodHandle constructor, List<Column> columns, int id)
            throws ReflectiveOperationException {
        List<Object> data = new ArrayList<>();
        ClassBytes cls = new ClassBytes(NAME, OBJECT, "io/relata/internal/exec/ReaderClasses$RowReader");
        ClassBytes.Pool pool = cls.pool();
        Code init = new Code(5, 1)
                .invokeStatic(pool.method("java/lang/invoke/MethodHandles", "lookup",
                        "()Ljava/lang/invoke/MethodHandles$Lookup;"))
                .ldc(pool.string("_"))
                .ldc(pool.type("[Ljava/lang/Object;"))
                .invokeStatic(pool.method("java/lang/invoke/MethodHandles", "classData", "(Ljava/lang/invoke/"
                        + "MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;"))
                .checkCast(pool.type("[Ljava/lang/Object;"))
                .local(Code.ASTORE, 0);
        int make = constant(cls, init, data, "n", HANDLE, constructor.asType(FACTORY));
        int[] read = new int[columns.size()];
        int[] convert = new int[columns.size()];
        int[] set = new int[columns.size()];
        int[] zero = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            read[i] = constant(cls, init, data, "r" + i, "java/lang/Class", c.readClass());
            convert[i] = c.converter() == null ? 0 : constant(cls, init, data, "c" + i, CONVERTER, c.converter());
            set[i] = constant(cls, init, data, "s" + i, HANDLE, c.setter().asType(SETTER));
            zero[i] = c.zero() == null ? 0 : constant(cls, init, data, "z" + i, OBJECT, c.zero());
        }
        init.op(Code.RETURN);
        cls.method(ClassBytes.ACC_STATIC, "<clinit>", "()V", init);
        cls.method(ClassBytes.ACC_PUBLIC, "<init>", "()V", new Code(1, 1)
                .local(Code.ALOAD, 0)
                .invokeSpecial(pool.method(OBJECT, "<init>", "()V"))
                .op(Code.RETURN));

        // locals: 0 this, 1 row, 2 joined, 3 the entity, 4 the value just read
        int get = pool.interfaceMethod(ROW, "get", "(ILjava/lang/Class;)Ljava/lang/Object;");
        int setValue = pool.method(HANDLE, "invokeExact", "(Ljava/lang/Object;Ljava/lang/Object;)V");
        int convertValue = pool.interfaceMethod(CONVERTER, "convert", "(Ljava/lang/Object;)Ljava/lang/Object;");
        Code body = new Code(6, 5);
        readColumn(body, columns.get(id), read[id], get);
        int notJoined = body.local(Code.ILOAD, 2).branch(Code.IFEQ);
        int hasKey = body.local(Code.ALOAD, 4).branch(Code.IFNONNULL);
        body.op(Code.ACONST_NULL).op(Code.ARETURN);
        body.place(notJoined).place(hasKey)
                .getStatic(make)
                .invokeVirtual(pool.method(HANDLE, "invokeExact", "()Ljava/lang/Object;"))
                .local(Code.ASTORE, 3);
        for (int i = 0; i < columns.size(); i++) {
            if (i != id) {
                readColumn(body, columns.get(i), read[i], get);
            }
            body.getStatic(set[i]).local(Code.ALOAD, 3).local(Code.ALOAD, 4);
            if (convert[i] != 0 || zero[i] != 0) {
                int isNull = body.op(Code.DUP).branch(Code.IFNULL);
                if (convert[i] != 0) {
                    body.getStatic(convert[i]).op(Code.SWAP).invokeInterface(convertValue, 1);
                }
                int done = body.branch(Code.GOTO);
                body.place(isNull);
                if (zero[i] != 0) {
                    body.op(Code.POP).getStatic(zero[i]);
                }
                body.place(done);
            }
            body.invokeVirtual(setValue);
        }
        body.local(Code.ALOAD, 3).op(Code.ARETURN);
        cls.method(ClassBytes.ACC_PUBLIC, "read", "(L" + ROW + ";Z)Ljava/lang/Object;", body);

        MethodHandles.Lookup defined = MethodHandles.lookup()
                .defineHiddenClassWithClassData(cls.toByteArray(), data.toArray(), true);
        return (RowReader) defined.lookupClass().getDeclaredConstructor().newInstance();
    }

    private static void readColumn(Code body, Column column, int readClass, int get) {
        body.local(Code.ALOAD, 1).intConstant(column.index()).getStatic(readClass)
                .invokeInterface(get, 2).local(Code.ASTORE, 4);
    }

    /** Declares a {@code static final} field set from the class data in {@code <clinit>}; returns its reference. */
    private static int constant(ClassBytes cls, Code init, List<Object> data, String name, String type, Object value) {
        String descriptor = "L" + type + ";";
        cls.field(ClassBytes.ACC_PRIVATE | ClassBytes.ACC_STATIC | ClassBytes.ACC_FINAL, name, descriptor);
        int ref = cls.pool().field(NAME, name, descriptor);
        init.local(Code.ALOAD, 0).intConstant(data.size()).op(Code.AALOAD).checkCast(cls.pool().type(type))
                .putStatic(ref);
        data.add(value);
        return ref;
    }
}
