package io.relata.internal.meta;

import io.relata.MappingException;
import io.relata.annotation.Transient;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reflection over entity classes: their mapped fields, their no-argument constructor, and which fields are
 * associations (an entity-typed field, or a {@code List}, {@code Set} or {@code Collection} of an entity type).
 */
final class EntityClasses {

    /** The collection types a to-many field may be declared as (DESIGN.md, contract additions 0.2). */
    private static final Set<Class<?>> TO_MANY_TYPES = Set.of(List.class, Set.class, Collection.class);

    private EntityClasses() {
    }

    /**
     * The element type of a to-many field ({@code Language} for {@code List<Language>}), or {@code null} when the
     * field is not a {@code List}, {@code Set} or {@code Collection}.
     *
     * @throws MappingException when it is one of those but its element type is not a concrete class, or is a column
     *         type (a collection of values is not an association)
     */
    static @Nullable Class<?> elementType(Field field) {
        if (!TO_MANY_TYPES.contains(field.getType())) {
            return null;
        }
        Type generic = field.getGenericType();
        Type element = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : null;
        if (!(element instanceof Class<?> c)) {
            throw new MappingException("Cannot map field " + field.getDeclaringClass().getName() + "." + field.getName()
                    + " of type " + generic.getTypeName() + ": a to-many association is a List, Set or Collection of "
                    + "an entity class, such as List<Order> (no wildcards, type variables or raw types)");
        }
        if (Types.isScalar(c) || c.getName().startsWith("java.")) {
            throw new MappingException("Cannot map field " + field.getDeclaringClass().getName() + "." + field.getName()
                    + " of type " + generic.getTypeName() + ": a collection of " + c.getSimpleName() + " values is "
                    + "not a column type; to-many associations are collections of entities; mark it @Transient");
        }
        return c;
    }

    /**
     * Whether a non-scalar field type can be an association at all (an entity class), as opposed to a JDK type,
     * array, map or other collection that no column or association can hold.
     */
    static boolean unmappable(Class<?> type) {
        return Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type) || type.isArray()
                || type.isPrimitive() || type.getName().startsWith("java.");
    }

    static <T> Constructor<T> constructor(Class<T> type) {
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || type.isEnum() || type.isRecord()) {
            throw new MappingException("Cannot map " + type.getName() + ": an entity must be a concrete class with "
                    + "mutable fields and a no-argument constructor");
        }
        if (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers())) {
            throw new MappingException("Cannot map " + type.getName() + ": an inner class needs an enclosing "
                    + "instance; declare it static");
        }
        try {
            Constructor<T> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor;
        }
        catch (NoSuchMethodException ex) {
            throw new MappingException("Cannot map " + type.getName() + ": it has no no-argument constructor", ex);
        }
        catch (RuntimeException ex) {
            throw new MappingException("Cannot map " + type.getName() + ": its constructor is not accessible ("
                    + ex.getMessage() + "); a modular application must open its entity package to io.relata", ex);
        }
    }

    /** The mapped fields of a class, superclass fields first; static, transient and {@code @Transient} ones left out. */
    static List<Field> fields(Class<?> type) {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c);
        }
        List<Field> fields = new ArrayList<>();
        for (Class<?> c : hierarchy) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()
                        || f.isAnnotationPresent(Transient.class)) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                }
                catch (RuntimeException ex) {
                    throw new MappingException("Cannot access field " + c.getName() + "." + f.getName() + " ("
                            + ex.getMessage() + "); a modular application must open its entity package to io.relata", ex);
                }
                fields.add(f);
            }
        }
        return fields;
    }
}
