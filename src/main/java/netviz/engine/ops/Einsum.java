package netviz.engine.ops;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import netviz.UnsupportedOperatorException;
import netviz.engine.Node;

/**
 * Einsum: Einstein summation over the operands' subscripts, e.g. {@code "bhid,bhjd->bhij"}
 * (attention scores), {@code "bhij,bhjd->bhid"}, {@code "bij,bjk->bik"}, {@code "ij->ji"},
 * {@code "...ij,...jk->...ik"}, implicit outputs ({@code "ij,jk"}: the letters that occur once, in
 * alphabetical order) and sums ({@code "ij->i"}). Computed as transposes, sums and one batched
 * matrix product per pair of operands (left to right), so autograd sees it. Refused when the
 * model is loaded: a letter repeated within one operand (diagonals, traces); refused at run time:
 * an ellipsis whose dimensions differ between operands (broadcasting). Opsets 12-22.
 */
final class Einsum implements Op {
    private final String equation;
    private final List<String> operands = new ArrayList<>();
    private final String output;
    private final boolean hasEllipsis;

    Einsum(Node node, int opset) {
        String eq = node.getString("equation", null);
        if (eq == null) {
            throw node.error("attribute 'equation' is missing");
        }
        equation = eq;
        String s = eq.replace(" ", "");
        String lhs;
        String rhs;
        int arrow = s.indexOf("->");
        if (arrow >= 0) {
            lhs = s.substring(0, arrow);
            rhs = s.substring(arrow + 2);
        } else {
            lhs = s;
            rhs = null;
        }
        boolean ell = false;
        for (String op : lhs.split(",", -1)) {
            String t = op.replace("...", "*");
            check(node, t);
            ell |= t.indexOf('*') >= 0;
            for (int i = 0; i < t.length(); i++) {
                if (t.indexOf(t.charAt(i)) != i) {
                    throw new UnsupportedOperatorException("node '" + node.label() + "' (Einsum): equation '" + eq
                            + "' repeats '" + t.charAt(i) + "' within one operand (a diagonal or trace); netviz supports "
                            + "products, transposes and sums such as 'bhid,bhjd->bhij' or 'bij,bjk->bik'");
                }
            }
            operands.add(t);
        }
        if (node.inputs().size() != operands.size()) {
            throw node.error("equation '" + eq + "' names " + operands.size() + " operands but the node has "
                    + node.inputs().size() + " inputs");
        }
        if (rhs == null) {
            StringBuilder b = new StringBuilder(ell ? "*" : "");
            String all = String.join("", operands);
            all.chars().filter(Character::isLetter).distinct().sorted()
                    .filter(c -> all.indexOf(c) == all.lastIndexOf(c)).forEach(c -> b.append((char) c));
            output = b.toString();
        } else {
            output = rhs.replace("...", "*");
            check(node, output);
            for (int i = 0; i < output.length(); i++) {
                char c = output.charAt(i);
                if (output.indexOf(c) != i || operands.stream().noneMatch(o -> o.indexOf(c) >= 0)) {
                    throw node.error("equation '" + eq + "': output letter '" + c + "' is repeated or in no operand");
                }
            }
        }
        hasEllipsis = ell;
    }

