/** The {@code netviz} command line (picocli): one thin class per command, shared option mixins, uniform errors. */
package netviz.cli;
