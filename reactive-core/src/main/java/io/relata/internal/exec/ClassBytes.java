package io.relata.internal.exec;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The smallest class-file writer the generated row readers need ({@link ReaderClasses}): a constant pool, static
 * fields, and methods of straight-line code with forward branches. It writes class-file version 49 (Java 5), the
 * last one verified by type inference, so no stack map frames have to be computed; a hidden class of that version
 * is defined, verified and compiled like any other.
 */
final class ClassBytes {

    static final int ACC_PUBLIC = 0x0001;

    static final int ACC_PRIVATE = 0x0002;

    static final int ACC_STATIC = 0x0008;

    static final int ACC_FINAL = 0x0010;

    static final int ACC_SUPER = 0x0020;

    private final Pool pool = new Pool();

    private final Bytes fields = new Bytes();

    private final Bytes methods = new Bytes();

    private int fieldCount;

    private int methodCount;

    private final int thisClass;

    private final int superClass;

    private final int[] interfaces;

    /**
     * Starts a class.
     *
     * @param name the internal name ({@code a/b/C})
     * @param superName the superclass's internal name
     * @param interfaceNames the internal names of the interfaces it implements
     */
    ClassBytes(String name, String superName, String... interfaceNames) {
        this.thisClass = this.pool.type(name);
        this.superClass = this.pool.type(superName);
        this.interfaces = new int[interfaceNames.length];
        for (int i = 0; i < interfaceNames.length; i++) {
            this.interfaces[i] = this.pool.type(interfaceNames[i]);
        }
    }

    Pool pool() {
        return this.pool;
    }

    void field(int access, String name, String descriptor) {
        this.fields.u2(access).u2(this.pool.utf8(name)).u2(this.pool.utf8(descriptor)).u2(0);
        this.fieldCount++;
    }

    void method(int access, String name, String descriptor, Code code) {
        byte[] body = code.bytes();
        this.methods.u2(access).u2(this.pool.utf8(name)).u2(this.pool.utf8(descriptor)).u2(1);
        this.methods.u2(this.pool.utf8("Code")).u4(12 + body.length);
        this.methods.u2(code.maxStack).u2(code.maxLocals).u4(body.length).raw(body).u2(0).u2(0);
        this.methodCount++;
    }

    byte[] toByteArray() {
        Bytes out = new Bytes();
        out.u4(0xCAFEBABE).u2(0).u2(49);
        out.u2(this.pool.count).raw(this.pool.bytes.toByteArray());
        out.u2(ACC_PUBLIC | ACC_FINAL | ACC_SUPER).u2(this.thisClass).u2(this.superClass).u2(this.interfaces.length);
        for (int i : this.interfaces) {
            out.u2(i);
        }
        out.u2(this.fieldCount).raw(this.fields.toByteArray());
        out.u2(this.methodCount).raw(this.methods.toByteArray());
        return out.u2(0).toByteArray();
    }

    /** The constant pool: each entry written once, looked up by its content. */
    static final class Pool {

        private final Bytes bytes = new Bytes();

        private final Map<String, Integer> entries = new HashMap<>();

        private int count = 1;

        int utf8(String value) {
            return entry("U" + value, () -> {
                byte[] text = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                this.bytes.u1(1).u2(text.length).raw(text);
            });
        }

        int type(String internalName) {
            int name = utf8(internalName);
            return entry("C" + internalName, () -> this.bytes.u1(7).u2(name));
        }

        int string(String value) {
            int text = utf8(value);
            return entry("S" + value, () -> this.bytes.u1(8).u2(text));
        }

        int field(String owner, String name, String descriptor) {
            return member(9, owner, name, descriptor);
        }

        int method(String owner, String name, String descriptor) {
            return member(10, owner, name, descriptor);
        }

        int interfaceMethod(String owner, String name, String descriptor) {
            return member(11, owner, name, descriptor);
        }

        private int member(int tag, String owner, String name, String descriptor) {
            int type = type(owner);
            int nameIndex = utf8(name);
            int descriptorIndex = utf8(descriptor);
            int nameAndType = entry("N" + name + ":" + descriptor,
                    () -> this.bytes.u1(12).u2(nameIndex).u2(descriptorIndex));
            return entry(tag + owner + "." + name + ":" + descriptor,
                    () -> this.bytes.u1(tag).u2(type).u2(nameAndType));
        }

