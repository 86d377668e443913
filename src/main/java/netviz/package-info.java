/** Root of netviz: the user-facing error types live here. */
package netviz;
