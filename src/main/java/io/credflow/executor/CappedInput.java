package io.credflow.executor;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A stream that fails with {@link TooLarge} once it has given more than its limit. */
final class CappedInput extends FilterInputStream {
  private final long limit;
  private long count;

  CappedInput(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  /** More bytes than the limit arrived. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long limit) {
      super("more than " + limit + " bytes");
    }
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    counted(skipped);
    return skipped;
  }

  private void counted(long n) throws IOException {
    count += n;
    if (count > limit) {
      throw new TooLarge(limit);
    }
  }
}
