package netviz.engine.backend;

/**
 * One self-check of a backend kernel: the largest relative error ({@code max|a-b| / max|b|}) of the
 * float32 result against a float64 reference or against the same computation one example at a time,
 * and the tolerance it must stay under. A non-finite error fails.
 */
public record KernelCheck(String name, double error, double tolerance) {

    public boolean passed() {
        return Double.isFinite(error) && error <= tolerance;
    }

    /** One line: name, error, tolerance, verdict. */
    public String line() {
        return String.format(java.util.Locale.ROOT, "%-44s %-9s error %.2e (tolerance %.0e)", name,
                passed() ? "ok" : "WRONG", error, tolerance);
    }
}
