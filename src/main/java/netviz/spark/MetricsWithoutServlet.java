package netviz.spark;

import com.codahale.metrics.MetricRegistry;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.metrics.sink.MetricsServlet;
import org.apache.spark.sql.SparkSession;
import org.sparkproject.jetty.servlet.ServletContextHandler;

/**
 * Spark's metrics servlet sink without its web handler, for a driver whose class path has the
 * Servlet 6 API (netviz's web app brings it) where Spark's Jetty needs Servlet 5's
 * {@code SingleThreadModel}: Spark builds the JSON metrics handler even with its UI off, and that
 * fails on Servlet 6. A cluster's Spark brings Servlet 5 and keeps its own servlet.
 */
public final class MetricsWithoutServlet extends MetricsServlet {

    public MetricsWithoutServlet(Properties property, MetricRegistry registry) {
        super(property, registry);
    }

    @Override
    public ServletContextHandler[] getHandlers(SparkConf conf) {
        return new ServletContextHandler[0];
    }

    /** Configures {@code builder} to use this sink when the class path lacks Servlet 5's API. */
    public static SparkSession.Builder ifServlet6(SparkSession.Builder builder) {
        try {
            Class.forName("jakarta.servlet.SingleThreadModel", false, MetricsWithoutServlet.class.getClassLoader());
            return builder;
        } catch (ClassNotFoundException e) {
            return builder.config("spark.metrics.conf.*.sink.servlet.class", MetricsWithoutServlet.class.getName());
        }
    }
}
