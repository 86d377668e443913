/** The one-command static HTML report: one section per technique, each figure made by a netviz command. */
package netviz.report;
