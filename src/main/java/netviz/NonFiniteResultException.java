package netviz;

/**
 * A computation produced NaN or an infinity where a number or a picture was to come out: a
 * method's result, one step of an optimisation, a class probability, a figure's data. netviz
 * never prints or draws such a value; it stops with one line that names the method, the step and
 * the first bad value. Non-finite <em>inputs</em> are refused earlier, as user errors
 * ({@link InputFormatException}); so this is not the user's fault (the model overflows on this
 * input, or the backend computed something wrong) and the CLI exits with 1, not 2.
 */
public class NonFiniteResultException extends NetvizException {
    /** Exit code of the CLI: 1, as for other failures that are not the user's mistake. */
    public static final int EXIT_CODE = 1;

    public NonFiniteResultException(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return EXIT_CODE;
    }
}
