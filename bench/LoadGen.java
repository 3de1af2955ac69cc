/*
 * Credflow load generator: closed-loop HTTP/1.1 load against a server on the loopback interface.
 *
 * Run with the JDK source launcher (JDK >= 21, no dependencies):
 *
 *   java bench/LoadGen.java --port 8080 --path /v2/things/1 -H 'Authorization: Bearer KEY' \
 *        --concurrency 32 --warmup 5 --seconds 20 --expect 200
 *
 * Each of the N connections is a platform thread that owns one keep-alive socket and sends the next
 * request as soon as the previous response has been read completely. The HTTP client is a minimal
 * hand-written one (request bytes are pre-built; the response parser reads the status line, the
 * headers and a Content-Length or chunked body) so that the generator costs as little CPU as
 * possible on a small machine; java.net.http.HttpClient is deliberately not used.
 *
 * The body (and the path and header values) may contain "{n}", replaced by a per-request counter,
 * e.g. to give every created resource a unique name.
 *
 * Output: exactly one line on stdout,
 *   requests=... errors=... seconds=... rps=... p50_ms=... p99_ms=... max_ms=... (more key=value)
 * where requests counts every request that finished inside the measurement window, errors those
 * that got an unexpected status or an I/O error, rps the successful ones per second, and the
 * latency figures are over successful requests. CPU use in the window, in % of one core:
 * loadgen_cpu_pct (this process), and on Linux system_cpu_pct (all processes), NAME_cpu_pct for
 * each --watch NAME=PIDS, and other_cpu_pct (everything else: when that is high, the machine was
 * busy with something else and the figures understate the server). Diagnostics go to stderr. Exit status: 0 when the
 * run completed (even with errors; the caller judges the error count), 2 for bad arguments, 3 when
 * not a single request succeeded.
 */

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

public final class LoadGen {

  // ---------------------------------------------------------------------------------------------
  // Options

  static final class Options {
    String method = "GET";
    String host = "127.0.0.1";
    int port = 8080;
    String path = "/";
    final List<String> headers = new ArrayList<>();
    String body; // null: no body
    int concurrency = 8;
    double warmupSeconds = 0;
    double seconds = -1; // -1: not given
    long requests = 0; // 0: time-bounded only
    int expect = 200;
    int timeoutMs = 10_000;
    int connectTimeoutMs = 2_000;
    long nStart = 0;
    String label;
    /** name -> pids whose CPU use in the window is reported as name_cpu_pct (Linux /proc). */
    final Map<String, List<Long>> watch = new java.util.LinkedHashMap<>();
    boolean quiet;
  }

