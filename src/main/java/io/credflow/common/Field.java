package io.credflow.common;

/**
 * Names of the fields a domain error is about. A field is a logical path relative to the resource a
 * command is for: member names joined by {@code /}, each escaped as a JSON pointer segment (RFC
 * 6901), e.g. {@code name}, {@code credentials/client_id}, {@code config/reader/url}, {@code
 * auth_client} (a related resource), {@code components/1} (the second of a list of related
 * resources) or {@code components/*} (that list as a whole). The domain never says where a field
 * sits in a request document: the edge that took the request maps it (the HTTP API to a JSON:API
 * pointer).
 */
public final class Field {
  /** The last segment of a field that names every item of a list at once. */
  public static final String ALL_ITEMS = "*";

  private Field() {}

  /** The member {@code name} of {@code parent}; the empty parent is the resource itself. */
  public static String child(String parent, String name) {
    return parent.isEmpty() ? escape(name) : parent + "/" + escape(name);
  }

  /** The item at {@code index} of the list {@code parent}. */
  public static String item(String parent, int index) {
    return child(parent, Integer.toString(index));
  }

  /** The list {@code parent} as a whole, e.g. when it must not be empty. */
  public static String items(String parent) {
    return parent + "/" + ALL_ITEMS;
  }

  /** A member name as one segment: "~" and "/" escaped (RFC 6901). */
  public static String escape(String name) {
    return name.replace("~", "~0").replace("/", "~1");
  }
}