    private static void check(Node node, String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!Character.isLetter(c) && c != '*') {
                throw node.error("attribute 'equation' has '" + c + "'; subscripts are letters, ',', '->' and '...'");
            }
        }
        if (t.indexOf('*') != t.lastIndexOf('*')) {
            throw node.error("an operand of the equation has two ellipses");
        }
    }

    @Override
    public NDArray[] apply(OpContext ctx, NDArray[] in) {
        // expand the ellipsis into private letters (digits do not occur in subscripts)
        List<String> subs = new ArrayList<>();
        int ellRank = -1;
        long[] ellDims = null;
        for (int k = 0; k < operands.size(); k++) {
            String t = operands.get(k);
            long[] d = OpSupport.dims(in[k]);
            int star = t.indexOf('*');
            if (star < 0) {
                if (t.length() != d.length) {
                    throw new IllegalArgumentException("Einsum '" + equation + "': operand " + k + " has rank " + d.length
                            + " but subscripts '" + t + "'");
                }
                subs.add(t);
                continue;
            }
            int r = d.length - (t.length() - 1);
            if (r < 0) {
                throw new IllegalArgumentException("Einsum '" + equation + "': operand " + k + " has rank " + d.length
                        + ", too small for '" + t + "'");
            }
            long[] e = Arrays.copyOfRange(d, star, star + r);
            if (ellDims == null) {
                ellRank = r;
                ellDims = e;
            } else if (!Arrays.equals(ellDims, e)) {
                throw new UnsupportedOperatorException("Einsum '" + equation + "': the dimensions under '...' differ ("
                        + Arrays.toString(ellDims) + " and " + Arrays.toString(e) + "); netviz does not broadcast them");
            }
            subs.add(t.substring(0, star) + ellipsis(r) + t.substring(star + 1));
        }
        String out = hasEllipsis ? output.replace("*", ellipsis(Math.max(ellRank, 0))) : output;
        NDArray acc = in[0];
        String accSub = subs.get(0);
        for (int k = 1; k < subs.size(); k++) {
            Set<Character> later = new LinkedHashSet<>();
            for (char c : out.toCharArray()) {
                later.add(c);
            }
            for (int j = k + 1; j < subs.size(); j++) {
                for (char c : subs.get(j).toCharArray()) {
                    later.add(c);
                }
            }
            NDArray[] res = new NDArray[1];
            accSub = pair(acc, accSub, in[k], subs.get(k), later, res);
            acc = res[0];
        }
        // sum letters not in the output, then order as the output
        acc = sumAway(acc, accSub, out);
        accSub = kept(accSub, out);
        int[] perm = new int[out.length()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = accSub.indexOf(out.charAt(i));
        }
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            identity &= perm[i] == i;
        }
        return new NDArray[] {identity ? acc : acc.transpose(perm)};
    }

    private static String ellipsis(int r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r; i++) {
            b.append((char) ('0' + i));
        }
        return b.toString();
    }

    private static String kept(String sub, String keep) {
        StringBuilder b = new StringBuilder();
        for (char c : sub.toCharArray()) {
            if (keep.indexOf(c) >= 0) {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static NDArray sumAway(NDArray a, String sub, String keep) {
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < sub.length(); i++) {
            if (keep.indexOf(sub.charAt(i)) < 0) {
                axes.add(i);
            }
        }
        if (axes.isEmpty()) {
            return a;
        }
        return a.sum(axes.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The product of a (subscripts sa) and b (sb), keeping the letters in {@code keep}; stores the
     * result in out[0] and returns its subscripts: batch letters, then a's free letters, then b's.
     */
    private static String pair(NDArray a, String sa, NDArray b, String sb, Set<Character> keep, NDArray[] out) {
        // letters only in one operand and needed nowhere else are summed first
        String keepA = keepOf(sa, sb, keep);
        String keepB = keepOf(sb, sa, keep);
        a = sumAway(a, sa, keepA);
        sa = kept(sa, keepA);
        b = sumAway(b, sb, keepB);
        sb = kept(sb, keepB);
        StringBuilder batch = new StringBuilder();
        StringBuilder contract = new StringBuilder();
        StringBuilder freeA = new StringBuilder();
        StringBuilder freeB = new StringBuilder();
        for (char c : sa.toCharArray()) {
            if (sb.indexOf(c) >= 0) {
                (keep.contains(c) ? batch : contract).append(c);
            } else {
                freeA.append(c);
            }
        }
        for (char c : sb.toCharArray()) {
            if (sa.indexOf(c) < 0) {
                freeB.append(c);
            }
        }
        long[] da = OpSupport.dims(a);
        long[] db = OpSupport.dims(b);
        for (char c : batch.toString().concat(contract.toString()).toCharArray()) {
            if (da[sa.indexOf(c)] != db[sb.indexOf(c)]) {
                throw new IllegalArgumentException("Einsum: letter '" + c + "' has size " + da[sa.indexOf(c)]
                        + " in one operand and " + db[sb.indexOf(c)] + " in the other");
            }
        }
        NDArray pa = permute(a, sa, batch + "" + freeA + contract);
        NDArray pb = permute(b, sb, batch + "" + contract + freeB);
        long nb = size(da, sa, batch);
        long nfa = size(da, sa, freeA);
        long nc = size(da, sa, contract);
        long nfb = size(db, sb, freeB);
        NDArray prod = pa.reshape(nb, nfa, nc).matMul(pb.reshape(nb, nc, nfb));
        String rs = batch.toString() + freeA + freeB;
        long[] shape = new long[rs.length()];
        for (int i = 0; i < rs.length(); i++) {
            char c = rs.charAt(i);
            shape[i] = sa.indexOf(c) >= 0 ? da[sa.indexOf(c)] : db[sb.indexOf(c)];
        }
        out[0] = prod.reshape(shape);
        return rs;
    }

    private static String keepOf(String s, String other, Set<Character> keep) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (other.indexOf(c) >= 0 || keep.contains(c)) {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static long size(long[] d, String sub, CharSequence letters) {
        long n = 1;
        for (int i = 0; i < letters.length(); i++) {
            n *= d[sub.indexOf(letters.charAt(i))];
        }
        return n;
    }

    private static NDArray permute(NDArray a, String from, String to) {
        int[] perm = new int[to.length()];
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            perm[i] = from.indexOf(to.charAt(i));
            identity &= perm[i] == i;
        }
        return identity ? a : a.transpose(perm);
    }
}
