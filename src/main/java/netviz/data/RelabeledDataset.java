package netviz.data;

import java.util.List;
import java.util.concurrent.Callable;

/** A dataset whose labels are translated through a table (see {@link Datasets#alignTo}). */
final class RelabeledDataset extends AbstractDataset {
    private final AbstractDataset inner;
    private final int[] map;
    private final List<String> names;

    RelabeledDataset(AbstractDataset inner, int[] map, List<String> names) {
        super(inner.preprocessing());
        this.inner = inner;
        this.map = map.clone();
        this.names = List.copyOf(names);
    }

    @Override
    public String description() {
        return inner.description() + " (labels mapped to the model's classes)";
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public List<String> classNames() {
        return names;
    }

    @Override
    public boolean labeled() {
        return true;
    }

    @Override
    protected Reader open(int from) {
        Reader r = inner.open(from);
        return new Reader() {
            @Override
            public Callable<Example> next() {
                Callable<Example> task = r.next();
                return () -> {
                    Example e = task.call();
                    return new Example(e.image(), e.label() < 0 ? -1 : map[e.label()], e.id());
                };
            }

            @Override
            public void skip(int n) {
                r.skip(n);
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }
}
