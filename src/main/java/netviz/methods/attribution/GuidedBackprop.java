package netviz.methods.attribution;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import netviz.engine.BackwardRule;
import netviz.engine.BackwardRules;
import netviz.engine.Graph;
import netviz.engine.Interpreter;
import netviz.engine.Node;
import netviz.engine.OwnedArrays;

/**
 * Guided backpropagation (Springenberg, Dosovitskiy, Brox and Riedmiller, "Striving for
 * Simplicity: The All Convolutional Net", ICLR workshop 2015, section 3.4 and figure 1): the
 * gradient of the target with respect to the image, where each ReLU passes the gradient back only
 * where its input was positive (as the true gradient does) and the incoming gradient is positive
 * (as the deconvnet does):
 * <pre>  R_in = (x &gt; 0) · (R_out &gt; 0) · R_out  </pre>
 * Networks without ReLU: a Gelu or HardSwish node gets the same rule written for any activation f,
 * {@code R_in = f'(x) · max(R_out, 0)} (for ReLU, f'(x) = [x &gt; 0], it is the rule above).
 * Activations that exporters write out of several nodes (SiLU as Sigmoid·Mul, GELU as Div, Erf,
 * Add, Mul) cannot be told from other arithmetic and keep their exact gradient; {@link #ruleSummary()}
 * says plainly which nodes got which rule, and when none did the result is the plain gradient.
 * The target is a class score or any neuron ({@link Target#neuron}). Result shape (N, C, H, W).
 * Composes with {@link NoiseTunnel} and, in {@link GuidedGradCam}, with Grad-CAM.
 */
public final class GuidedBackprop extends ReluRuleGradient {

    /** The guided ReLU rule. */
    public static final BackwardRule RULE = ctx -> {
        NDArray g = ctx.gradOutputs()[0];
        NDArray x = ctx.inputs()[0];
        NDArray pass = x.gt(0).logicalAnd(g.gt(0)).toType(g.getDataType(), false);
        return new NDArray[] {g.mul(pass)};
    };

    /** The guided rule of a GELU node: f'(x) · max(R_out, 0), exact or tanh-approximated f as the node says. */
    public static final BackwardRule GELU_RULE = ctx -> {
        NDArray x = ctx.inputs()[0];
        NDArray d;
        if ("tanh".equals(ctx.node().getString("approximate", "none"))) {
            double c = Math.sqrt(2 / Math.PI);
            NDArray x2 = x.mul(x);
            NDArray t = x.add(x2.mul(x).mul(OwnedArrays.scalar(x, 0.044715))).mul(OwnedArrays.scalar(x, c)).tanh();
            NDArray dt = OwnedArrays.scalar(x, 1).sub(t.mul(t));
            NDArray du = x2.mul(OwnedArrays.scalar(x, 3 * 0.044715 * c)).add(OwnedArrays.scalar(x, c));
            d = t.add(OwnedArrays.scalar(x, 1)).add(x.mul(dt).mul(du)).mul(OwnedArrays.scalar(x, 0.5));
        } else {
            NDArray cdf = x.mul(OwnedArrays.scalar(x, 1 / Math.sqrt(2))).erf().add(OwnedArrays.scalar(x, 1))
                    .mul(OwnedArrays.scalar(x, 0.5));
            NDArray pdf = x.mul(x).mul(OwnedArrays.scalar(x, -0.5)).exp().mul(OwnedArrays.scalar(x, 1 / Math.sqrt(2 * Math.PI)));
            d = cdf.add(x.mul(pdf));
        }
        return new NDArray[] {positive(ctx.gradOutputs()[0]).mul(d)};
    };

    /** The guided rule of a HardSwish node: f'(x) · max(R_out, 0) with f'(x) = 0, (2x + 3) / 6, 1. */
    public static final BackwardRule HARD_SWISH_RULE = ctx -> {
        NDArray x = ctx.inputs()[0];
        NDArray mid = x.mul(OwnedArrays.scalar(x, 1 / 3.0)).add(OwnedArrays.scalar(x, 0.5));
        NDArray in = x.gt(-3).logicalAnd(x.lt(3)).toType(x.getDataType(), false);
        NDArray above = x.gte(3).toType(x.getDataType(), false);
        NDArray d = mid.mul(in).add(above);
        return new NDArray[] {positive(ctx.gradOutputs()[0]).mul(d)};
    };

