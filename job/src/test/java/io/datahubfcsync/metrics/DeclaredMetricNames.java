package io.datahubfcsync.metrics;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The names {@link MetricNames} declares, read from its constants, for tests that check them against documents. */
public final class DeclaredMetricNames {
    private DeclaredMetricNames() {}

    /** The values of the public string constants of the given classes (a {@link MetricNames} scope each), in order. */
    public static Set<String> of(Class<?>... scopes) {
        Set<String> names = new LinkedHashSet<>();
        for (Class<?> scope : scopes) names.addAll(list(scope));
        return names;
    }

    /** Like {@link #of} for one class, keeping duplicates. */
    static List<String> list(Class<?> scope) {
        List<String> names = new ArrayList<>();
        for (Field f : scope.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }
}
