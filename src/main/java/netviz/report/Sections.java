package netviz.report;

import java.util.List;
import java.util.stream.Stream;

/** The sections of the report, in page order: the one place to add a section. */
public final class Sections {
    private Sections() {
    }

    /** Every available section, in the order they appear. */
    public static List<ReportSection> all() {
        return Stream.of(
                new ModelSection(),
                new EvaluationSection(),
                new ParametersSection(),
                new ActivationsSection(),
                new DeadFiltersSection(),
                new SanitySection(),
                AttributionSection.occlusion(),
                AttributionSection.saliency(),
                AttributionSection.guidedBackprop(),
                AttributionSection.smoothGrad(),
                AttributionSection.integratedGradients(),
                AttributionSection.gradCam(),
                AttributionSection.gradCamPlusPlus(), AttributionSection.scoreCam(),
                new NeighborsSection(),
                new EmbeddingSection(),
                new TopImagesSection(),
                new MaximizationSection(),
                new FacetsSection(),
                new DgnSection())
                .filter(ReportSection::available).toList();
    }
}
