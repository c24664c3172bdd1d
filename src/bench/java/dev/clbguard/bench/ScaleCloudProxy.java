package dev.clbguard.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A TCP relay on loopback between one clbguard process and the CLB API emulator that reads the HTTP requests going
 * through (bytes are passed on unchanged, so the TC3 signature over the Host header still holds) and records each
 * Tencent Cloud call: time, action ({@code X-TC-Action}), and for DescribeLoadBalancers whether it lists by tag
 * filter (a guardian sweep's page; offset 0 starts a sweep) or looks up ids (admission, audit, reconciler).
 */
final class ScaleCloudProxy implements AutoCloseable {

    record Call(long millis, String action, boolean byFilter, boolean firstPage) {
    }

    private static final Pattern OFFSET0 = Pattern.compile("\"Offset\"\\s*:\\s*0\\s*[,}]");

    private final ServerSocket server;
    private final String target;
    private final List<Call> calls = new ArrayList<>();
    private volatile boolean closed;

    ScaleCloudProxy(String emulatorHostPort) throws IOException {
        this.target = emulatorHostPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "cloud-proxy-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    String endpoint() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = server.accept();
                String[] hp = target.split(":");
                Socket out = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(hp[1]));
                // No Nagle: a request's head and body, or an answer, must not wait for a delayed ACK.
                in.setTcpNoDelay(true);
                out.setTcpNoDelay(true);
                Thread up = new Thread(() -> requests(in, out), "cloud-proxy-up");
                Thread down = new Thread(() -> pipe(out, in), "cloud-proxy-down");
                up.setDaemon(true);
                down.setDaemon(true);
                up.start();
                down.start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("cloud proxy: " + e);
                }
            }
        }
    }

    /** Client to emulator: HTTP/1.1 requests one after the other, each recorded, all bytes passed on. */
    private void requests(Socket in, Socket out) {
        try (in; out) {
            InputStream is = new java.io.BufferedInputStream(in.getInputStream());
            OutputStream os = out.getOutputStream();
            while (true) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int state = 0;
                int b;
                while (state < 4 && (b = is.read()) >= 0) {
                    head.write(b);
                    state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                            : b == '\r' ? 1 : 0;
                }
                if (state < 4) {
                    return;
                }
                String h = head.toString(StandardCharsets.ISO_8859_1);
                long length = 0;
                String action = "?";
                for (String line : h.split("\r\n")) {
                    String l = line.toLowerCase(Locale.ROOT);
                    if (l.startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(15).trim());
                    } else if (l.startsWith("x-tc-action:")) {
                        action = line.substring(12).trim();
                    }
                }
                byte[] body = is.readNBytes((int) length);
                String text = new String(body, StandardCharsets.UTF_8);
                boolean filter = text.contains("\"Filters\"");
                synchronized (this) {
                    calls.add(new Call(System.currentTimeMillis(), action, filter, filter && OFFSET0.matcher(text).find()));
                }
                head.write(body);
                os.write(head.toByteArray()); // one write: head and body together
                os.flush();
            }
        } catch (IOException ignored) {
            // connection closed
        }
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // closed
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
