package netviz.engine;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import netviz.UnknownNameException;

/**
 * Named tensors computed by the {@link Interpreter}: graph outputs, tapped tensors, or gradients.
 * The arrays belong to the manager the caller passed in; they are closed with it.
 */
public final class Values {
    private final Map<String, NDArray> values;

    public Values(Map<String, NDArray> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The tensor of that name; {@link UnknownNameException} (with close names) if absent. */
    public NDArray get(String name) {
        NDArray a = values.get(name);
        if (a == null) {
            throw new UnknownNameException("tensor", name, values.keySet());
        }
        return a;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Set<String> names() {
        return values.keySet();
    }

    public Map<String, NDArray> asMap() {
        return values;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Values{");
        values.forEach((k, v) -> b.append(k).append(v.getShape()).append(' '));
        return b.append('}').toString();
    }
}
