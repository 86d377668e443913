package netviz.figures;

import java.math.BigDecimal;
import java.util.List;

/** How a recipe's options are written back as the command-line flags that make the same figure. */
final class Flags {
    private Flags() {
    }

    /**
     * Adds {@code flag value} to {@code args} when {@code value} is given (not null) and differs from
     * {@code defaultValue}: a number as it is typed (0.0001, not 1.0E-4), anything else as its text.
     */
    static void add(List<String> args, String flag, Object value, Object defaultValue) {
        if (value != null && !value.equals(defaultValue)) {
            args.add(flag);
            args.add(value instanceof Double || value instanceof Float
                    ? BigDecimal.valueOf(((Number) value).doubleValue()).stripTrailingZeros().toPlainString()
                    : value.toString());
        }
    }
}
