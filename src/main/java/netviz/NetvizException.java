package netviz;

/**
 * Base of every error caused by what a user gave netviz (a file, a name, a number). Its message is
 * one readable line naming what is wrong and what is accepted; the CLI prints it and exits with 2.
 */
public class NetvizException extends RuntimeException {
    public NetvizException(String message) {
        super(message);
    }

    public NetvizException(String message, Throwable cause) {
        super(message, cause);
    }
}
