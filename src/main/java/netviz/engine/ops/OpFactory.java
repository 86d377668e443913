package netviz.engine.ops;

import netviz.engine.Node;

/** Creates the {@link Op} for one node, reading and validating its attributes. */
@FunctionalInterface
public interface OpFactory {
    /**
     * @param opset the opset of the node's domain that the model imports
     * @throws netviz.ModelFormatException for a missing or malformed attribute
     * @throws netviz.UnsupportedOperatorException for an attribute value netviz does not implement
     */
    Op create(Node node, int opset);
}
