/** The loaded model and everything built from it once, shared by every figure and every surface. */
package netviz.session;