    private static NDArray positive(NDArray g) {
        return g.mul(g.gt(0).toType(g.getDataType(), false));
    }

    private final String rules;
    private final boolean reluOnly;

    public GuidedBackprop(Interpreter interpreter) {
        super(interpreter, BackwardRules.none().with("Relu", RULE).with("Gelu", GELU_RULE)
                .with("HardSwish", HARD_SWISH_RULE));
        rules = describe(interpreter.graph());
        reluOnly = rules.startsWith("guided backprop: the guided ReLU rule") && !rules.contains(";");
    }

    /**
     * True when the model's activations are all Relu nodes, so the method is exactly the paper's;
     * otherwise {@link #ruleSummary()} is worth telling the user.
     */
    public boolean isReluOnly() {
        return reluOnly;
    }

    /**
     * One plain sentence on the rules applied to this model, e.g. "guided backprop: the guided ReLU
     * rule on 13 Relu nodes", or, for a model whose activations are all written out, "… no node gets
     * a guided rule (activations kept exact: 16 SiLU as Sigmoid·Mul), so the result is the plain
     * gradient (saliency)".
     */
    public String ruleSummary() {
        return rules;
    }

    static String describe(Graph g) {
        Map<String, Integer> count = new TreeMap<>();
        for (Node n : g.nodes()) {
            count.merge(n.opType(), 1, Integer::sum);
        }
        int relu = count.getOrDefault("Relu", 0);
        int gelu = count.getOrDefault("Gelu", 0);
        int hswish = count.getOrDefault("HardSwish", 0);
        List<String> guided = new ArrayList<>();
        if (relu > 0) {
            guided.add("the guided ReLU rule (gradient kept where the input and the incoming gradient are positive) on "
                    + relu + " Relu node" + (relu == 1 ? "" : "s"));
        }
        List<String> general = new ArrayList<>();
        if (gelu > 0) {
            general.add(gelu + " Gelu");
        }
        if (hswish > 0) {
            general.add(hswish + " HardSwish");
        }
        if (!general.isEmpty()) {
            guided.add("the guided rule f'(x)·max(R, 0) on " + String.join(" and ", general) + " node"
                    + (gelu + hswish == 1 ? "" : "s"));
        }
        List<String> exact = new ArrayList<>();
        int silu = 0;
        for (Node n : g.nodes()) {
            if (n.opType().equals("Mul") && n.inputs().size() == 2) {
                for (int i = 0; i < 2; i++) {
                    Node p = g.producer(n.inputs().get(i));
                    if (p != null && p.opType().equals("Sigmoid") && p.inputs().get(0).equals(n.inputs().get(1 - i))) {
                        silu++;
                        break;
                    }
                }
            }
        }
        if (silu > 0) {
            exact.add(silu + " SiLU as Sigmoid·Mul");
        }
        int erf = count.getOrDefault("Erf", 0);
        if (erf > 0) {
            exact.add(erf + " GELU written out with Erf");
        }
        for (String op : List.of("LeakyRelu", "PRelu", "Elu", "Selu", "Softplus", "Tanh", "Clip", "HardSigmoid")) {
            if (count.containsKey(op)) {
                exact.add(count.get(op) + " " + op);
            }
        }
        StringBuilder b = new StringBuilder("guided backprop: ");
        if (guided.isEmpty()) {
            b.append("no node gets a guided rule");
        } else {
            b.append(String.join("; ", guided));
        }
        if (!exact.isEmpty()) {
            b.append(guided.isEmpty() ? " (" : "; ").append("exact gradient through ").append(String.join(", ", exact))
                    .append(guided.isEmpty() ? ")" : "");
        }
        if (guided.isEmpty()) {
            b.append(", so the result is the plain gradient (saliency)");
        }
        return b.toString();
    }

    @Override
    public String name() {
        return "guided backprop";
    }
}
