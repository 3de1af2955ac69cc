package io.credflow.executor;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Turns a received body into the result's {@code responseBody}, as plain Java values (insertion
 * ordered {@code Map<String, Object>}, {@code List<Object>}, {@code String}, {@code Number}, {@code
 * Boolean}, {@code null}: the shapes of Jackson's {@code readValue(bytes, Object.class)}), so a
 * flow's next step can address its members. Decoding never fails: a body that does not parse as its
 * content type says is handed back as text.
 *
 * <ul>
 *   <li>{@link ResponseEncoding#BASE64}: always the body's bytes in base64 (RFC 4648 standard
 *       alphabet, padded, no line breaks); an empty body is {@code ""}.
 *   <li>JSON ({@code application/json}, {@code *}{@code /*+json}): the parsed value; an empty body
 *       is {@code null}; text that is not JSON (or nests deeper than {@value #MAX_JSON_DEPTH}
 *       levels) is returned as the decoded text.
 *   <li>No (or an unreadable) {@code Content-Type}: the parsed value if the whole body is JSON,
 *       including a bare {@code 42} or {@code "s"}; otherwise the text; an empty body is {@code
 *       ""}.
 *   <li>XML ({@code application/xml}, {@code text/xml}, {@code *}{@code /*+xml}, which includes
 *       {@code image/svg+xml}): converted as the reference component's xml2js did (explicitArray
 *       off): {@code {"root": value}}, where an element's value is its text when it has neither
 *       attributes nor children ({@code ""} when empty; blank text is kept as is), and otherwise an
 *       object with its attributes under {@code "$"}, its text under {@code "_"} (all its text
 *       pieces concatenated, untrimmed, left out when blank) and one member per child name, an
 *       array when the name repeats. Names keep their prefix ({@code soap:Envelope}) and namespace
 *       declarations appear as attributes ({@code xmlns:soap}); comments and processing
 *       instructions are dropped. A DOCTYPE is skipped, never fetched, and the entities it declares
 *       are never expanded: a document that uses one is not well formed here, like any other
 *       malformed XML or one nested deeper than {@value #MAX_XML_DEPTH} elements, and comes back as
 *       its text. Without a charset label the encoding comes from a byte order mark, then the XML
 *       declaration, then UTF-8. An empty body is {@code ""}.
 *   <li>Binary types ({@code application/octet-stream}, {@code application/pdf}, {@code
 *       application/zip}, {@code application/gzip}, {@code application/x-gzip}, {@code image/*},
 *       {@code audio/*}, {@code video/*}, {@code font/*}): base64 as above even when UTF8 was asked
 *       for, since decoding them as text would corrupt them.
 *   <li>Anything else is text.
 * </ul>
 *
 * <p>Text is decoded with the {@code charset} parameter (any charset Java knows; an unknown or
 * missing one means UTF-8), except that a byte order mark wins over the label, as in the WHATWG
 * encoding standard; the mark itself is dropped. Malformed bytes become U+FFFD.
 */
public final class ResponseDecoder {
  /** The deepest JSON nesting accepted, as Jackson's {@link StreamReadConstraints} enforce it. */
  public static final int MAX_JSON_DEPTH = 1000;

  /**
   * The deepest XML element nesting converted: an element adds at most two JSON levels (its object
   * and a repeated-name array), so the JSON it becomes stays within {@link #MAX_JSON_DEPTH}.
   */
  public static final int MAX_XML_DEPTH = MAX_JSON_DEPTH / 2 - 1;

  // Calls run on virtual threads, for which Jackson's default thread-local buffer pool keeps
  // nothing: a shared pool lets them reuse the parser's buffers.
  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9a-z-]+");
  private static final Set<String> BINARY_TYPES = Set.of("image", "audio", "video", "font");
  private static final Set<String> BINARY_APPLICATION_SUBTYPES =
      Set.of("octet-stream", "pdf", "zip", "gzip", "x-gzip");
  private static final Pattern XML_DECLARATION =
      Pattern.compile("<\\?xml\\s[^>]*?\\bencoding\\s*=\\s*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']");
  private static final Object NOT_JSON = new Object();

  private ResponseDecoder() {}

  /**
   * The {@code responseBody} for {@code body} received with the {@code Content-Type} header value
   * {@code contentTypeHeaderOrNull}, as described on the class.
   */
  public static Object decode(
      byte[] body, String contentTypeHeaderOrNull, ResponseEncoding encoding) {
    if (encoding == ResponseEncoding.BASE64) {
      return Base64.getEncoder().encodeToString(body);
    }
    Optional<MediaType> parsed = MediaType.parse(contentTypeHeaderOrNull);
    if (parsed.isEmpty()) {
      String text = text(body, null);
      Object json = text.isEmpty() ? NOT_JSON : json(text);
      return json == NOT_JSON ? text : json;
    }
    MediaType type = parsed.get();
    if (type.isJson()) {
      if (body.length == 0) {
        return null;
      }
      String text = text(body, type.charset());
      Object json = json(text);
      return json == NOT_JSON ? text : json;
    }
    if (type.isXml()) {
      String text = text(body, type.charset() == null ? declaredEncoding(body) : type.charset());
      try {
        return xml(text);
      } catch (XMLStreamException e) {
        return text;
      }
    }
    if (type.isBinary()) {
      return Base64.getEncoder().encodeToString(body);
    }
    return text(body, type.charset());
  }

  private static Object json(String text) {
    try {
      return JSON.readValue(text, Object.class);
    } catch (JacksonException e) {
      return NOT_JSON;
    }
  }

  /**
   * {@code body} as text in {@code charsetName} (null or unknown: UTF-8), byte order mark first.
   */
  private static String text(byte[] body, String charsetName) {
    Charset charset = charset(charsetName);
    int skip = 0;
    if (!charset.name().startsWith("UTF-32")) {
      if (startsWith(body, 0xEF, 0xBB, 0xBF)) {
        charset = StandardCharsets.UTF_8;
        skip = 3;
      } else if (startsWith(body, 0xFE, 0xFF)) {
        charset = StandardCharsets.UTF_16BE;
        skip = 2;
      } else if (startsWith(body, 0xFF, 0xFE)) {
        charset = StandardCharsets.UTF_16LE;
        skip = 2;
      }
    }
    String text = new String(body, skip, body.length - skip, charset);
    return skip == 0 && text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /**
   * The {@code encoding} of an XML declaration at the start of {@code body}, for XML sent without a
   * charset label (RFC 7303 §3.6); null without one, so UTF-8 or a byte order mark decides.
   */
  private static String declaredEncoding(byte[] body) {
    String head = new String(body, 0, Math.min(body.length, 256), StandardCharsets.ISO_8859_1);
    Matcher m = XML_DECLARATION.matcher(head);
    return m.lookingAt() ? m.group(1) : null;
  }

  private static Charset charset(String name) {
    if (name == null) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException e) { // illegal or unsupported name
      return StandardCharsets.UTF_8;
    }
  }

  private static boolean startsWith(byte[] body, int... prefix) {
    if (body.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((body[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code text} as XML in the shape the class describes, read with the JDK's own StAX parser (not
   * whatever implementation the classpath offers): DTD support and external entities off, no
   * resolver, element depth capped. Built with an explicit stack, so depth costs no recursion.
   */
  private static Object xml(String text) throws XMLStreamException {
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    // the JDK's default differs by release (none in 21, 100 in 25): make it ours everywhere
    factory.setProperty("jdk.xml.maxElementDepth", MAX_XML_DEPTH);
    factory.setXMLResolver(
        (publicId, systemId, base, namespace) -> {
          throw new XMLStreamException("external resources are not read: " + systemId);
        });
    // text, not bytes: the JDK parser prints undecodable bytes to stderr before it throws
    XMLStreamReader reader = factory.createXMLStreamReader(new StringReader(text));
    try {
      Deque<Element> open = new ArrayDeque<>();
      Map<String, Object> document = null;
      while (reader.hasNext()) {
        switch (reader.next()) {
          case XMLStreamConstants.START_ELEMENT -> {
            if (open.size() >= MAX_XML_DEPTH) {
              throw new XMLStreamException("elements nest deeper than " + MAX_XML_DEPTH);
            }
            open.push(Element.start(reader));
          }
          case XMLStreamConstants.CHARACTERS,
              XMLStreamConstants.CDATA,
              XMLStreamConstants.SPACE -> {
            if (!open.isEmpty()) {
              open.peek().text.append(reader.getText());
            }
          }
          case XMLStreamConstants.END_ELEMENT -> {
            Element done = open.pop();
            if (open.isEmpty()) {
              document = new LinkedHashMap<>();
              document.put(done.name, done.value());
            } else {
              open.peek().add(done.name, done.value());
            }
          }
          default -> {} // comments, processing instructions, the skipped DOCTYPE
        }
      }
      if (document == null) {
        throw new XMLStreamException("no root element");
      }
      return document;
    } finally {
      reader.close();
    }
  }

  /** An open element while its content is read. */
  private static final class Element {
    final String name;
    final Map<String, Object> attributes = new LinkedHashMap<>();
    final Map<String, Object> children = new LinkedHashMap<>();
    final StringBuilder text = new StringBuilder();

    private Element(String name) {
      this.name = name;
    }

    static Element start(XMLStreamReader reader) {
      Element e = new Element(qualified(reader.getPrefix(), reader.getLocalName()));
      for (int i = 0; i < reader.getNamespaceCount(); i++) {
        String prefix = reader.getNamespacePrefix(i);
        String uri = reader.getNamespaceURI(i);
        e.attributes.put(
            prefix == null || prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix,
            uri == null ? "" : uri);
      }
      for (int i = 0; i < reader.getAttributeCount(); i++) {
        e.attributes.put(
            qualified(reader.getAttributePrefix(i), reader.getAttributeLocalName(i)),
            reader.getAttributeValue(i));
      }
      return e;
    }

    void add(String childName, Object value) {
      Object before = children.get(childName);
      if (before == null) {
        children.put(childName, value);
      } else if (before instanceof List<?>) {
        repeated(before).add(value);
      } else {
        children.put(childName, new ArrayList<>(List.of(before, value)));
      }
    }

    Object value() {
      if (attributes.isEmpty() && children.isEmpty()) {
        return text.toString();
      }
      Map<String, Object> object = new LinkedHashMap<>();
      if (!attributes.isEmpty()) {
        object.put("$", attributes);
      }
      if (!text.toString().isBlank()) {
        object.put("_", text.toString());
      }
      children.forEach(
          (childName, value) -> {
            // an element named "_" shares the text's key: both are kept, as a repeated name
            if (object.containsKey(childName)) {
              List<Object> both = new ArrayList<>();
              both.add(object.get(childName));
              both.addAll(value instanceof List<?> l ? l : List.of(value));
              object.put(childName, both);
            } else {
              object.put(childName, value);
            }
          });
      return object;
    }

    /** An element's value is a string or an object, so a list here is a repeated name's. */
    @SuppressWarnings("unchecked")
    private static List<Object> repeated(Object list) {
      return (List<Object>) list;
    }

    private static String qualified(String prefix, String local) {
      return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
    }
  }

  /** The parts of a {@code Content-Type} value this decoder looks at. */
  private record MediaType(String type, String subtype, String charset) {
    /** Empty for a missing or malformed header, which is then treated as absent. */
    static Optional<MediaType> parse(String header) {
      if (header == null) {
        return Optional.empty();
      }
      String[] parts = header.split(";", -1);
      String[] typeAndSubtype = parts[0].strip().toLowerCase(Locale.ROOT).split("/", -1);
      if (typeAndSubtype.length != 2
          || !TOKEN.matcher(typeAndSubtype[0]).matches()
          || !TOKEN.matcher(typeAndSubtype[1]).matches()) {
        return Optional.empty();
      }
      String charset = null;
      for (int i = 1; i < parts.length; i++) {
        String[] parameter = parts[i].split("=", 2);
        if (parameter.length == 2 && parameter[0].strip().equalsIgnoreCase("charset")) {
          charset = parameter[1].strip().replaceAll("^\"|\"$", "");
        }
      }
      return Optional.of(new MediaType(typeAndSubtype[0], typeAndSubtype[1], charset));
    }

    boolean isJson() {
      return (type.equals("application") && subtype.equals("json")) || subtype.endsWith("+json");
    }

    boolean isXml() {
      return ((type.equals("application") || type.equals("text")) && subtype.equals("xml"))
          || subtype.endsWith("+xml");
    }

    boolean isBinary() {
      return BINARY_TYPES.contains(type)
          || (type.equals("application") && BINARY_APPLICATION_SUBTYPES.contains(subtype));
    }
  }
}
