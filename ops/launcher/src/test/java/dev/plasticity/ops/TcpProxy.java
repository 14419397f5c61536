package dev.plasticity.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy on a free 127.0.0.1 port to one target, that a test cuts and restores: a real network
 * fault on real connections, with no mock in between. While cut, every open connection is closed
 * (reset) and every new one is accepted and reset at once, as a database host that went away
 * looks to its clients. {@link #cutWhenClientSends} cuts at a chosen moment: just before the
 * client's bytes that contain a marker (a SQL statement's text) reach the target.
 *
 * <p>Thread-safe: one accepting thread, two pumping threads per connection.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicReference<byte[]> cutMarker = new AtomicReference<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile boolean cut;
  private volatile boolean closed;

  private TcpProxy(ServerSocket server, InetSocketAddress target) {
    this.server = server;
    this.target = target;
  }

  /** Starts forwarding a free local port to {@code host:port}. */
  static TcpProxy start(String host, int port) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    TcpProxy proxy = new TcpProxy(server, new InetSocketAddress(host, port));
    Thread acceptor = new Thread(proxy::accept, "tcp-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  /** The local port clients connect to. */
  int port() {
    return server.getLocalPort();
  }

  /** Resets every open connection and every new one until {@link #restore()}. */
  void cut() {
    cut = true;
    cuts.incrementAndGet();
    for (Socket socket : open) {
      reset(socket);
    }
  }

  /**
   * Cuts (as {@link #cut()}) when a client next sends bytes containing {@code marker}, before those
   * bytes are forwarded: the statement never reaches the target. Fires once.
   */
  void cutWhenClientSends(String marker) {
    cutMarker.set(marker.getBytes(StandardCharsets.UTF_8));
  }

  /** Forwards new connections again. */
  void restore() {
    cut = false;
  }

  /** Connections forwarded to the target. */
  int accepted() {
    return accepted.get();
  }

  /** Connections reset on arrival while cut. */
  int refused() {
    return refused.get();
  }

  /** Times the proxy was cut. */
  int cuts() {
    return cuts.get();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        refused.incrementAndGet();
        reset(client);
        continue;
      }
      try {
        Socket upstream = new Socket();
        upstream.connect(target, 5_000);
        open.add(client);
        open.add(upstream);
        accepted.incrementAndGet();
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        reset(client);
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromClient) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          if (fromClient && carriesMarker(buffer, n)) {
            cut();
            return;
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the other side or a cut closed it
      } finally {
        reset(from);
        reset(to);
      }
    }, "tcp-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private boolean carriesMarker(byte[] buffer, int length) {
    byte[] marker = cutMarker.get();
    if (marker == null || length < marker.length) {
      return false;
    }
    for (int i = 0; i + marker.length <= length; i++) {
      if (buffer[i] == marker[0] && Arrays.equals(buffer, i, i + marker.length, marker, 0, marker.length)) {
        return cutMarker.compareAndSet(marker, null);
      }
    }
    return false;
  }

  /** Closes with a TCP reset rather than an orderly FIN, as a lost host or a dropped route shows. */
  private void reset(Socket socket) {
    open.remove(socket);
    try {
      if (!socket.isClosed()) {
        socket.setSoLinger(true, 0);
      }
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket socket : open) {
      reset(socket);
    }
  }
}
