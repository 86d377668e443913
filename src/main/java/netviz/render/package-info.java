/** Pictures from plain arrays: colour maps, normalisation, tile grids, colour bars, overlays, charts and PNG output; knows nothing about models. */
package netviz.render;
