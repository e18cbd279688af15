package org.knng.spark;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.knng.InvalidInputException;
import scala.Tuple2;

/**
 * The input table as the job reads it: the id column (integers, read as long) and the vector
 * column ({@code array<float>}, {@code array<double>} or any numeric array, or an ML {@code
 * Vector}) checked on the driver against the schema, then read as (id, float32 vector) pairs without
 * boxing a value. Values of other types are cast to float32 as {@code (float)} does.
 */
final class InputColumns {
  private InputColumns() {}

  /**
   * @param points the input table
   * @param idColumn the id column's name
   * @param vectorColumn the vector column's name
   * @return (id, vector) pairs, not yet checked row by row
   * @throws InvalidInputException naming a missing column or one of the wrong type
   */
  static JavaPairRDD<Long, float[]> read(Dataset<Row> points, String idColumn, String vectorColumn) {
    StructField id = field(points, idColumn, "id");
    StructField vector = field(points, vectorColumn, "vector");
    if (!isInteger(id.dataType())) {
      throw new InvalidInputException("column '" + idColumn + "' has type "
          + id.dataType().simpleString() + ": ids must be integers (long)");
    }
    Column values;
    DataType type = vector.dataType();
    if (type instanceof ArrayType && ((ArrayType) type).elementType() instanceof NumericType) {
      values = functions.col(vectorColumn).cast(DataTypes.createArrayType(DataTypes.FloatType));
    } else if (type.getClass().getName().equals("org.apache.spark.ml.linalg.VectorUDT")) {
      values = org.apache.spark.ml.functions.vector_to_array(functions.col(vectorColumn), "float32");
    } else {
      throw new InvalidInputException("column '" + vectorColumn + "' has type " + type.simpleString()
          + ": vectors must be array<float>, array<double> or an ML Vector");
    }
    Dataset<Row> selected = points.select(functions.col(idColumn).cast(DataTypes.LongType), values);
    String idName = idColumn;
    String vectorName = vectorColumn;
    return selected.queryExecution().toRdd().toJavaRDD()
        .mapToPair(row -> pair(row, idName, vectorName));
  }

  private static Tuple2<Long, float[]> pair(InternalRow row, String idColumn, String vectorColumn) {
    if (row.isNullAt(0)) {
      throw new InvalidInputException("a row has a null '" + idColumn + "': every point needs an id");
    }
    long id = row.getLong(0);
    if (row.isNullAt(1)) {
      throw new InvalidInputException("id " + id + ": '" + vectorColumn + "' is null");
    }
    ArrayData array = row.getArray(1);
    for (int j = 0; j < array.numElements(); j++) {
      if (array.isNullAt(j)) {
        throw new InvalidInputException("id " + id + ", column " + j + ": '" + vectorColumn
            + "' holds a null value");
      }
    }
    return new Tuple2<>(id, array.toFloatArray());
  }

  private static StructField field(Dataset<Row> points, String name, String what) {
    return Arrays.stream(points.schema().fields()).filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow(() -> new InvalidInputException("no " + what + " column '" + name
            + "' in the input (its columns: " + Arrays.stream(points.schema().fieldNames())
            .collect(Collectors.joining(", ")) + ")"));
  }

  private static boolean isInteger(DataType type) {
    return type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType)
        || type.equals(DataTypes.ShortType) || type.equals(DataTypes.ByteType);
  }
}
