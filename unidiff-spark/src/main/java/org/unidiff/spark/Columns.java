package org.unidiff.spark;

import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

/** Column checks and the values the jobs put into result rows. */
final class Columns {

    /** The type of the {@code parameters} column: {@code GenerationParameters.asText()}. */
    static final DataType PARAMETERS = DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false);

    private Columns() {
    }

    /**
     * @throws IllegalArgumentException naming the missing column and the columns there are
     */
    static void require(Dataset<Row> data, String what, String... columns) {
        for (String c : columns) {
            if (!Arrays.asList(data.columns()).contains(c)) {
                throw new IllegalArgumentException(what + " needs a column '" + c + "'; the columns are "
                        + Arrays.toString(data.columns()));
            }
        }
    }

    static boolean has(Dataset<Row> data, String column) {
        return Arrays.asList(data.columns()).contains(column);
    }

    /** A map value as a row of an external-type {@link org.apache.spark.sql.Encoders#row} wants it (a Scala map). */
    static scala.collection.Map<String, String> parameters(Map<String, String> values) {
        return values == null ? null : CollectionConverters.asScala(values);
    }
}
