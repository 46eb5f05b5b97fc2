package org.unidiff.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's file-system settings ({@code fs.*} and {@code dfs.*}, including those given as
 * {@code spark.hadoop.*}), sent with the tasks that write image files: an executor's own
 * {@code new Configuration()} knows only its site files, not credentials or endpoints set on the
 * job (object stores need them).
 *
 * @param entries the settings
 */
record HadoopSettings(Map<String, String> entries) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Copies the map. */
    HadoopSettings {
        entries = new TreeMap<>(entries);
    }

    /** The file-system settings of the session's Hadoop configuration. */
    static HadoopSettings of(SparkSession spark) {
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : spark.sparkContext().hadoopConfiguration()) {
            if (e.getKey().startsWith("fs.") || e.getKey().startsWith("dfs.")) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return new HadoopSettings(out);
    }

    /** A configuration with these settings over the machine's defaults. */
    Configuration configuration() {
        Configuration conf = new Configuration();
        entries.forEach(conf::set);
        return conf;
    }
}
