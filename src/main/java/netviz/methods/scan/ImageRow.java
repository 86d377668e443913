package netviz.methods.scan;

/**
 * One scanned image, a row of the scan's {@code images} table.
 *
 * @param index       the image's position in the source's order
 * @param id          its id
 * @param label       its true class, or null
 * @param prediction  the most probable class (the first on ties)
 * @param probability that class's probability (softmax of the scores, or the output itself after a Softmax)
 * @param features    the feature layer flattened, or null without a feature layer
 */
public record ImageRow(long index, String id, Integer label, int prediction, float probability, float[] features)
        implements java.io.Serializable {
}
