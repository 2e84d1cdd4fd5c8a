package example;

import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.json.JSONObject;

/** Answers /healthz with the uid, the Java feature release, the JVM options and a JSON dependency at work. */
public class Server {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
        server.createContext("/healthz", exchange -> {
            long uid = new com.sun.security.auth.module.UnixSystem().getUid();
            boolean sized = ManagementFactory.getRuntimeMXBean().getInputArguments()
                .contains("-XX:MaxRAMPercentage=75.0");
            String body = "ok uid=" + uid + " java=" + Runtime.version().feature()
                + " ram-percentage=" + sized + " json=" + new JSONObject().put("a", 1);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }
}
