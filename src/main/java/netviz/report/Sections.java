package netviz.report;

import java.util.List;

/** The sections of the report, in page order: the one place to add a section. */
public final class Sections {
    private Sections() {
    }

    /** Every section, in the order they appear. */
    public static List<ReportSection> all() {
        return List.of(
                new ModelSection(),
                new EvaluationSection(),
                new ParametersSection(),
                new ActivationsSection(),
                new DeadFiltersSection(),
                AttributionSection.occlusion(),
                AttributionSection.saliency(),
                AttributionSection.guidedBackprop(),
                AttributionSection.smoothGrad(),
                AttributionSection.integratedGradients(),
                AttributionSection.gradCam());
    }
}
