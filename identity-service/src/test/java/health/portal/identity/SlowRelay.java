package health.portal.identity;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP relay on a free local port to a server, holding back each chunk the client sends for a while: the server
 * seems slow, as a loaded Keycloak does, which widens the windows between the steps of the calls through it.
 */
final class SlowRelay implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    SlowRelay(URI target, Duration delay) {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.submit(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(target.getHost(), target.getPort());
                    threads.submit(() -> pump(client, upstream, delay));
                    threads.submit(() -> pump(upstream, client, Duration.ZERO));
                } catch (IOException e) {
                    // closed, or the target refused: the client sees its connection end
                }
            }
        });
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private static void pump(Socket from, Socket to, Duration delay) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                Thread.sleep(delay);
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // either side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
