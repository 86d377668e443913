package netviz.report;

/**
 * One topic of the report (the model, its parameters, saliency, ...). A section writes its part
 * of the page through the {@link ReportContext}: paragraphs, tables and figures, each figure with
 * a caption that names the {@code netviz} command that reproduces it. The sections of a report
 * and their order are listed in one place, {@link Sections#all()}.
 */
public interface ReportSection {
    /** A short identifier: the HTML anchor of the section and the stem of its files, e.g. "saliency". */
    String id();

    /** The section's heading, e.g. "Saliency maps". */
    String title();

    /**
     * Computes the section's figures and writes its HTML into {@code ctx}; a
     * {@link netviz.NetvizException} when something the user gave cannot be used. Any
     * {@link RuntimeException} it throws (a {@link netviz.NonFiniteResultException} included) makes
     * {@link Report} replace the section's HTML and figures by a visible note with the exception's
     * line; the other sections are still written.
     */
    void render(ReportContext ctx);

    /**
     * Whether this netviz has what the section needs (e.g. the command its figures come from); a
     * section that is not available is left out of the report.
     */
    default boolean available() {
        return true;
    }
}
