/** The graph, its interpreter (forward, autograd, rule-based backward) and objectives. */
package netviz.engine;
