/** {@code netviz serve}: a local web app and JSON API over the library's methods (Javalin, jobs, result cache). */
package netviz.server;