  static void usage() {
    System.err.println(
        """
        usage: java bench/LoadGen.java [options]
          --url URL            http://127.0.0.1:PORT/path (sets host, port and path)
          --host HOST          loopback host (default 127.0.0.1); other hosts are refused
          --port PORT          (default 8080)
          --path PATH          request target (default /); may contain {n}
          -X, --method M       (default GET)
          -H, --header 'K: V'  extra request header (repeatable); may contain {n}
          -d, --body TEXT      request body; may contain {n} (counter, unique per request)
          --body-file FILE     request body read from FILE
          -c, --concurrency N  connections = threads (default 8)
          -w, --warmup S       warm-up seconds, not measured (default 0)
          -s, --seconds S      measured seconds (default 10; with --requests: upper bound, default 300)
          -n, --requests N     stop the measurement after N requests instead of after S seconds
          --expect CODE        status that counts as success (default 200)
          --timeout-ms MS      socket read timeout per response (default 10000)
          --n-start N          first value of {n} (default 0)
          --label TEXT         added to the result line as label=TEXT
          --watch NAME=PID[,PID...]  report those processes' CPU use in the window as
                               NAME_cpu_pct (Linux /proc; repeatable)
          --watch-pid PID      same as --watch server=PID
          -q, --quiet          no progress on stderr
        Prints one line: requests= errors= seconds= rps= p50_ms= p99_ms= max_ms= ...""");
  }

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        v = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "-h", "--help" -> {
          usage();
          System.exit(0);
        }
        case "-q", "--quiet" -> o.quiet = true;
        default -> {
          if (v == null) {
            if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + a);
            v = args[++i];
          }
          switch (a) {
            case "--url" -> parseUrl(o, v);
            case "--host" -> o.host = v;
            case "--port" -> o.port = Integer.parseInt(v);
            case "--path" -> o.path = v;
            case "-X", "--method" -> o.method = v.toUpperCase(Locale.ROOT);
            case "-H", "--header" -> o.headers.add(v);
            case "-d", "--body" -> o.body = v;
            case "--body-file" -> {
              try {
                o.body = Files.readString(Path.of(v));
              } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + v + ": " + e.getMessage());
              }
            }
            case "-c", "--concurrency" -> o.concurrency = Integer.parseInt(v);
            case "-w", "--warmup" -> o.warmupSeconds = Double.parseDouble(v);
            case "-s", "--seconds" -> o.seconds = Double.parseDouble(v);
            case "-n", "--requests" -> o.requests = Long.parseLong(v);
            case "--expect" -> o.expect = Integer.parseInt(v);
            case "--timeout-ms" -> o.timeoutMs = Integer.parseInt(v);
            case "--n-start" -> o.nStart = Long.parseLong(v);
            case "--label" -> o.label = v;
            case "--watch-pid" -> o.watch.put("server", parsePids(v));
            case "--watch" -> {
              int e = v.indexOf('=');
              if (e <= 0 || !v.substring(0, e).matches("[A-Za-z][A-Za-z0-9_]*"))
                throw new IllegalArgumentException("--watch wants NAME=PID[,PID...], got " + v);
              o.watch.put(v.substring(0, e), parsePids(v.substring(e + 1)));
            }
            default -> throw new IllegalArgumentException("unknown option " + a);
          }
        }
      }
    }
    if (o.seconds < 0) o.seconds = o.requests > 0 ? 300 : 10;
    if (o.concurrency < 1 || o.concurrency > 4096)
      throw new IllegalArgumentException("--concurrency must be 1..4096");
    if (o.seconds <= 0 || o.seconds > 3600)
      throw new IllegalArgumentException("--seconds must be in (0, 3600]");
    if (o.warmupSeconds < 0 || o.warmupSeconds > 3600)
      throw new IllegalArgumentException("--warmup must be in [0, 3600]");
    if (o.requests < 0) throw new IllegalArgumentException("--requests must be >= 0");
    if (o.port < 1 || o.port > 65535) throw new IllegalArgumentException("--port must be 1..65535");
    if (o.timeoutMs < 1) throw new IllegalArgumentException("--timeout-ms must be > 0");
    if (!o.path.startsWith("/")) throw new IllegalArgumentException("--path must start with /");
    for (String h : o.headers) {
      if (h.indexOf(':') <= 0 || h.indexOf('\r') >= 0 || h.indexOf('\n') >= 0)
        throw new IllegalArgumentException("bad header (want 'Name: value'): " + h);
    }
    return o;
  }

  static List<Long> parsePids(String list) {
    List<Long> pids = new ArrayList<>();
    for (String p : list.split(",")) {
      if (!p.isBlank()) pids.add(Long.parseLong(p.trim()));
    }
    return pids;
  }

  static void parseUrl(Options o, String url) {
    if (!url.startsWith("http://"))
      throw new IllegalArgumentException("--url must start with http:// (no TLS): " + url);
    String rest = url.substring("http://".length());
    int slash = rest.indexOf('/');
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    o.path = slash < 0 ? "/" : rest.substring(slash);
    int colon = authority.lastIndexOf(':');
    if (colon > 0) {
      o.host = authority.substring(0, colon);
      o.port = Integer.parseInt(authority.substring(colon + 1));
    } else {
      o.host = authority;
      o.port = 80;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Request template: the request as byte segments separated by {n} placeholders.

  static final class RequestTemplate {
    /** Per-thread output buffer for templated requests. */
    static final class Scratch {
      byte[] buf = new byte[1024];
      int len;
    }

    private static final byte[] EMPTY = new byte[0];
    private final byte[][] headSegments; // request line + headers (without Content-Length)
    private final byte[][] bodySegments; // null when there is no body
    private final int headFixedLength;
    private final int bodyFixedLength;
    final byte[] fixed; // the whole request when there is no {n} anywhere; else null

    RequestTemplate(Options o) {
      StringBuilder head = new StringBuilder(256);
      head.append(o.method).append(' ').append(o.path).append(" HTTP/1.1\r\n");
      String hostHeader = o.host.contains(":") && !o.host.startsWith("[") ? "[" + o.host + "]" : o.host;
      head.append("Host: ").append(hostHeader).append(':').append(o.port).append("\r\n");
      boolean hasUa = false;
      for (String h : o.headers) {
        String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
        if (name.equals("content-length") || name.equals("host") || name.equals("connection")
            || name.equals("transfer-encoding"))
          throw new IllegalArgumentException("header is set by LoadGen itself: " + h);
        if (name.equals("user-agent")) hasUa = true;
        head.append(h.trim()).append("\r\n");
      }
      if (!hasUa) head.append("User-Agent: credflow-loadgen\r\n");
      String body = o.body;
      if (body == null && needsBody(o.method)) body = "";
      headSegments = split(head.toString());
      bodySegments = body == null ? null : split(body);
      headFixedLength = sum(headSegments);
      bodyFixedLength = bodySegments == null ? 0 : sum(bodySegments);
      if (headSegments.length == 1 && (bodySegments == null || bodySegments.length == 1)) {
        Scratch s = new Scratch();
        build(0, s);
        fixed = java.util.Arrays.copyOf(s.buf, s.len);
      } else {
        fixed = null;
      }
    }

    private static boolean needsBody(String method) {
      return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }

    private static byte[][] split(String s) {
      String[] parts = s.split("\\{n\\}", -1);
      byte[][] out = new byte[parts.length][];
      for (int i = 0; i < parts.length; i++) out[i] = parts[i].getBytes(StandardCharsets.UTF_8);
      return out;
    }

    private static int sum(byte[][] segments) {
      int n = 0;
      for (byte[] s : segments) n += s.length;
      return n;
    }

    /** Writes the request for counter value n into s.buf (grown if needed), length in s.len. */
    void build(long n, Scratch s) {
      byte[] digits = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
      int bodyLen =
          bodySegments == null ? -1 : bodyFixedLength + (bodySegments.length - 1) * digits.length;
      byte[] cl =
          bodyLen < 0
              ? EMPTY
              : ("Content-Length: " + bodyLen + "\r\n").getBytes(StandardCharsets.US_ASCII);
      int total =
          headFixedLength + (headSegments.length - 1) * digits.length + cl.length + 2
              + Math.max(bodyLen, 0);
      if (s.buf.length < total) s.buf = new byte[total * 2];
      byte[] b = s.buf;
      int p = 0;
      for (int i = 0; i < headSegments.length; i++) {
        if (i > 0) p = put(b, p, digits);
        p = put(b, p, headSegments[i]);
      }
      p = put(b, p, cl);
      b[p++] = '\r';
      b[p++] = '\n';
      if (bodySegments != null) {
        for (int i = 0; i < bodySegments.length; i++) {
          if (i > 0) p = put(b, p, digits);
          p = put(b, p, bodySegments[i]);
        }
      }
      s.len = p;
    }

    private static int put(byte[] dst, int p, byte[] src) {
      System.arraycopy(src, 0, dst, p, src.length);
      return p + src.length;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Latency histogram: log-linear buckets over nanoseconds, relative error < 1/128 (HdrHistogram
  // style). Exact for values < 256 ns; recording is a few integer ops and no allocation.

  static final class Histogram {
    static final int SUB_BITS = 7;
    static final int SUB = 1 << SUB_BITS; // 128
    static final int BUCKETS = 2 * SUB + 56 * SUB;
    final long[] counts = new long[BUCKETS];
    long total;
    long max;
    double sum;

    static int index(long v) {
      if (v < 2 * SUB) return (int) Math.max(v, 0);
      int exp = 63 - Long.numberOfLeadingZeros(v);
      int shift = exp - SUB_BITS;
      int sub = (int) (v >>> shift); // [SUB, 2*SUB)
      return 2 * SUB + (shift - 1) * SUB + (sub - SUB);
    }

    /** Highest value that maps to bucket i. */
    static long upper(int i) {
      if (i < 2 * SUB) return i;
      int shift = (i - 2 * SUB) / SUB + 1;
      long sub = (i - 2 * SUB) % SUB + SUB;
      return ((sub + 1) << shift) - 1;
    }

    static long lower(int i) {
      if (i < 2 * SUB) return i;
      int shift = (i - 2 * SUB) / SUB + 1;
      long sub = (i - 2 * SUB) % SUB + SUB;
      return sub << shift;
    }

    void record(long nanos) {
      counts[index(nanos)]++;
      total++;
      sum += nanos;
      if (nanos > max) max = nanos;
    }

    void add(Histogram o) {
      for (int i = 0; i < BUCKETS; i++) counts[i] += o.counts[i];
      total += o.total;
      sum += o.sum;
      max = Math.max(max, o.max);
    }

    /** Value at quantile q (0..1): the midpoint of the bucket holding the ceil(q*total)-th value. */
    long quantile(double q) {
      if (total == 0) return 0;
      long rank = Math.max(1, (long) Math.ceil(q * total));
      long seen = 0;
      for (int i = 0; i < BUCKETS; i++) {
        seen += counts[i];
        if (seen >= rank) return Math.min(max, (lower(i) + upper(i)) / 2);
      }
      return max;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shared run state

  static final class Run {
    final Options o;
    final RequestTemplate template;
    final InetSocketAddress address;
    final AtomicLong counter;
    final AtomicLong tickets = new AtomicLong(); // count mode: measured requests handed out
    final CountDownLatch go = new CountDownLatch(1); // released once the phases are set
    volatile long measureStart;
    volatile long measureEnd; // time mode: end of the window; count mode: hard upper bound
    volatile boolean stop;
    final AtomicLong lastCompletion = new AtomicLong(Long.MIN_VALUE);
    final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
    final AtomicReference<String> firstErrorBody = new AtomicReference<>();

    Run(Options o, InetSocketAddress address) {
      this.o = o;
      this.template = new RequestTemplate(o);
      this.address = address;
      this.counter = new AtomicLong(o.nStart);
    }

    boolean countMode() {
      return o.requests > 0;
    }

    void error(String kind) {
      errorKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One connection / thread

  static final class Worker implements Runnable {
    final Run run;
    final Histogram hist = new Histogram();
    long requests; // finished inside the window (ok + errors)
    long errors;
    long statusErrors;
    long ioErrors;
    long connects;

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private boolean mustClose;
    private final RequestTemplate.Scratch scratch = new RequestTemplate.Scratch();
    private final CountDownLatch connected;

    Worker(Run run, CountDownLatch connected) {
      this.run = run;
      this.connected = connected;
    }

    @Override
    public void run() {
      try {
        try {
          connect();
        } catch (IOException e) {
          // reported on first use
        } finally {
          connected.countDown();
        }
        try {
          run.go.await();
        } catch (InterruptedException e) {
          return;
        }
        loop();
      } finally {
        closeQuietly();
      }
    }

    private void loop() {
      final Run r = run;
      final boolean countMode = r.countMode();
      while (!r.stop) {
        long now = System.nanoTime();
        if (now - r.measureEnd >= 0) return;
        boolean measured = false;
        if (countMode && now - r.measureStart >= 0) {
          if (r.tickets.incrementAndGet() > r.o.requests) return;
          measured = true;
        }
        byte[] req;
        int len;
        if (r.template.fixed != null) {
          req = r.template.fixed;
          len = req.length;
        } else {
          r.template.build(r.counter.getAndIncrement(), scratch);
          req = scratch.buf;
          len = scratch.len;
        }
        long t0 = System.nanoTime();
        int status;
        String ioError = null;
        try {
          status = exchange(req, len);
        } catch (IOException | RuntimeException e) {
          status = -1;
          ioError = e instanceof Worker.ClosedBeforeResponse ? "closed-before-response" : e.getClass().getSimpleName();
          closeQuietly();
        }
        long t1 = System.nanoTime();
        boolean inWindow =
            countMode ? measured : (t1 - r.measureStart >= 0 && t1 - r.measureEnd <= 0);
        if (inWindow) {
          requests++;
          if (status == r.o.expect) {
            hist.record(t1 - t0);
          } else {
            errors++;
            if (status < 0) {
              ioErrors++;
              r.error("io:" + ioError);
            } else {
              statusErrors++;
              r.error("status:" + status);
            }
          }
          if (countMode) {
            long prev;
            do {
              prev = r.lastCompletion.get();
            } while ((prev == Long.MIN_VALUE || t1 - prev > 0)
                && !r.lastCompletion.compareAndSet(prev, t1));
          }
        }
        if (status < 0) {
          // don't spin against a dead server
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }

    // --- connection handling ---

    private void connect() throws IOException {
      closeQuietly();
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        s.setSoTimeout(run.o.timeoutMs);
        s.connect(run.address, run.o.connectTimeoutMs);
      } catch (IOException e) {
        try {
          s.close();
        } catch (IOException ignored) {
          // nothing
        }
        throw e;
      }
      socket = s;
      in = s.getInputStream();
      out = s.getOutputStream();
      pos = lim = 0;
      mustClose = false;
      connects++;
    }

    private void closeQuietly() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // nothing
        }
      }
      socket = null;
      in = null;
      out = null;
      pos = lim = 0;
    }

    /**
     * Sends one request, reads the whole response; returns the status. A connection the server
     * closed without answering is an error (not retried: the request may not be idempotent, and a
     * server dropping connections under load is worth seeing); the next request reconnects.
     */
    private int exchange(byte[] req, int len) throws IOException {
      if (socket == null) connect();
      try {
        out.write(req, 0, len);
        return readResponse();
      } finally {
        if (mustClose) closeQuietly();
      }
    }

    /** Thrown when the connection is at EOF before the first byte of a response. */
    static final class ClosedBeforeResponse extends IOException {
      ClosedBeforeResponse() {
        super("connection closed before the response");
      }

      @Override
      public synchronized Throwable fillInStackTrace() {
        return this; // control flow, no stack trace needed
      }
    }

    private boolean fill() throws IOException {
      if (pos == lim) pos = lim = 0;
      if (lim == buf.length) {
        if (pos == 0) throw new IOException("response line/header longer than " + buf.length);
        System.arraycopy(buf, pos, buf, 0, lim - pos);
        lim -= pos;
        pos = 0;
      }
      int n = in.read(buf, lim, buf.length - lim);
      if (n < 0) return false;
      lim += n;
      return true;
    }

    /** Returns the end index (exclusive, before CRLF) of the next line; pos moves past it. */
    private int lineStart;

    private int readLine(boolean first) throws IOException {
      while (true) {
        for (int i = pos; i < lim; i++) {
          if (buf[i] == '\n') {
            lineStart = pos;
            int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
            pos = i + 1;
            return end;
          }
        }
        boolean wasEmpty = pos == lim;
        if (!fill()) {
          if (first && wasEmpty) throw new ClosedBeforeResponse();
          throw new IOException("connection closed in the middle of a response");
        }
      }
    }

    private static final byte[] H_CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] H_TRANSFER_ENCODING =
        "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] H_CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);

    private int readResponse() throws IOException {
      int status;
      boolean first = true;
      while (true) {
        int end = readLine(first);
        first = false;
        int s = lineStart;
        // "HTTP/1.x SSS ..."
        if (end - s < 12 || buf[s] != 'H' || buf[s + 4] != '/' || buf[s + 8] != ' ')
          throw new IOException("bad status line");
        boolean http10 = buf[s + 7] == '0';
        status = (buf[s + 9] - '0') * 100 + (buf[s + 10] - '0') * 10 + (buf[s + 11] - '0');
        if (status < 100 || status > 999) throw new IOException("bad status code");
        long contentLength = -1;
        boolean chunked = false;
        boolean close = http10;
        while (true) {
          int e = readLine(false);
          int ls = lineStart;
          if (e == ls) break;
          if (startsWithIgnoreCase(ls, e, H_CONTENT_LENGTH)) {
            contentLength = parseLong(ls + H_CONTENT_LENGTH.length, e);
          } else if (startsWithIgnoreCase(ls, e, H_TRANSFER_ENCODING)) {
            chunked = containsIgnoreCase(ls, e, "chunked");
          } else if (startsWithIgnoreCase(ls, e, H_CONNECTION)) {
            if (containsIgnoreCase(ls, e, "close")) close = true;
            else if (containsIgnoreCase(ls, e, "keep-alive")) close = false;
          }
        }
        if (status >= 100 && status < 200) continue; // interim response, read the real one
        boolean wantBody = status != run.o.expect && run.firstErrorBody.get() == null;
        StringBuilder errBody = wantBody ? new StringBuilder() : null;
        boolean noBody = status == 204 || status == 304 || run.o.method.equals("HEAD");
        if (noBody) {
          // nothing
        } else if (chunked) {
          readChunked(errBody);
        } else if (contentLength >= 0) {
          skip(contentLength, errBody);
        } else {
          // body delimited by EOF
          while (true) {
            if (pos == lim && !fill()) break;
            capture(errBody, pos, lim);
            pos = lim;
          }
          close = true;
        }
        if (close) mustClose = true;
        if (errBody != null) {
          run.firstErrorBody.compareAndSet(null, "HTTP " + status + " " + errBody);
        }
        return status;
      }
    }

    private void capture(StringBuilder sb, int from, int to) {
      if (sb == null || sb.length() >= 300) return;
      int n = Math.min(to - from, 300 - sb.length());
      sb.append(new String(buf, from, n, StandardCharsets.UTF_8));
    }

    private void skip(long n, StringBuilder errBody) throws IOException {
      while (n > 0) {
        if (pos == lim && !fill()) throw new IOException("connection closed in the middle of a body");
        int take = (int) Math.min(n, lim - pos);
        capture(errBody, pos, pos + take);
        pos += take;
        n -= take;
      }
    }

    private void readChunked(StringBuilder errBody) throws IOException {
      while (true) {
        int e = readLine(false);
        int s = lineStart;
        long size = 0;
        int digits = 0;
        for (int i = s; i < e; i++) {
          int c = buf[i];
          int d;
          if (c >= '0' && c <= '9') d = c - '0';
          else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
          else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
          else if (c == ';' || c == ' ' || c == '\t') break;
          else throw new IOException("bad chunk size");
          size = size * 16 + d;
          if (++digits > 15) throw new IOException("chunk too large");
        }
        if (digits == 0) throw new IOException("bad chunk size");
        if (size == 0) {
          // trailers until an empty line
          while (true) {
            int te = readLine(false);
            if (te == lineStart) return;
          }
        }
        skip(size, errBody);
        int ce = readLine(false);
        if (ce != lineStart) throw new IOException("missing CRLF after chunk");
      }
    }

    private boolean startsWithIgnoreCase(int s, int e, byte[] lowerPrefix) {
      if (e - s < lowerPrefix.length) return false;
      for (int i = 0; i < lowerPrefix.length; i++) {
        int c = buf[s + i];
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != lowerPrefix[i]) return false;
      }
      return true;
    }

    private boolean containsIgnoreCase(int s, int e, String needle) {
      return new String(buf, s, e - s, StandardCharsets.ISO_8859_1)
          .toLowerCase(Locale.ROOT)
          .contains(needle);
    }

    private long parseLong(int s, int e) throws IOException {
      while (s < e && (buf[s] == ' ' || buf[s] == '\t')) s++;
      while (e > s && (buf[e - 1] == ' ' || buf[e - 1] == '\t')) e--;
      if (s == e || e - s > 15) throw new IOException("bad Content-Length");
      long v = 0;
      for (int i = s; i < e; i++) {
        int c = buf[i];
        if (c < '0' || c > '9') throw new IOException("bad Content-Length");
        v = v * 10 + (c - '0');
      }
      return v;
    }
  }

  // ---------------------------------------------------------------------------------------------

  public static void main(String[] args) throws Exception {
    Options o;
    InetSocketAddress address;
    try {
      o = parse(args);
      address = new InetSocketAddress(loopback(o.host), o.port);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("loadgen: " + e.getMessage());
      usage();
      System.exit(2);
      return;
    }
    Run run = new Run(o, address);
    if (!o.quiet) {
      System.err.printf(
          Locale.ROOT,
          "loadgen: %s http://%s:%d%s c=%d warmup=%ss %s expect=%d%n",
          o.method,
          o.host,
          o.port,
          o.path,
          o.concurrency,
          fmt(o.warmupSeconds),
          o.requests > 0 ? "requests=" + o.requests + " (max " + fmt(o.seconds) + "s)" : "seconds=" + fmt(o.seconds),
          o.expect);
    }

    CountDownLatch connected = new CountDownLatch(o.concurrency);
    List<Worker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < o.concurrency; i++) {
      Worker w = new Worker(run, connected);
      workers.add(w);
      Thread t =
          Thread.ofPlatform().name("loadgen-" + i).daemon(true).stackSize(256 * 1024).unstarted(w);
      threads.add(t);
    }
    for (Thread t : threads) t.start();
    connected.await();

    long start = System.nanoTime();
    run.measureStart = start + (long) (o.warmupSeconds * 1e9);
    run.measureEnd = run.measureStart + (long) (o.seconds * 1e9);
    run.go.countDown();

    // CPU used by this process during the measurement (to see what the generator takes away from
    // the server on a small machine): sampled at the start of the window and after the run.
    while (System.nanoTime() - run.measureStart < 0) {
      long left = (run.measureStart - System.nanoTime()) / 1_000_000;
      Thread.sleep(Math.max(1, Math.min(left, 1000)));
    }
    long cpu0 = processCpuNanos();
    long wall0 = System.nanoTime();
    CpuSample sys0 = CpuSample.take(o.watch);

    // Hard bound: the window plus one read timeout plus a margin; then give up on stragglers.
    long hardDeadline = run.measureEnd + (long) o.timeoutMs * 1_000_000L + 5_000_000_000L;
    long nextProgress = start + 5_000_000_000L;
    for (Thread t : threads) {
      while (t.isAlive()) {
        long now = System.nanoTime();
        if (now - hardDeadline >= 0) break;
        long waitMs = Math.max(1, Math.min((hardDeadline - now) / 1_000_000, 1000));
        t.join(waitMs);
        if (!o.quiet && System.nanoTime() - nextProgress >= 0) {
          nextProgress += 5_000_000_000L;
          long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
          System.err.printf(Locale.ROOT, "loadgen: ... %ds%n", elapsed);
        }
      }
    }
    run.stop = true;
    long cpu1 = processCpuNanos();
    long wall1 = System.nanoTime();
    CpuSample sys1 = CpuSample.take(o.watch);
    boolean stragglers = false;
    for (Thread t : threads) if (t.isAlive()) stragglers = true;

    // Merge. Straggler threads (stuck past the hard deadline) may still be writing their
    // counters; their numbers are read anyway (plain longs, approximate) and flagged.
    Histogram all = new Histogram();
    long requests = 0, errors = 0, statusErrors = 0, ioErrors = 0, connects = 0;
    for (Worker w : workers) {
      all.add(w.hist);
      requests += w.requests;
      errors += w.errors;
      statusErrors += w.statusErrors;
      ioErrors += w.ioErrors;
      connects += w.connects;
    }
    long ok = all.total;
    double seconds;
    if (run.countMode()) {
      long last = run.lastCompletion.get();
      seconds = last == Long.MIN_VALUE ? 0 : (last - run.measureStart) / 1e9;
    } else {
      seconds = (run.measureEnd - run.measureStart) / 1e9;
    }
    double rps = seconds > 0 ? ok / seconds : 0;

    StringBuilder line = new StringBuilder();
    line.append("requests=").append(requests);
    line.append(" errors=").append(errors);
    line.append(" seconds=").append(String.format(Locale.ROOT, "%.3f", seconds));
    line.append(" rps=").append(String.format(Locale.ROOT, "%.1f", rps));
    line.append(" p50_ms=").append(ms(all.quantile(0.50)));
    line.append(" p99_ms=").append(ms(all.quantile(0.99)));
    line.append(" max_ms=").append(ms(all.max));
    line.append(" ok=").append(ok);
    line.append(" status_errors=").append(statusErrors);
    line.append(" io_errors=").append(ioErrors);
    line.append(" p90_ms=").append(ms(all.quantile(0.90)));
    line.append(" p999_ms=").append(ms(all.quantile(0.999)));
    line.append(" mean_ms=").append(ms(ok == 0 ? 0 : (long) (all.sum / ok)));
    line.append(" concurrency=").append(o.concurrency);
    line.append(" connects=").append(connects);
    double loadgenPct = -1;
    if (cpu0 >= 0 && cpu1 >= 0 && wall1 > wall0) {
      loadgenPct = 100.0 * (cpu1 - cpu0) / (wall1 - wall0);
      line.append(" loadgen_cpu_pct=").append(String.format(Locale.ROOT, "%.0f", loadgenPct));
    }
    if (sys0 != null && sys1 != null && sys1.total > sys0.total) {
      // jiffies of all CPUs; one core's worth of wall time is (total delta / cores)
      double coreJiffies = (double) (sys1.total - sys0.total) / sys1.cores;
      double systemPct = 100.0 * (sys1.busy - sys0.busy) / coreJiffies;
      line.append(" cores=").append(sys1.cores);
      line.append(" system_cpu_pct=").append(String.format(Locale.ROOT, "%.0f", systemPct));
      double other = systemPct - Math.max(loadgenPct, 0);
      for (var e : o.watch.entrySet()) {
        long jiffies = 0;
        for (long pid : e.getValue()) {
          Long a = sys0.pidJiffies.get(pid), b = sys1.pidJiffies.get(pid);
          if (a != null && b != null && b >= a) jiffies += b - a; // alive at both ends
        }
        double pct = 100.0 * jiffies / coreJiffies;
        other -= pct;
        line.append(' ').append(e.getKey()).append("_cpu_pct=");
        line.append(String.format(Locale.ROOT, "%.0f", pct));
      }
      line.append(" other_cpu_pct=").append(String.format(Locale.ROOT, "%.0f", Math.max(0, other)));
    }
    if (stragglers) line.append(" stragglers=1");
    if (o.label != null) line.append(" label=").append(o.label.replaceAll("\\s", "_"));
    System.out.println(line);
    System.out.flush();

    if (!run.errorKinds.isEmpty()) {
      Map<String, Long> sorted = new TreeMap<>();
      run.errorKinds.forEach((k, v) -> sorted.put(k, v.get()));
      System.err.println("loadgen: errors by kind (measurement window): " + sorted);
      String body = run.firstErrorBody.get();
      if (body != null) System.err.println("loadgen: first unexpected response: " + body.replace('\n', ' '));
    }
    System.exit(ok == 0 ? 3 : 0);
  }

  /**
   * The address for host, which must be "localhost" or a loopback IP literal (127.x.x.x, ::1). No
   * name lookup is made: the generator never sends anything off this machine.
   */
  static InetAddress loopback(String host) throws IOException {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) h = "127.0.0.1";
    boolean literal = h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.matches("[0-9a-fA-F:]+") && h.contains(":");
    if (literal) {
      InetAddress ip = InetAddress.getByName(h); // literal: parsed, not looked up
      if (ip.isLoopbackAddress()) return ip;
    }
    throw new IllegalArgumentException(
        "refusing to send load to '" + host + "': only localhost / 127.0.0.1 / ::1 are allowed");
  }

  /**
   * Linux CPU counters from /proc (USER_HZ jiffies): all CPUs busy and total, and the watched
   * process's user+system time. Null where /proc is not there.
   */
  record CpuSample(long busy, long total, int cores, Map<Long, Long> pidJiffies) {
    static CpuSample take(Map<String, List<Long>> watch) {
      try {
        List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
        long busy = 0, total = 0;
        int cores = 0;
        for (String l : lines) {
          if (l.startsWith("cpu ")) {
            String[] f = l.trim().split("\\s+");
            for (int i = 1; i < f.length && i <= 8; i++) { // user..steal (guest is inside user)
              long v = Long.parseLong(f[i]);
              total += v;
              if (i != 4 && i != 5) busy += v; // idle, iowait
            }
          } else if (l.startsWith("cpu")) {
            cores++;
          }
        }
        Map<Long, Long> pidJiffies = new java.util.HashMap<>();
        for (List<Long> pids : watch.values()) {
          for (long pid : pids) {
            try {
              String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
              String[] f = st.substring(st.lastIndexOf(')') + 2).trim().split("\\s+");
              pidJiffies.put(pid, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime+stime
            } catch (IOException | RuntimeException e) {
              // gone or not readable: left out
            }
          }
        }
        return cores == 0 ? null : new CpuSample(busy, total, cores, pidJiffies);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }

  /** CPU time of this process (all threads) in ns, or -1 when the JVM cannot tell. */
  static long processCpuNanos() {
    try {
      if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) return os.getProcessCpuTime();
    } catch (RuntimeException | LinkageError e) {
      // not available
    }
    return -1;
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
