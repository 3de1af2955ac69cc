package io.credflow.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON columns (descriptors, settings) and the plaintext of encrypted secret maps. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Messages keep their numbers exact: a decimal read back is the decimal written. */
  private static final ObjectMapper VALUES =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot write a JSON column", e);
    }
  }

  /** Any JSON value as plain Java values (maps, lists, strings, numbers, booleans, null). */
  static Object read(String json) {
    try {
      return VALUES.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new StoreException("a stored JSON column is unreadable", e);
    }
  }

  static Map<String, Object> readMap(String json) {
    try {
      return MAPPER.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw new StoreException("a stored JSON column is unreadable", e);
    }
  }
}
