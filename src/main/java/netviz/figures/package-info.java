/**
 * One recipe per technique: a {@link netviz.session.Session} and the technique's typed options in,
 * a {@link netviz.figures.FigureResult} (pictures, raw arrays, summary) out. The command line, the
 * report and the web app are thin adapters over these recipes, so a figure is the same on all three.
 */
package netviz.figures;
