package netviz.figures;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netviz.render.Figure;

/**
 * What a figure recipe makes: the pictures (the main one first; several for a technique that draws
 * one per image, channel or page), the raw arrays behind them by name, and a summary (numbers and
 * words) that the command line prints, the web app returns as JSON and the report puts in captions.
 * The summary holds only JSON-friendly values: strings, numbers, booleans, arrays, lists and maps.
 */
public record FigureResult(List<Figure> figures, Map<String, RawArray> arrays, Map<String, Object> summary) {
    public FigureResult {
        figures = List.copyOf(figures);
        arrays = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arrays));
        summary = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(summary));
    }

    /** One picture, no raw arrays. */
    public static FigureResult of(Figure figure, Map<String, Object> summary) {
        return new FigureResult(List.of(figure), Map.of(), summary);
    }

    /** The main picture. */
    public Figure figure() {
        return figures.get(0);
    }
}