        private int entry(String key, Runnable write) {
            Integer index = this.entries.get(key);
            if (index != null) {
                return index;
            }
            write.run();
            int made = this.count++;
            this.entries.put(key, made);
            return made;
        }
    }

    /** A method's code: instructions appended in order, forward branches patched when their label is placed. */
    static final class Code {

        static final int ALOAD = 0x19;

        static final int ASTORE = 0x3a;

        static final int ILOAD = 0x15;

        static final int ACONST_NULL = 0x01;

        static final int ARETURN = 0xb0;

        static final int RETURN = 0xb1;

        static final int DUP = 0x59;

        static final int POP = 0x57;

        static final int SWAP = 0x5f;

        static final int AALOAD = 0x32;

        static final int IFEQ = 0x99;

        static final int IFNULL = 0xc6;

        static final int IFNONNULL = 0xc7;

        static final int GOTO = 0xa7;

        private static final int SIPUSH = 0x11;

        private static final int LDC_W = 0x13;

        private static final int GETSTATIC = 0xb2;

        private static final int PUTSTATIC = 0xb3;

        private static final int INVOKEVIRTUAL = 0xb6;

        private static final int INVOKESPECIAL = 0xb7;

        private static final int INVOKESTATIC = 0xb8;

        private static final int INVOKEINTERFACE = 0xb9;

        private static final int CHECKCAST = 0xc0;

        private final Bytes code = new Bytes();

        final int maxStack;

        final int maxLocals;

        Code(int maxStack, int maxLocals) {
            this.maxStack = maxStack;
            this.maxLocals = maxLocals;
        }

        Code op(int opcode) {
            this.code.u1(opcode);
            return this;
        }

        Code local(int opcode, int index) {
            this.code.u1(opcode).u1(index);
            return this;
        }

        Code intConstant(int value) {
            if (value > Short.MAX_VALUE) {
                // sipush's operand is signed: the writer's two-byte check alone would let 32768-65535 turn negative
                throw new IllegalStateException("Out of range for sipush: " + value);
            }
            return indexed(SIPUSH, value);
        }

        Code ldc(int poolIndex) {
            return indexed(LDC_W, poolIndex);
        }

        Code getStatic(int fieldRef) {
            return indexed(GETSTATIC, fieldRef);
        }

        Code putStatic(int fieldRef) {
            return indexed(PUTSTATIC, fieldRef);
        }

        Code checkCast(int classRef) {
            return indexed(CHECKCAST, classRef);
        }

        Code invokeVirtual(int methodRef) {
            return indexed(INVOKEVIRTUAL, methodRef);
        }

        Code invokeSpecial(int methodRef) {
            return indexed(INVOKESPECIAL, methodRef);
        }

        Code invokeStatic(int methodRef) {
            return indexed(INVOKESTATIC, methodRef);
        }

        Code invokeInterface(int methodRef, int argumentSlots) {
            this.code.u1(INVOKEINTERFACE).u2(methodRef).u1(argumentSlots + 1).u1(0);
            return this;
        }

        /** An instruction with one two-byte operand: a constant-pool index, or {@code sipush}'s value. */
        private Code indexed(int opcode, int operand) {
            this.code.u1(opcode).u2(operand);
            return this;
        }

        /**
         * Appends a branch whose target is not placed yet.
         *
         * @return the branch, for {@link #place(int)}
         */
        int branch(int opcode) {
            int at = this.code.size();
            this.code.u1(opcode).u2(0);
            return at;
        }

        /** Makes a branch appended earlier jump to the next instruction. */
        Code place(int branch) {
            int offset = this.code.size() - branch;
            this.code.patch(branch + 1, offset);
            return this;
        }

        byte[] bytes() {
            return this.code.toByteArray();
        }
    }

    /** Big-endian output. */
    static final class Bytes extends ByteArrayOutputStream {

        Bytes u1(int value) {
            write(value);
            return this;
        }

        Bytes u2(int value) {
            if (value < 0 || value > 0xFFFF) {
                throw new IllegalStateException("Out of range for a class file: " + value);
            }
            write(value >>> 8);
            write(value);
            return this;
        }

        Bytes u4(int value) {
            u2(value >>> 16);
            return u2(value & 0xFFFF);
        }

        Bytes raw(byte[] value) {
            write(value, 0, value.length);
            return this;
        }

        void patch(int at, int value) {
            this.buf[at] = (byte) (value >>> 8);
            this.buf[at + 1] = (byte) value;
        }
    }
}
